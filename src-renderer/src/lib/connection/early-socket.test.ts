import { describe, expect, it } from 'vitest';
import { takeEarlySocket, type EarlySocket } from './early-socket.js';
import { socketUrl } from './socket-url.js';

function fakeSocket() {
  const closed: number[] = [];
  const socket = { onopen: null, onmessage: null, onclose: null, close: (code: number) => closed.push(code) } as unknown as WebSocket;
  return { socket, closed };
}

describe('takeEarlySocket', () => {
  it('hands over the socket opened for the same URL, once', () => {
    const { socket, closed } = fakeSocket();
    const url = socketUrl({ protocol: 'http:', host: 'h:1' }, 'abc');
    const holder: { __earlySocket?: EarlySocket } = { __earlySocket: { url, socket, events: [] } };
    expect(takeEarlySocket(url, holder)?.socket).toBe(socket);
    expect(takeEarlySocket(url, holder)).toBeNull();
    expect(closed).toEqual([]);
  });

  it('closes a socket opened for another URL (e.g. every session, for a page that is not the owner)', () => {
    const { socket, closed } = fakeSocket();
    const holder: { __earlySocket?: EarlySocket } = { __earlySocket: { url: socketUrl({ protocol: 'http:', host: 'h:1' }, 'abc', null, true), socket, events: [] } };
    expect(takeEarlySocket(socketUrl({ protocol: 'http:', host: 'h:1' }, 'abc'), holder)).toBeNull();
    expect(closed).toEqual([1000]);
    expect(holder.__earlySocket).toBeUndefined();
  });

  it('finds nothing when no script opened one', () => {
    expect(takeEarlySocket('ws://h/ws?sessionId=a', {})).toBeNull();
  });
});
