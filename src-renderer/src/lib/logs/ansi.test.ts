import { describe, expect, it } from 'vitest';
import { applySgr, parseAnsi, PLAIN, stripAnsi, styleClasses } from './ansi.js';

const ESC = '\u001b';

describe('parseAnsi', () => {
  it('gives plain text one plain segment', () => {
    expect(parseAnsi('hello')).toEqual([{ text: 'hello', style: PLAIN }]);
  });

  it('turns SGR colours into styled segments and resets on 0', () => {
    const segments = parseAnsi(`a ${ESC}[1;31merror${ESC}[0m b`);
    expect(segments.map((s) => s.text)).toEqual(['a ', 'error', ' b']);
    expect(segments[1]!.style).toMatchObject({ fg: 1, bold: true });
    expect(segments[2]!.style).toEqual(PLAIN);
  });

  it('maps bright colours to 8-15 and keeps the 16 basic ones of 256-colour codes', () => {
    expect(parseAnsi(`${ESC}[92mok`)[0]!.style.fg).toBe(10);
    expect(parseAnsi(`${ESC}[38;5;4mx`)[0]!.style.fg).toBe(4);
    expect(parseAnsi(`${ESC}[38;5;200mx`)[0]!.style.fg).toBeNull();
    expect(parseAnsi(`${ESC}[38;2;1;2;3;1mx`)[0]!.style).toMatchObject({ fg: null, bold: true });
  });

  it('drops every other escape and control character, never showing them raw', () => {
    const text = parseAnsi(`${ESC}[2K\r50%${ESC}[1A done${ESC}]0;title\u0007!\u0007`)
      .map((s) => s.text)
      .join('');
    expect(text).toBe('50% done!');
  });

  it('drops an escape cut off at the end of a line', () => {
    expect(stripAnsi(`ok${ESC}`)).toBe('ok');
    expect(stripAnsi(`ok${ESC}[31`)).toBe('ok[31');
  });

  it('keeps tabs and gives no segment for an empty line', () => {
    expect(stripAnsi('a\tb')).toBe('a\tb');
    expect(parseAnsi('')).toEqual([]);
    expect(parseAnsi(`${ESC}[31m${ESC}[0m`)).toEqual([]);
  });

  it('merges neighbouring runs of the same style', () => {
    expect(parseAnsi(`${ESC}[31ma${ESC}[31mb`)).toHaveLength(1);
  });
});

describe('applySgr and styleClasses', () => {
  it('an empty parameter list resets', () => {
    expect(applySgr({ ...PLAIN, fg: 2, underline: true }, '')).toEqual(PLAIN);
  });

  it('22, 23, 24, 39 and 49 undo their attribute', () => {
    const styled = applySgr(PLAIN, '1;3;4;32;41');
    expect(styleClasses(styled)).toBe('fg-2 bg-1 bold italic underline');
    expect(applySgr(styled, '22;23;24;39;49')).toEqual(PLAIN);
  });
});
