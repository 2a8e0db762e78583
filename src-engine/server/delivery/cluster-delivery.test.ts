import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import type { NumberedEvent, SessionEventLog, SessionStart } from '../../engine/session-event-log.js';
import type { TaskRecord } from '../../engine/task-record.js';
import { SocketHub } from '../socket-hub.js';
import { ClusterDelivery, RESYNC_CLOSE } from './cluster-delivery.js';

/** A socket that records what it is sent. */
function fakeSocket(): WebSocket & { sent: { type: string; seq?: number }[]; closedWith?: { code: number; reason: string } } {
  const socket = {
    readyState: 1,
    sent: [] as { type: string; seq?: number }[],
    closedWith: undefined as { code: number; reason: string } | undefined,
    send(data: Buffer | string) {
      socket.sent.push(JSON.parse(data.toString()));
    },
    close(code: number, reason: string) {
      socket.closedWith = { code, reason };
      socket.readyState = 3;
    },
  };
  return socket as unknown as WebSocket & typeof socket;
}

const task = (id: string, progress: number): TaskRecord => ({
  id, name: id, kind: 'demo', parameters: {}, clientId: 's', state: 'running', progress, statusText: 'Running', result: null, error: null,
  createdAt: 0, startedAt: 0, completedAt: null, attempt: 1, maxAttempts: 1, priority: 0, runAt: null,
});
const numbered = (seq: number): NumberedEvent => ({ sessionId: 's', seq, time: 1_000, event: { type: 'taskUpdated', task: task('t', seq), stateChanged: false } });

/** A backend log whose greeting and range answers the test releases by hand. */
function fakeLog(journal: NumberedEvent[]) {
  let listener: (event: NumberedEvent) => void = () => undefined;
  let releaseOpen: (start: SessionStart) => void = () => undefined;
  const log: SessionEventLog = {
    subscribe: (next) => ((listener = next), () => undefined),
    open: () => new Promise((resolve) => (releaseOpen = resolve)),
    range: async (_session, from, to) => {
      const events = journal.filter((event) => event.seq >= from && event.seq <= to);
      return events.length === to - from + 1 ? events : undefined;
    },
  };
  return { log, emit: (event: NumberedEvent) => listener(event), greet: (start: SessionStart) => releaseOpen(start) };
}

const snapshotAt = (seq: number): SessionStart => ({ kind: 'snapshot', epoch: 'e', seq, tasks: [], total: 0, counts: { scheduled: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 } });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const seqsOf = (socket: { sent: { seq?: number }[] }) => socket.sent.flatMap((message) => (message.seq === undefined ? [] : [message.seq]));

describe('ClusterDelivery', () => {
  it('holds events that arrive while a socket is greeted, then sends those after the snapshot number, in order', async () => {
    const backend = fakeLog([]);
    const delivery = new ClusterDelivery(backend.log, new SocketHub(), 200, console as never);
    const socket = fakeSocket();
    delivery.attach(socket, 's', undefined);
    backend.emit(numbered(5)); // already in the snapshot below
    backend.emit(numbered(6));
    backend.emit(numbered(7));
    backend.greet(snapshotAt(5));
    await settle();
    expect(socket.sent.map((message) => message.type)).toEqual(['connection', 'snapshot', 'taskProgress', 'taskProgress']);
    expect(seqsOf(socket)).toEqual([6, 7]);
    backend.emit(numbered(7)); // a repeat is skipped
    backend.emit(numbered(8));
    expect(seqsOf(socket)).toEqual([6, 7, 8]);
  });

  it('fills a gap from the journal before anything later is sent', async () => {
    const backend = fakeLog([numbered(2), numbered(3)]);
    const delivery = new ClusterDelivery(backend.log, new SocketHub(), 200, console as never);
    const socket = fakeSocket();
    delivery.attach(socket, 's', undefined);
    backend.greet(snapshotAt(1));
    await settle();
    backend.emit(numbered(4)); // 2 and 3 never reached this node
    backend.emit(numbered(5));
    await settle();
    await settle();
    expect(seqsOf(socket)).toEqual([2, 3, 4, 5]);
  });

  it('closes a socket whose missed events are gone from the journal, so that it reconnects for a snapshot', async () => {
    const backend = fakeLog([]);
    const delivery = new ClusterDelivery(backend.log, new SocketHub(), 200, console as never);
    const socket = fakeSocket();
    delivery.attach(socket, 's', undefined);
    backend.greet(snapshotAt(1));
    await settle();
    backend.emit(numbered(9));
    await settle();
    expect(socket.closedWith).toEqual(RESYNC_CLOSE);
    expect(seqsOf(socket)).toEqual([]);
  });
});
