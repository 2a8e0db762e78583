import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../protocol/messages.js';
import { startTaskMonitor, type RunningTaskMonitor } from '../launcher/start-task-monitor.js';
import { postJson } from '../test-support/http.js';
import { MessageCollector } from '../test-support/message-collector.js';

/**
 * Gap-free reconnect: a client that drops its socket mid-task and comes back with the last
 * sequence number it saw misses no event and sees none twice.
 */
const monitors: RunningTaskMonitor[] = [];
const sockets: MessageCollector[] = [];
async function launch(options: Parameters<typeof startTaskMonitor>[0] = {}): Promise<RunningTaskMonitor> {
  const monitor = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir: null, logLevel: 'silent', ...options });
  monitors.push(monitor);
  return monitor;
}
async function open(monitor: RunningTaskMonitor, sessionId: string, resume?: { epoch: string; lastSeq: number }): Promise<MessageCollector> {
  const collector = resume ? await MessageCollector.resume(monitor.url, sessionId, resume) : await MessageCollector.open(monitor.url, sessionId);
  sockets.push(collector);
  return collector;
}
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  await Promise.all(monitors.splice(0).map((monitor) => monitor.close()));
});

const numbered = (messages: ServerMessage[]) => messages.filter((m) => m.seq !== undefined).map((m) => m.seq!);
const epochOf = (collector: MessageCollector) => (collector.messages[0] as Extract<ServerMessage, { type: 'connection' }>).data.epoch;

async function startTasks(monitor: RunningTaskMonitor, sessionId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { body } = await postJson(`${monitor.url}/api/task/start`, { name: `Replay ${i}`, duration: 1500, clientId: sessionId });
    ids.push(body.taskId);
  }
  return ids;
}

describe('gap-free reconnect', () => {
  it('replays exactly the events missed while the socket was down, in order, and then goes live', async () => {
    const monitor = await launch();
    const watcher = await open(monitor, 'replay-session'); // stays connected: the reference
    const dropper = await open(monitor, 'replay-session');
    const ids = await startTasks(monitor, 'replay-session', 3);
    await dropper.waitFor((m) => m.type === 'taskProgress' && m.data.progress >= 20, 'some progress');
    await dropper.close();
    const seenBefore = numbered(dropper.messages);
    await watcher.waitFor((m) => (m.seq ?? 0) >= Math.max(...seenBefore) + 5, 'events while the dropper is away');

    const back = await open(monitor, 'replay-session', { epoch: epochOf(dropper), lastSeq: Math.max(...seenBefore) });
    await Promise.all(ids.map((id) => back.waitForFinal(id)));
    await Promise.all(ids.map((id) => watcher.waitForFinal(id)));

    const resumed = back.messages.find((m) => m.type === 'resumed');
    expect(resumed).toBeDefined();
    expect(back.ofType('snapshot')).toEqual([]);
    const seen = [...seenBefore, ...numbered(back.messages)];
    const reference = numbered(watcher.messages);
    expect(seen).toEqual(reference); // every event once, none missing, none twice, same order
    expect(reference).toEqual(Array.from({ length: reference.length }, (_, i) => i + 1));
    // 3 tasks x (queued + running + 10 steps + completed)
    expect(reference.length).toBe(3 * 13);
  });

  it('gives a fresh snapshot when the client numbers come from another server run', async () => {
    const monitor = await launch();
    const [id] = await startTasks(monitor, 'epoch-session', 1);
    const client = await open(monitor, 'epoch-session', { epoch: 'an-old-run', lastSeq: 3 });
    const snapshot = await client.waitFor((m) => m.type === 'snapshot', 'snapshot');
    expect(snapshot.type === 'snapshot' && snapshot.data.tasks.map((t) => t.id)).toEqual([id]);
    expect(client.ofType('resumed')).toEqual([]);
  });

  it('gives a fresh snapshot, with the current number, when the gap is older than the replay buffer', async () => {
    const monitor = await launch({ replayFrames: 5 });
    const first = await open(monitor, 'gap-session');
    const [id] = await startTasks(monitor, 'gap-session', 1);
    await first.waitForFinal(id!);
    const latest = Math.max(...numbered(first.messages));
    await first.close();
    const back = await open(monitor, 'gap-session', { epoch: epochOf(first), lastSeq: 1 });
    const snapshot = await back.waitFor((m) => m.type === 'snapshot', 'snapshot');
    expect(snapshot.type === 'snapshot' && snapshot.data).toMatchObject({ seq: latest, tasks: [{ id, state: 'completed' }] });
  });

  it('numbers only the session own task messages; greetings carry the epoch and latest number', async () => {
    const monitor = await launch();
    const client = await open(monitor, 'greeting-session');
    await client.waitFor((m) => m.type === 'snapshot', 'snapshot');
    expect(client.messages[0]).toMatchObject({ type: 'connection', data: { epoch: expect.any(String), seq: 0 } });
    expect(client.messages[0]!.seq).toBeUndefined();
    const [id] = await startTasks(monitor, 'greeting-session', 1);
    await client.waitForFinal(id!);
    const other = await open(monitor, 'greeting-session');
    expect(await other.waitFor((m) => m.type === 'connection', 'connection')).toMatchObject({ data: { seq: 13 } });
  });
});
