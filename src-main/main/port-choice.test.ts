import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LaunchError } from '../../src-engine/launcher/launch-error.js';
import { startTaskMonitor, type RunningTaskMonitor } from '../../src-engine/launcher/start-task-monitor.js';
import { isPortInUse, listenWithFallback, portFallbackNotice } from './port-choice.js';

describe('listenWithFallback', () => {
  const portInUse = () => new LaunchError('ERR_PORT_IN_USE', 'Port 5000 on 127.0.0.1 is already in use.');

  it('uses the requested port when it is free', async () => {
    const calls: number[] = [];
    const choice = await listenWithFallback(async (o: { host: string; port: number }) => (calls.push(o.port), { port: o.port }), { host: '127.0.0.1', port: 5000 }, { fallback: true });
    expect(choice).toEqual({ monitor: { port: 5000 }, requestedPort: 5000, fellBack: false });
    expect(calls).toEqual([5000]);
  });

  it('asks the OS for a free port when the requested one is taken', async () => {
    const calls: number[] = [];
    const start = async (o: { host: string; port: number }) => {
      calls.push(o.port);
      if (o.port === 5000) throw portInUse();
      return { port: 53124 };
    };
    const choice = await listenWithFallback(start, { host: '127.0.0.1', port: 5000 }, { fallback: true });
    expect(choice).toEqual({ monitor: { port: 53124 }, requestedPort: 5000, fellBack: true });
    expect(calls).toEqual([5000, 0]);
  });

  it('fails like the Node launcher when fallback is off (headless)', async () => {
    await expect(listenWithFallback(async () => Promise.reject(portInUse()), { host: '127.0.0.1', port: 5000 }, { fallback: false })).rejects.toMatchObject({
      code: 'ERR_PORT_IN_USE',
    });
  });

  it('does not retry other failures', async () => {
    const error = new LaunchError('ERR_ADDRESS_UNAVAILABLE', 'no such address');
    let calls = 0;
    await expect(listenWithFallback(async () => (calls++, Promise.reject(error)), { host: '10.9.9.9', port: 5000 }, { fallback: true })).rejects.toBe(error);
    expect(calls).toBe(1);
  });

  it('recognises only the port-in-use code', () => {
    expect(isPortInUse(portInUse())).toBe(true);
    expect(isPortInUse(new Error('EADDRINUSE'))).toBe(false);
    expect(isPortInUse(undefined)).toBe(false);
  });

  it('says which port it took instead', () => {
    expect(portFallbackNotice(5000, 53124)).toBe('Port 5000 is in use by another program, so Background Task Monitor is using port 53124 instead.');
  });
});

describe('listenWithFallback with the real server', () => {
  let blocker: Server | undefined;
  let monitor: RunningTaskMonitor | undefined;

  afterEach(async () => {
    await monitor?.close();
    await new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve()));
    monitor = undefined;
    blocker = undefined;
  });

  it('starts on another port when something holds the requested one, and serves there', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;

    const choice = await listenWithFallback(startTaskMonitor, { host: '127.0.0.1', port: taken, uiDir: null, logLevel: 'silent' as const, graceMs: 100 }, { fallback: true });
    monitor = choice.monitor;
    expect(choice.fellBack).toBe(true);
    expect(monitor.port).not.toBe(taken);
    expect(monitor.url).toBe(`http://127.0.0.1:${monitor.port}`);
    const response = await fetch(`${monitor.url}/health`);
    expect(response.ok).toBe(true);
  });
});
