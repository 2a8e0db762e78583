import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { getJson, postJson } from '../test-support/http.js';
import { MessageCollector } from '../test-support/message-collector.js';
import { startTaskMonitor, type RunningTaskMonitor } from './start-task-monitor.js';

/** "Share on LAN" moves the listener without stopping tasks or dropping sockets. */
const monitors: RunningTaskMonitor[] = [];
afterEach(async () => {
  await Promise.all(monitors.splice(0).map((monitor) => monitor.close()));
});

describe('rebind', () => {
  it('moves to another address on the same port while a task runs and a socket stays connected', async () => {
    const monitor = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir: null, logLevel: 'silent' });
    monitors.push(monitor);
    const socket = await MessageCollector.open(monitor.url, 'rebind');
    const { body } = await postJson(`${monitor.url}/api/task/start`, { name: 'Keep going', duration: 1000, clientId: 'rebind' });
    await socket.waitFor((m) => m.type === 'taskProgress' && m.data.state === 'running', 'running');

    await monitor.rebind('0.0.0.0');
    expect(monitor.host).toBe('0.0.0.0');
    expect(monitor.url).toBe(`http://0.0.0.0:${monitor.port}`);
    expect((await getJson(`http://127.0.0.1:${monitor.port}/health`)).status).toBe(200);

    const final = await socket.waitForFinal(body.taskId);
    expect(final.data.status).toBe('Completed');
    expect(socket.socket.readyState).toBe(socket.socket.OPEN);

    await monitor.rebind('127.0.0.1');
    expect((await getJson(`http://127.0.0.1:${monitor.port}/health`)).status).toBe(200);
  });

  it('stays on the old address, and says why, when the new one cannot be used', async () => {
    const monitor = await startTaskMonitor({ host: '127.0.0.1', port: 0, uiDir: null, logLevel: 'silent' });
    monitors.push(monitor);
    // Something else holds the same port on another loopback address.
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(monitor.port, '127.0.0.2', resolve));
    try {
      await expect(monitor.rebind('127.0.0.2')).rejects.toMatchObject({ code: 'ERR_PORT_IN_USE' });
      expect(monitor.host).toBe('127.0.0.1');
      expect((await getJson(`${monitor.url}/health`)).status).toBe(200);
    } finally {
      blocker.close();
    }
  });
});
