import { describe, expect, it } from 'vitest';
import { parseServerMessage } from './server-messages.js';
import { running } from '../tasks/test-tasks.js';

const frame = (type: string, data: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type, data, timestamp: '2025-01-01T00:00:00.000Z', ...extra });

describe('parseServerMessage', () => {
  it('reads connection, snapshot, resumed, task, deletion and pong messages', () => {
    expect(parseServerMessage(frame('connection', { status: 'connected', socketId: 's1', serverTime: 'T', epoch: 'e1', seq: 4 }))).toMatchObject({
      type: 'connection',
      data: { socketId: 's1', serverTime: 'T', epoch: 'e1', seq: 4 },
    });
    const t = running('a', 20);
    expect(parseServerMessage(frame('taskProgress', t, { seq: 7 }))).toEqual({
      type: 'taskProgress',
      data: t,
      timestamp: '2025-01-01T00:00:00.000Z',
      seq: 7,
    });
    expect(parseServerMessage(frame('snapshot', { tasks: [t, { bogus: true }], seq: 3, epoch: 'e' }))).toMatchObject({
      data: { tasks: [t], seq: 3, epoch: 'e' },
    });
    expect(parseServerMessage(frame('resumed', { replayed: 2, seq: 9, epoch: 'e' }))).toMatchObject({ data: { replayed: 2, seq: 9 } });
    expect(parseServerMessage(frame('tasksDeleted', { ids: ['a', 3, 'b'] }, { seq: 10 }))).toMatchObject({ data: { ids: ['a', 'b'] }, seq: 10 });
    expect(parseServerMessage(frame('pong', { timestamp: 'P' }))).toMatchObject({ type: 'pong', data: { timestamp: 'P' } });
  });

  it("reads the owner's statsTick, and ignores one without a point", () => {
    const point = { t: '2026-12-02T10:42:00.000Z', completed: 3, failed: 1, cancelled: 0, queueMax: 14, runningMax: 4, p50: 900, p95: 2100 };
    expect(parseServerMessage(frame('statsTick', point))).toEqual({ type: 'statsTick', data: point, timestamp: '2025-01-01T00:00:00.000Z' });
    expect(parseServerMessage(frame('statsTick', { completed: 3 }))).toBeNull();
  });

  it('ignores bad JSON, unknown types and malformed tasks', () => {
    expect(parseServerMessage('{nope')).toBeNull();
    expect(parseServerMessage(frame('somethingNew', {}))).toBeNull();
    expect(parseServerMessage(frame('taskProgress', { id: 'a' }))).toBeNull();
    expect(parseServerMessage(frame('taskProgress', { ...running('a', 1), state: 'weird' }))).toBeNull();
    expect(parseServerMessage(new ArrayBuffer(2))).toBeNull();
  });

  it('reads taskLog frames, keeping only well-formed lines, and taskLogRefused', () => {
    const good = { seq: 4, time: 'T', stream: 'stderr', text: 'oops' };
    expect(parseServerMessage(frame('taskLog', { taskId: 't', lines: [good, { seq: 5, text: 'x', stream: 'tty', time: 'T' }], seq: 5, skipped: 2 }))).toMatchObject({
      type: 'taskLog',
      data: { taskId: 't', lines: [good], seq: 5, skipped: 2 },
    });
    expect(parseServerMessage(frame('taskLog', { taskId: 't' }))).toBeNull();
    expect(parseServerMessage(frame('taskLogRefused', { taskId: 't', code: 'NOT_FOUND', message: 'No task' }))).toMatchObject({
      type: 'taskLogRefused',
      data: { taskId: 't', code: 'NOT_FOUND', message: 'No task' },
    });
  });
});
