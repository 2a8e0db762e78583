import { describe, expect, it } from 'vitest';
import type { TaskLogLine } from '../protocol.js';
import { appendLog, EMPTY_LOG, prependLog, findAll, FOLLOW_SLACK_PX, latestText, linePieces, scrolledAway, searchLog, streamMarker } from './task-log.js';

const line = (seq: number, text = `line ${seq}`, stream: TaskLogLine['stream'] = 'stdout'): TaskLogLine => ({ seq, time: '2026-12-02T00:00:00.000Z', stream, text });
const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => line(from + i));

describe('appendLog', () => {
  it('adds lines in seq order and remembers the last seq', () => {
    const state = appendLog(EMPTY_LOG, [line(2), line(1)], 2);
    expect(state.lines.map((l) => l.seq)).toEqual([1, 2]);
    expect(state.lastSeq).toBe(2);
  });

  it('ignores lines already held, so a resubscription that overlaps shows nothing twice', () => {
    const first = appendLog(EMPTY_LOG, lines(1, 5), 5);
    const again = appendLog(first, lines(3, 8), 8);
    expect(again.lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(appendLog(again, lines(1, 8), 8)).toBe(again);
  });

  it('moves lastSeq to the covered seq and counts lines the server left out', () => {
    const state = appendLog(EMPTY_LOG, lines(201, 210), 210, 200);
    expect(state.lastSeq).toBe(210);
    expect(state.skipped).toBe(200);
  });

  it('keeps only the latest lines over the cap and counts the rest', () => {
    const state = appendLog(appendLog(EMPTY_LOG, lines(1, 8), 8, 0, 5), lines(9, 10), 10, 0, 5);
    expect(state.lines.map((l) => l.seq)).toEqual([6, 7, 8, 9, 10]);
    expect(state.trimmed).toBe(5);
  });
});

describe('prependLog', () => {
  it('puts older lines in front, skipping any already held, and counts fewer left out', () => {
    const held = appendLog(EMPTY_LOG, lines(1001, 1010), 1010, 1000);
    const filled = prependLog(held, [...lines(995, 1000), line(1001)]);
    expect(filled.lines.map((l) => l.seq)).toEqual([995, 996, 997, 998, 999, 1000, ...lines(1001, 1010).map((l) => l.seq)]);
    expect(filled.skipped).toBe(994);
    expect(filled.lastSeq).toBe(1010);
  });

  it('adds no more than the cap allows, keeping the newest of the older lines', () => {
    const held = appendLog(EMPTY_LOG, lines(8, 10), 10, 7, 5);
    expect(prependLog(held, lines(1, 7), 5).lines.map((l) => l.seq)).toEqual([6, 7, 8, 9, 10]);
    expect(prependLog(prependLog(held, lines(1, 7), 5), lines(1, 5), 5).lines).toHaveLength(5);
  });
});

describe('search', () => {
  it('finds every case-insensitive occurrence', () => {
    expect(findAll('Error error ERROR', 'error')).toEqual([[0, 5], [6, 11], [12, 17]]);
    expect(findAll('abc', '')).toEqual([]);
  });

  it('counts matches and lists matching lines, ignoring ANSI codes', () => {
    const held = [line(1, 'alpha'), line(2, '\u001b[31mal\u001b[0mpha beta alpha'), line(3, 'gamma')];
    expect(searchLog(held, 'ALPHA')).toEqual({ seqs: [1, 2], count: 3 });
    expect(searchLog(held, '')).toEqual({ seqs: [], count: 0 });
  });

  it('marks a match that spans two colour runs in both', () => {
    const pieces = linePieces('x\u001b[31mab\u001b[0mcd', 'bc');
    expect(pieces.map((p) => [p.text, p.hit, p.style.fg])).toEqual([
      ['x', false, null],
      ['a', false, 1],
      ['b', true, 1],
      ['c', true, null],
      ['d', false, null],
    ]);
  });

  it('gives plain pieces without a query', () => {
    expect(linePieces('plain', '')).toEqual([{ text: 'plain', style: expect.any(Object), hit: false }]);
  });
});

describe('streamMarker and latestText', () => {
  it('names the stream in text, and the level of handler lines', () => {
    expect(streamMarker(line(1, 'x', 'stdout'))).toBe('out');
    expect(streamMarker(line(1, 'x', 'stderr'))).toBe('err');
    expect(streamMarker({ ...line(1, 'x', 'log'), level: 'warn' })).toBe('warn');
    expect(streamMarker(line(1, 'x', 'log'))).toBe('log');
  });

  it('gives the latest non-blank line without escapes', () => {
    expect(latestText(appendLog(EMPTY_LOG, [line(1, '\u001b[32mdone\u001b[0m'), line(2, '  ')], 2))).toBe('done');
    expect(latestText(EMPTY_LOG)).toBeNull();
  });
});

describe('scrolledAway', () => {
  it('is false at the end of the log (or close to it) and true once scrolled up to read', () => {
    expect(scrolledAway({ scrollHeight: 1000, scrollTop: 800, clientHeight: 200 })).toBe(false);
    expect(scrolledAway({ scrollHeight: 1000, scrollTop: 800 - FOLLOW_SLACK_PX, clientHeight: 200 })).toBe(false);
    expect(scrolledAway({ scrollHeight: 1000, scrollTop: 700, clientHeight: 200 })).toBe(true);
    expect(scrolledAway({ scrollHeight: 100, scrollTop: 0, clientHeight: 200 })).toBe(false);
  });
});
