import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { killAll, runCli } from '../test-support/cli-process.js';
import { MessageCollector } from '../test-support/message-collector.js';

/** The real `task-monitor` executable under plain Node, as a person runs it (built by globalSetup). */
afterEach(() => killAll());

describe('task-monitor --headless', () => {
  it('prints help and exits 0', async () => {
    const { output, exited } = runCli(['--help']);
    expect(await exited).toBe(0);
    expect(output()).toContain('--allow-origin');
  });

  it('refuses a bad flag with exit code 2 and a message', async () => {
    const { output, exited } = runCli(['--headless', '--port', 'nope']);
    expect(await exited).toBe(2);
    expect(output()).toContain("--port must be a whole number from 0 to 65535 (got 'nope')");
  });

  it('exits 1 with a clear message when the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { output, exited } = runCli(['--headless', '--host', '127.0.0.1', '--port', String(port)]);
      expect(await exited).toBe(1);
      expect(output()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      blocker.close();
    }
  });

  it('serves on the port from TASK_MONITOR_PORT and shuts down gracefully on SIGTERM, closing sockets with a reason', async () => {
    const cli = runCli(['--headless', '--host', '127.0.0.1', '--log-level', 'info'], { TASK_MONITOR_PORT: '0' });
    const url = await cli.listening();
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    const socket = await MessageCollector.open(url, 'cli-session');
    cli.child.kill('SIGTERM');
    expect(await socket.closed).toEqual({ code: 1001, reason: 'Server shutting down' });
    expect(await cli.exited).toBe(0);
  });
});
