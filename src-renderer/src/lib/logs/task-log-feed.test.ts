import { describe, expect, it, vi } from 'vitest';
import type { ClientMessage, ServerMessage, TaskLogLine } from '../protocol.js';
import { restLogReader, TaskLogFeed } from './task-log-feed.svelte.js';

const line = (seq: number, stream: TaskLogLine['stream'] = 'stdout'): TaskLogLine => ({ seq, time: 'T', stream, text: `line ${seq}` });
const frame = (taskId: string, lines: TaskLogLine[], seq = lines.at(-1)?.seq ?? 0): ServerMessage => ({ type: 'taskLog', data: { taskId, lines, seq }, timestamp: 'T' });
const connection: ServerMessage = { type: 'connection', data: { status: 'connected', socketId: 's', serverTime: 'T', epoch: 'e', seq: 0 }, timestamp: 'T' };

function setup(connected = true) {
  const sent: ClientMessage[] = [];
  const state = { connected };
  const feed = new TaskLogFeed((message) => {
    if (!state.connected) return false;
    sent.push(message);
    return true;
  });
  return { feed, sent, state };
}

describe('TaskLogFeed', () => {
  it('subscribes once per task however many views open it, and unsubscribes when the last closes', () => {
    const { feed, sent } = setup();
    const a = feed.open('t1', 'c');
    expect(feed.open('t1', 'c')).toBe(a);
    expect(sent).toEqual([{ type: 'subscribeLog', taskId: 't1', after: 0 }]);
    feed.close('t1');
    expect(sent).toHaveLength(1);
    feed.close('t1');
    expect(sent.at(-1)).toEqual({ type: 'unsubscribeLog', taskId: 't1' });
    expect(feed.get('t1')).toBeUndefined();
  });

  it('puts frames into their log and ignores logs no view follows', () => {
    const { feed } = setup();
    const log = feed.open('t1', 'c');
    feed.handle(frame('t1', [line(1), line(2, 'stderr')]));
    feed.handle(frame('t2', [line(1)]));
    expect(log.loaded).toBe(true);
    expect(log.state.lines.map((l) => [l.seq, l.stream])).toEqual([
      [1, 'stdout'],
      [2, 'stderr'],
    ]);
  });

  it('after a reconnect resubscribes from the last line held, and an overlapping replay adds nothing twice', () => {
    const { feed, sent, state } = setup();
    const log = feed.open('t1', 'c');
    feed.handle(frame('t1', [line(1), line(2), line(3)]));
    state.connected = false;
    state.connected = true;
    feed.handle(connection);
    expect(sent.at(-1)).toEqual({ type: 'subscribeLog', taskId: 't1', after: 3 });
    feed.handle(frame('t1', [line(3), line(4)]));
    expect(log.state.lines.map((l) => l.seq)).toEqual([1, 2, 3, 4]);
  });

  it('subscribes at the next connection when opened while the socket is down', () => {
    const { feed, sent, state } = setup(false);
    feed.open('t1', 'c');
    expect(sent).toEqual([]);
    state.connected = true;
    feed.handle(connection);
    expect(sent).toEqual([{ type: 'subscribeLog', taskId: 't1', after: 0 }]);
  });

  it('shows why the server refused a log', () => {
    const { feed } = setup();
    const log = feed.open('t1', 'c');
    feed.handle({ type: 'taskLogRefused', data: { taskId: 't1', code: 'NOT_FOUND', message: 'No task with id t1 in this session' }, timestamp: 'T' });
    expect(log.refused).toBe('No task with id t1 in this session');
  });

  it('reads the older lines a first frame left out of a long log, over REST, in front of the live ones', async () => {
    const asked: unknown[] = [];
    const feed = new TaskLogFeed(
      () => true,
      async (taskId, clientId, after, limit) => {
        asked.push([taskId, clientId, after, limit]);
        return Array.from({ length: 1200 - after }, (_, i) => line(after + i + 1)).filter((l) => l.seq <= Math.min(1200, after + limit));
      },
    );
    const log = feed.open('t1', 'c');
    feed.handle({ type: 'taskLog', data: { taskId: 't1', lines: Array.from({ length: 1000 }, (_, i) => line(1201 + i)), seq: 2200, skipped: 1200 }, timestamp: 'T' });
    await vi.waitFor(() => expect(log.state.lines).toHaveLength(2200));
    expect(asked).toEqual([['t1', 'c', 0, 4000]]);
    expect(log.state.lines.map((l) => l.seq)).toEqual(Array.from({ length: 2200 }, (_, i) => i + 1));
    expect(log.state.skipped).toBe(0);
  });
});

describe('restLogReader', () => {
  it('asks GET /api/tasks/:id/logs for the session, after a line, with a limit', async () => {
    let url = '';
    const read = restLogReader((async (input: string) => {
      url = input;
      return new Response(JSON.stringify({ taskId: 't 1', lines: [line(5)], lastSeq: 5, more: false }), { status: 200 });
    }) as typeof fetch);
    expect(await read('t 1', 'c', 4, 10)).toEqual([line(5)]);
    expect(url).toBe('/api/tasks/t%201/logs?clientId=c&after=4&limit=10');
    await expect(restLogReader((async () => new Response('', { status: 404 })) as typeof fetch)('t', 'c', 0, 1)).rejects.toThrow('HTTP 404');
  });
});
