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

  it('opens a socket the script has not opened yet (the page came before the first paint), and only that once', () => {
    const { socket } = fakeSocket();
    const url = socketUrl({ protocol: 'http:', host: 'h:1' }, 'abc');
    let opened = 0;
    const early: EarlySocket = { url, socket: null, events: [], open: () => void (opened++, (early.socket ??= socket)) };
    const holder: { __earlySocket?: EarlySocket } = { __earlySocket: early };
    expect(takeEarlySocket(url, holder)?.socket).toBe(socket);
    expect(opened).toBe(1);
    expect(holder.__earlySocket).toBeUndefined();
  });

  it('gives nothing when the browser refused to open it (the page then opens its own)', () => {
    const url = socketUrl({ protocol: 'http:', host: 'h:1' }, 'abc');
    const holder: { __earlySocket?: EarlySocket } = { __earlySocket: { url, socket: null, events: [], open: () => undefined } };
    expect(takeEarlySocket(url, holder)).toBeNull();
  });

  it('never opens an unopened socket meant for another URL', () => {
    let opened = 0;
    const holder: { __earlySocket?: EarlySocket } = {
      __earlySocket: { url: socketUrl({ protocol: 'http:', host: 'h:1' }, 'abc', null, true), socket: null, events: [], open: () => void opened++ },
    };
    expect(takeEarlySocket(socketUrl({ protocol: 'http:', host: 'h:1' }, 'abc'), holder)).toBeNull();
    expect(opened).toBe(0);
    expect(holder.__earlySocket).toBeUndefined();
  });

  it('finds nothing when no script opened one', () => {
    expect(takeEarlySocket('ws://h/ws?sessionId=a', {})).toBeNull();
  });
});
