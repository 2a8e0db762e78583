/**
 * ANSI escape codes in log lines, made safe to show: colour and style (SGR, `ESC[…m`) become
 * plain segments the view renders as styled text nodes; every other escape (cursor moves, screen
 * clears, OSC titles and links) and stray control characters are dropped. Never HTML: the view
 * renders each segment's text as text.
 */

/** Style of a run of text. Colours are the 16 basic terminal colours (0–7, 8–15 bright), or null. */
export interface AnsiStyle {
  fg: number | null;
  bg: number | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
}

/** A run of text with one style. */
export interface AnsiSegment {
  text: string;
  style: AnsiStyle;
}

/** No colour, no style. */
export const PLAIN: AnsiStyle = Object.freeze({ fg: null, bg: null, bold: false, dim: false, italic: false, underline: false });

// CSI (ESC [ params intermediates final), OSC (ESC ] … BEL or ESC \), or any other 2-byte escape.
// eslint-disable-next-line no-control-regex
const ESCAPE = /\u001b\[([0-?]*)[ -/]*([@-~])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]?|\u009b[0-?]*[ -/]*[@-~]/g;
// Control characters other than tab: shown as nothing (a lone \r of a progress bar, a bell, a backspace).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** Splits a line into styled segments; escapes other than SGR are removed. Empty text gives no segments. */
export function parseAnsi(line: string): AnsiSegment[] {
  const segments: AnsiSegment[] = [];
  let style: AnsiStyle = PLAIN;
  let last = 0;
  const push = (raw: string) => {
    const text = raw.replace(CONTROL, '');
    if (text === '') return;
    const previous = segments[segments.length - 1];
    if (previous && sameStyle(previous.style, style)) previous.text += text;
    else segments.push({ text, style });
  };
  for (const match of line.matchAll(ESCAPE)) {
    push(line.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[2] === 'm') style = applySgr(style, match[1] ?? '');
  }
  push(line.slice(last));
  return segments;
}

/** The line's text without any escape or control character (for search and summaries). */
export function stripAnsi(line: string): string {
  return line.replace(ESCAPE, '').replace(CONTROL, '');
}

/** Applies one SGR parameter list (`1;31`) to a style. Unknown codes are ignored. */
export function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((part) => (part === '' ? 0 : Number(part)));
  let next = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code === 0) next = { ...PLAIN };
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 22) next.bold = next.dim = false;
    else if (code === 23) next.italic = false;
    else if (code === 24) next.underline = false;
    else if (code >= 30 && code <= 37) next.fg = code - 30;
    else if (code >= 90 && code <= 97) next.fg = code - 90 + 8;
    else if (code === 39) next.fg = null;
    else if (code >= 40 && code <= 47) next.bg = code - 40;
    else if (code >= 100 && code <= 107) next.bg = code - 100 + 8;
    else if (code === 49) next.bg = null;
    else if (code === 38 || code === 48) {
      // Extended colours: 5;n (256 colours) keeps the basic 16, anything else is skipped.
      const mode = codes[i + 1];
      const target = code === 38 ? 'fg' : 'bg';
      if (mode === 5) {
        const n = codes[i + 2] ?? 0;
        next[target] = n < 16 ? n : null;
        i += 2;
      } else if (mode === 2) {
        next[target] = null;
        i += 4;
      }
    }
  }
  return next;
}

function sameStyle(a: AnsiStyle, b: AnsiStyle): boolean {
  return a.fg === b.fg && a.bg === b.bg && a.bold === b.bold && a.dim === b.dim && a.italic === b.italic && a.underline === b.underline;
}

/** CSS classes for a style (`fg-1 bold`); empty for plain text. */
export function styleClasses(style: AnsiStyle): string {
  const classes: string[] = [];
  if (style.fg !== null) classes.push(`fg-${style.fg}`);
  if (style.bg !== null) classes.push(`bg-${style.bg}`);
  if (style.bold) classes.push('bold');
  if (style.dim) classes.push('dim');
  if (style.italic) classes.push('italic');
  if (style.underline) classes.push('underline');
  return classes.join(' ');
}
