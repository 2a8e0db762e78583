import { describe, expect, it } from 'vitest';
import { isBlankName, MAX_PARAMETER_DEPTH, nestingDepth, textProblem } from './input-rules.js';

/** The text rule, stated as cases: valid Unicode is welcome, controls and spoofing are not. */
describe('textProblem', () => {
  it.each([
    ['plain ASCII', 'Nightly report'],
    ['accents and CJK', 'Résumé 報告 отчёт'],
    ['emoji with ZWJ sequences and skin tones', '👩‍💻 deploy 🚀 👍🏽'],
    ['right-to-left text with marks', 'تقرير \u200fيومي\u200e'],
    ['zero-width space and joiners inside words', 'a\u200bb\u200dc'],
    ['flags (regional indicators)', '🇫🇷🇯🇵'],
    ['the replacement character', '\ufffd'],
  ])('accepts %s', (_label, value) => expect(textProblem(value, 'name')).toBeUndefined());

  it.each([
    ['NUL', 'a\u0000b', 'U+0000'],
    ['a newline', 'line\nbreak', 'U+000A'],
    ['a tab', 'a\tb', 'U+0009'],
    ['an escape sequence', '\u001b[31mred', 'U+001B'],
    ['DEL', 'a\u007f', 'U+007F'],
    ['a C1 control', 'a\u0085b', 'U+0085'],
    ['a line separator', 'a\u2028b', 'U+2028'],
    ['a right-to-left override', 'invoice\u202Efdp.exe', 'U+202E'],
    ['a directional isolate', 'a\u2067b', 'U+2067'],
    ['a lone high surrogate', 'a\ud800b', 'lone surrogate'],
    ['a lone low surrogate', '\udc00', 'lone surrogate'],
  ])('refuses %s', (_label, value, expected) => expect(textProblem(value, 'name')).toContain(expected));
});

describe('isBlankName', () => {
  it.each(['', '   ', '\u200b', '\u200b\u200d\u200f', '\ufeff', '\u00ad', ' \u2060 '])('%j is blank', (value) => expect(isBlankName(value)).toBe(true));
  it.each(['x', ' x ', '😀', 'ا'])('%j is not', (value) => expect(isBlankName(value)).toBe(false));
});

describe('nestingDepth', () => {
  it('counts objects and arrays, without recursion, and stops early past the limit', () => {
    expect(nestingDepth({ a: 1 })).toBe(1);
    expect(nestingDepth({ a: [{ b: {} }] })).toBe(4);
    expect(nestingDepth('text')).toBe(0);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(nestingDepth(deep)).toBe(MAX_PARAMETER_DEPTH + 1);
  });
});
