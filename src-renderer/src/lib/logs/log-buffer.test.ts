import { describe, expect, it } from 'vitest';
import { appendLog, formatLogTime, type LogEntry } from './log-buffer.js';

const entry = (id: number): LogEntry => ({ id, at: 0, level: 'info', text: `e${id}` });

describe('appendLog', () => {
  it('keeps newest first and caps the length', () => {
    let log: LogEntry[] = [];
    for (let i = 1; i <= 5; i++) log = appendLog(log, entry(i), 3);
    expect(log.map((e) => e.id)).toEqual([5, 4, 3]);
  });
  it('does not modify its input', () => {
    const before = [entry(1)];
    appendLog(before, entry(2));
    expect(before).toHaveLength(1);
  });
});

describe('formatLogTime', () => {
  it('writes a fixed-width local time with milliseconds', () => {
    expect(formatLogTime(new Date(2025, 0, 1, 9, 5, 3, 7).getTime())).toBe('09:05:03.007');
  });
});
