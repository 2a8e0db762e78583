import { describe, expect, it } from 'vitest';
import { connectionStatus } from './connection-status.js';
import { socketUrl } from './socket-url.js';

describe('connectionStatus', () => {
  it('labels each phase', () => {
    expect(connectionStatus('connected', null, 0)).toEqual({ label: 'Connected', phaseLabel: 'Connected', tone: 'ok' });
    expect(connectionStatus('connecting', null, 0).label).toBe('Connecting…');
    expect(connectionStatus('offline', 5000, 0).label).toBe('Offline');
  });
  it('counts down whole seconds to the next retry', () => {
    expect(connectionStatus('waiting', 3200, 0).label).toBe('Reconnecting in 4 s');
    expect(connectionStatus('waiting', 3000, 0).label).toBe('Reconnecting in 3 s');
    expect(connectionStatus('waiting', 1000, 1000).label).toBe('Reconnecting…');
    expect(connectionStatus('waiting', null, 0).label).toBe('Reconnecting…');
  });
  it('keeps the countdown out of the phase label', () => {
    expect(connectionStatus('waiting', 3000, 0).phaseLabel).toBe('Reconnecting');
    expect(connectionStatus('waiting', 9000, 0).phaseLabel).toBe('Reconnecting');
  });
});

describe('socketUrl', () => {
  it('derives ws/wss from the page location', () => {
    expect(socketUrl({ protocol: 'http:', host: '127.0.0.1:5000' }, 'abc')).toBe('ws://127.0.0.1:5000/ws?sessionId=abc');
    expect(socketUrl({ protocol: 'https:', host: 'example.test' }, 'a b')).toBe('wss://example.test/ws?sessionId=a+b');
  });
  it('asks to resume after the last message seen', () => {
    expect(socketUrl({ protocol: 'http:', host: 'h' }, 's', { epoch: 'e1', lastSeq: 42 })).toBe('ws://h/ws?sessionId=s&lastSeq=42&epoch=e1');
  });
});
