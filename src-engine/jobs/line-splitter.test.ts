import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.js';

function split(chunks: Array<string | number[]>, maxChars?: number): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line), maxChars);
  for (const chunk of chunks) splitter.write(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  it('ends lines at \\n and \\r\\n, across chunks, and emits an unterminated last line at the end', () => {
    expect(split(['one\r\ntw', 'o\n\nthr', 'ee'])).toEqual(['one', 'two', '', 'three']);
  });

  it('decodes a character split between chunks, and replaces invalid bytes with U+FFFD', () => {
    expect(split([[0x63, 0x61, 0x66, 0xc3], [0xa9, 0x0a, 0xff, 0x0a]])).toEqual(['café', '\uFFFD']);
  });

  it('cuts a line longer than the limit into pieces, without waiting for its end', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line), 4);
    splitter.write(Buffer.from('abcdefghij'));
    expect(lines).toEqual(['abcd', 'efgh']); // the rest waits for more
    splitter.write(Buffer.from('\n'));
    expect(lines).toEqual(['abcd', 'efgh', 'ij']);
  });
});
