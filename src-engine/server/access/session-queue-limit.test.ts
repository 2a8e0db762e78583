import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { TaskService } from '../../engine/task-service.js';
import { SessionQueueCounter } from './session-queue-limit.js';

/** A response of its own (no network): 'close' is emitted by the test. */
function response(): ServerResponse {
  return new ServerResponse(new IncomingMessage(new Socket()));
}

/** An engine that reports a fixed number of queued tasks per session. */
function engineWith(queued: Record<string, number>): TaskService {
  return { queuedFor: (clientId: string) => queued[clientId] ?? 0 } as unknown as TaskService;
}

describe('SessionQueueCounter', () => {
  it('counts the queued tasks plus the submissions in flight, and frees each place when its response closes', () => {
    const counter = new SessionQueueCounter(engineWith({ a: 2 }));
    const first = response();
    const second = response();
    counter.reserveUntilClosed('a', first);
    counter.reserveUntilClosed('a', second);
    counter.reserveUntilClosed('b', response());
    expect(counter.count('a')).toBe(4);
    expect(counter.count('b')).toBe(1);
    first.emit('close');
    expect(counter.count('a')).toBe(3);
    second.emit('close');
    expect(counter.count('a')).toBe(2);
    expect(counter.count('b')).toBe(1);
  });

  it('frees a place once, however often its response says it closed', () => {
    const counter = new SessionQueueCounter(engineWith({}));
    const held = response();
    counter.reserveUntilClosed('a', held);
    counter.reserveUntilClosed('a', response());
    held.emit('close');
    held.emit('close');
    counter.release(held);
    expect(counter.count('a')).toBe(1);
  });
});
