import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage, TaskDto } from '../protocol/messages.js';
import { startTaskMonitor, type RunningTaskMonitor } from '../launcher/start-task-monitor.js';
import { getJson, postJson } from '../test-support/http.js';
import { MessageCollector } from '../test-support/message-collector.js';
import { SLOW_CONSUMER_CLOSE } from './socket-outbox.js';

/**
 * A client that stops reading is closed as soon as its outbox passes the limit, with 4008 and a
 * reason telling it to resume (not dropped by the keep-alive a minute later), and when it comes
 * back with `?lastSeq&epoch` it gets exactly what it missed: with what it had read, every number
 * of the session, once, in order.
 */
const monitors: RunningTaskMonitor[] = [];
const sockets: MessageCollector[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  await Promise.all(monitors.splice(0).map((monitor) => monitor.close()));
});

async function open(monitor: RunningTaskMonitor, sessionId: string, resume?: { epoch: string; lastSeq: number }): Promise<MessageCollector> {
  const url = new URL('/ws', monitor.url.replace(/^http/, 'ws'));
  url.searchParams.set('sessionId', sessionId);
  if (resume) {
    url.searchParams.set('epoch', resume.epoch);
    url.searchParams.set('lastSeq', String(resume.lastSeq));
  }
  const collector = new MessageCollector(url.href);
  await new Promise<void>((resolve, reject) => collector.socket.once('open', () => resolve()).once('error', reject));
  sockets.push(collector);
  return collector;
}

const LIMIT = 64 * 1024;
/** 24 tasks of 13 frames of ~450 bytes: ~140 KB, twice the limit, all within the replay buffer. */
const TASKS = 24;

const tcp = (collector: MessageCollector) => (collector.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
const numbered = (messages: ServerMessage[]) => messages.filter((m) => m.seq !== undefined).map((m) => m.seq!);

describe('a socket that stops reading', () => {
  it('is closed with 4008 as soon as its outbox passes the limit, long before the keep-alive, and resumes without a gap', async () => {
    const keepAliveMs = 120_000; // the keep-alive cannot be what closes it
    const monitor = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir: null, logLevel: 'silent', concurrency: 16, keepAliveMs, limits: { maxOutboxBytes: LIMIT } });
    monitors.push(monitor);
    const session = 'slow-reader';
    const reader = await open(monitor, session);
    const greeting = await reader.waitFor((m) => m.type === 'connection', 'greeting');
    const epoch = (greeting as Extract<ServerMessage, { type: 'connection' }>).data.epoch;
    await reader.waitFor((m) => m.type === 'snapshot', 'snapshot');

    // The client stops reading its TCP socket while its tasks run: the kernel takes every frame
    // (MBs fit on loopback, nothing waits in user space), but the client does not answer the
    // outbox's probe, so it is known to be more than the limit behind.
    tcp(reader).pause();
    const stalledAt = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < TASKS; i++) {
      const { status, body } = await postJson(`${monitor.url}/api/task/start`, { name: `Big ${i}`, duration: 1000, clientId: session });
      expect(status).toBe(200);
      ids.push(body.taskId);
    }
    for (let i = 0; i < 600; i++) {
      const { body } = await getJson(`${monitor.url}/api/tasks?clientId=${session}&state=completed&limit=1`);
      if (body.total === ids.length) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // Reading again, the client gets what the kernel held, then the close: not 1006, not after a minute.
    tcp(reader).resume();
    const closed = await Promise.race([reader.closed, new Promise((resolve) => setTimeout(() => resolve('no close within 20 s'), 20_000))]);
    const closedAfterMs = Date.now() - stalledAt;
    expect(closed).toEqual(SLOW_CONSUMER_CLOSE);
    expect(closed).toEqual({ code: 4008, reason: 'Too slow: reconnect with lastSeq to resume' });
    expect(closedAfterMs).toBeLessThan(keepAliveMs / 4);
    const seenBefore = numbered(reader.messages);
    const lastSeq = Math.max(0, ...seenBefore);
    const finalSeq = ids.length * 13; // queued, running, ten steps, completed
    expect(lastSeq).toBeLessThan(finalSeq); // it did miss something

    const back = await open(monitor, session, { epoch, lastSeq });
    const resumed = await back.waitFor((m) => m.type === 'resumed', 'resumed');
    expect(back.ofType('snapshot')).toEqual([]);
    expect((resumed as Extract<ServerMessage, { type: 'resumed' }>).data.replayed).toBe(finalSeq - lastSeq);
    const seen = [...seenBefore, ...numbered(back.messages)];
    expect(seen).toEqual(Array.from({ length: finalSeq }, (_, i) => i + 1)); // contiguous: none missing, none twice
    const finals = back.ofType('taskProgress').filter((m) => m.data.state === 'completed').map((m) => m.data.id);
    const finalsBefore = reader.ofType('taskProgress').filter((m) => m.data.state === 'completed').map((m) => m.data.id);
    expect(new Set([...finalsBefore, ...finals])).toEqual(new Set(ids));
    const tasks = (await getJson(`${monitor.url}/api/tasks?clientId=${session}&limit=100`)).body.items as TaskDto[];
    expect(tasks.every((task) => task.state === 'completed')).toBe(true);
  }, 60_000);
});
