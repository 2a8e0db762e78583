import { describe, expect, it } from 'vitest';
import { parseServerMessage } from './server-messages.js';
import { running } from '../tasks/test-tasks.js';

const frame = (type: string, data: unknown) => JSON.stringify({ type, data, timestamp: '2025-01-01T00:00:00.000Z' });

describe('parseServerMessage', () => {
  it('reads connection, snapshot, task and pong messages', () => {
    expect(parseServerMessage(frame('connection', { status: 'connected', socketId: 's1', serverTime: 'T' }))).toMatchObject({
      type: 'connection',
      data: { socketId: 's1', serverTime: 'T' },
    });
    const t = running('a', 20);
    expect(parseServerMessage(frame('taskProgress', t))).toEqual({ type: 'taskProgress', data: t, timestamp: '2025-01-01T00:00:00.000Z' });
    expect(parseServerMessage(frame('snapshot', { tasks: [t, { bogus: true }] }))).toMatchObject({ data: { tasks: [t] } });
    expect(parseServerMessage(frame('pong', { timestamp: 'P' }))).toMatchObject({ type: 'pong', data: { timestamp: 'P' } });
  });

  it('ignores bad JSON, unknown types and malformed tasks', () => {
    expect(parseServerMessage('{nope')).toBeNull();
    expect(parseServerMessage(frame('somethingNew', {}))).toBeNull();
    expect(parseServerMessage(frame('taskProgress', { id: 'a' }))).toBeNull();
    expect(parseServerMessage(frame('taskProgress', { ...running('a', 1), state: 'weird' }))).toBeNull();
    expect(parseServerMessage(new ArrayBuffer(2))).toBeNull();
  });
});
