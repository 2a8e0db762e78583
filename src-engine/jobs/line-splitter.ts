import { StringDecoder } from 'node:string_decoder';

/** Longest line, in characters, before it is cut into pieces. */
export const MAX_LINE_CHARS = 8192;

/**
 * Turns a byte stream into lines: UTF-8 decoded across chunk boundaries (invalid bytes become
 * U+FFFD rather than an error), `\n` or `\r\n` ends a line, a line longer than `maxChars` is cut
 * into pieces of that length (a program that never writes a newline cannot make us buffer
 * without bound). Holds at most one partial line.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxChars: number = MAX_LINE_CHARS,
  ) {}

  write(chunk: Buffer): void {
    this.take(this.decoder.write(chunk));
  }

  /** The stream ended: decodes what is left and emits the last, unterminated line. */
  end(): void {
    this.take(this.decoder.end());
    if (this.partial !== '') this.emit(this.partial);
    this.partial = '';
  }

  private take(text: string): void {
    if (text === '') return;
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      this.emit(this.partial + text.slice(start, newline));
      this.partial = '';
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    this.partial += text.slice(start);
    while (this.partial.length > this.maxChars) {
      this.onLine(this.partial.slice(0, this.maxChars));
      this.partial = this.partial.slice(this.maxChars);
    }
  }

  private emit(line: string): void {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    for (let i = 0; i < text.length || i === 0; i += this.maxChars) this.onLine(text.slice(i, i + this.maxChars));
  }
}
