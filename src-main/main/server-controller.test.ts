import { describe, expect, it, vi } from 'vitest';
import type { EngineEvent, EngineListener } from '../../src-engine/engine/engine-events.js';
import { LaunchError } from '../../src-engine/launcher/launch-error.js';
import { startTaskMonitor, type RunningTaskMonitor } from '../../src-engine/launcher/start-task-monitor.js';
import { ServerController, type MonitorLike } from './server-controller.js';

type Options = { host: string; port: number };

function fakeMonitor(host: string, port: number, refuse: readonly string[] = []) {
  const listeners = new Set<EngineListener>();
  const monitor: MonitorLike & { host: string; emit(event: EngineEvent): void; closed: boolean } = {
    host,
    port,
    closed: false,
    rebind: async (next) => {
      if (refuse.includes(next)) throw new LaunchError('ERR_PORT_IN_USE', `Port ${port} on ${next} is already in use.`);
      monitor.host = next;
    },
    engine: {
      subscribe: (listener) => (listeners.add(listener), () => listeners.delete(listener)),
      counts: () => ({ scheduled: 0, queued: 1, running: 2, completed: 0, failed: 0, cancelled: 0 }),
    },
    close: async () => void (monitor.closed = true),
    emit: (event) => listeners.forEach((listener) => listener(event)),
  };
  return monitor;
}

const event = { type: 'taskQueued', task: { id: 't' } } as unknown as EngineEvent;

describe('ServerController', () => {
  it('starts, reports the loopback address and the counts', async () => {
    const server = new ServerController<Options, ReturnType<typeof fakeMonitor>>({ start: async (o) => fakeMonitor(o.host, o.port), options: { host: '127.0.0.1', port: 5000 }, portFallback: true });
    expect(server.counts()).toEqual({ scheduled: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 });
    expect(await server.start()).toEqual({ host: '127.0.0.1', port: 5000, windowUrl: 'http://127.0.0.1:5000', origin: 'http://127.0.0.1:5000' });
    expect(server.counts().running).toBe(2);
  });

  it('reports the port it fell back to', async () => {
    const onPortFallback = vi.fn();
    const server = new ServerController<Options, ReturnType<typeof fakeMonitor>>({
      start: async (o) => {
        if (o.port === 5000) throw new LaunchError('ERR_PORT_IN_USE', 'taken');
        return fakeMonitor(o.host, 53124);
      },
      options: { host: '127.0.0.1', port: 5000 },
      portFallback: true,
      onPortFallback,
    });
    expect((await server.start()).port).toBe(53124);
    expect(onPortFallback).toHaveBeenCalledWith(5000, 53124);
  });

  it('moves to another host on the same port, without stopping, browsed through loopback', async () => {
    const starts: Options[] = [];
    const monitors: ReturnType<typeof fakeMonitor>[] = [];
    const server = new ServerController<Options, ReturnType<typeof fakeMonitor>>({
      start: async (o) => (starts.push(o), monitors[monitors.push(fakeMonitor(o.host, o.port === 0 ? 41000 : o.port)) - 1]!),
      options: { host: '127.0.0.1', port: 0 },
      portFallback: true,
    });
    const heard = vi.fn();
    server.subscribe(heard);
    await server.start();
    const address = await server.rebind('0.0.0.0');
    expect(starts).toEqual([{ host: '127.0.0.1', port: 0 }]);
    expect(monitors[0]!.closed).toBe(false);
    expect(server.current()).toBe(monitors[0]);
    expect(address).toEqual({ host: '0.0.0.0', port: 41000, windowUrl: 'http://127.0.0.1:41000', origin: 'http://127.0.0.1:41000' });
    expect(server.address()).toEqual(address);
    monitors[0]!.emit(event); // same engine: its listeners are still heard
    expect(heard).toHaveBeenCalledTimes(1);
  });

  it('keeps the old address when the new one cannot be used', async () => {
    const server = new ServerController<Options, ReturnType<typeof fakeMonitor>>({ start: async (o) => fakeMonitor(o.host, o.port, ['0.0.0.0']), options: { host: '127.0.0.1', port: 5000 }, portFallback: true });
    await server.start();
    await expect(server.rebind('0.0.0.0')).rejects.toMatchObject({ code: 'ERR_PORT_IN_USE' });
    expect(server.address()).toMatchObject({ host: '127.0.0.1', port: 5000 });
  });

  it('cannot rebind a stopped server', async () => {
    const server = new ServerController<Options, ReturnType<typeof fakeMonitor>>({ start: async (o) => fakeMonitor(o.host, o.port), options: { host: '127.0.0.1', port: 5000 }, portFallback: true });
    await expect(server.rebind('0.0.0.0')).rejects.toThrow('not running');
  });

  it('keeps engine listeners across a stop and a start, and drops the old engine', async () => {
    const monitors: ReturnType<typeof fakeMonitor>[] = [];
    const server = new ServerController<Options, ReturnType<typeof fakeMonitor>>({
      start: async (o) => monitors[monitors.push(fakeMonitor(o.host, o.port)) - 1]!,
      options: { host: '127.0.0.1', port: 5000 },
      portFallback: true,
    });
    const heard = vi.fn();
    server.subscribe(heard);
    await server.start();
    monitors[0]!.emit(event);
    await server.stop();
    await server.start('0.0.0.0');
    monitors[0]!.emit(event); // stopped engine: not heard
    monitors[1]!.emit(event);
    expect(heard).toHaveBeenCalledTimes(2);
    expect(monitors[1]!.host).toBe('0.0.0.0');
  });

  it('keeps telling other listeners when one throws', async () => {
    const monitors: ReturnType<typeof fakeMonitor>[] = [];
    const server = new ServerController<Options, ReturnType<typeof fakeMonitor>>({ start: async (o) => monitors[monitors.push(fakeMonitor(o.host, o.port)) - 1]!, options: { host: '127.0.0.1', port: 5000 }, portFallback: true });
    const heard = vi.fn();
    server.subscribe(() => {
      throw new Error('notification refused');
    });
    server.subscribe(heard);
    await server.start();
    monitors[0]!.emit(event);
    expect(heard).toHaveBeenCalled();
  });

  it('works with the real engine and server', async () => {
    const server = new ServerController<Parameters<typeof startTaskMonitor>[0] & Options, RunningTaskMonitor>({
      start: startTaskMonitor,
      options: { host: '127.0.0.1', port: 0, uiDir: null, logLevel: 'silent', graceMs: 100 },
      portFallback: false,
    });
    const events: EngineEvent['type'][] = [];
    server.subscribe((e) => events.push(e.type));
    const address = await server.start();
    try {
      const response = await fetch(`${address.windowUrl}/api/task/start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'from the desktop test' }),
      });
      expect(response.status).toBeLessThan(300);
      await vi.waitFor(() => expect(events).toContain('taskQueued'));
      expect(server.counts().queued + server.counts().running + server.counts().completed).toBe(1);
      // Share on LAN and back: the same engine keeps its task and the window's origin stays.
      expect(await server.rebind('0.0.0.0')).toMatchObject({ host: '0.0.0.0', windowUrl: address.windowUrl });
      expect(await server.rebind('127.0.0.1')).toEqual(address);
      expect(server.counts().queued + server.counts().running + server.counts().completed + server.counts().cancelled).toBe(1);
      expect(server.counts().cancelled).toBe(0);
      expect((await fetch(`${address.windowUrl}/health`)).ok).toBe(true);
    } finally {
      await server.stop();
    }
    expect(server.running).toBe(false);
  });
});
