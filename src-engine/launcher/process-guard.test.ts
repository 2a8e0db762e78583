import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { installProcessGuard, isSurvivable, type GuardedProcess } from './process-guard.js';

function errno(code: string, message = code): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

function setup(shutdown?: () => Promise<void>, shutdownTimeoutMs = 5000) {
  const target = new EventEmitter();
  const logs: Array<{ level: string; message: string; error: unknown }> = [];
  const exits: number[] = [];
  let exited!: () => void;
  const exitedOnce = new Promise<void>((resolve) => (exited = resolve));
  const remove = installProcessGuard({
    target: target as unknown as GuardedProcess,
    log: (level, message, error) => logs.push({ level, message, error }),
    ...(shutdown ? { shutdown } : {}),
    shutdownTimeoutMs,
    exit: (code) => {
      exits.push(code);
      exited();
    },
  });
  return { target, logs, exits, exitedOnce, remove };
}

describe('isSurvivable', () => {
  it('accepts the failures of one peer, stream or file, and nothing else', () => {
    for (const code of ['EPIPE', 'ECONNRESET', 'ENOENT', 'ERR_STREAM_PREMATURE_CLOSE']) expect(isSurvivable(errno(code)), code).toBe(true);
    for (const error of [new TypeError('x is undefined'), errno('SQLITE_CORRUPT'), errno('ENOSPC'), errno('EMFILE'), 'a string', undefined, null]) {
      expect(isSurvivable(error), String(error)).toBe(false);
    }
  });
});

describe('installProcessGuard', () => {
  it('logs and survives an unhandled stream error (EPIPE, ECONNRESET, ENOENT) and a rejection of that kind', async () => {
    const shutdown = vi.fn(async () => undefined);
    const { target, logs, exits } = setup(shutdown);
    target.emit('uncaughtException', errno('ENOENT', "ENOENT: no such file or directory, open 'start.abc.js.br'"));
    target.emit('uncaughtException', errno('EPIPE'));
    target.emit('unhandledRejection', errno('ECONNRESET'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(exits).toEqual([]);
    expect(shutdown).not.toHaveBeenCalled();
    expect(logs.map((entry) => entry.level)).toEqual(['warn', 'warn', 'warn']);
    expect(logs[0]!.error).toMatchObject({ code: 'ENOENT' });
  });

  it('on anything else, releases the store (shutdown) and then exits non-zero', async () => {
    const order: string[] = [];
    const { target, logs, exits, exitedOnce } = setup(async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      order.push('released');
    });
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    target.emit('uncaughtException', bug);
    await exitedOnce;
    order.push('exit');
    expect(order).toEqual(['released', 'exit']);
    expect(exits).toEqual([1]);
    expect(logs[0]).toMatchObject({ level: 'fatal', message: 'unhandled error: stopping the server', error: bug });
  });

  it('treats an unhandled rejection of an unknown kind as fatal too', async () => {
    const shutdown = vi.fn(async () => undefined);
    const { target, exits, exitedOnce } = setup(shutdown);
    target.emit('unhandledRejection', errno('SQLITE_CORRUPT', 'database disk image is malformed'));
    await exitedOnce;
    expect(shutdown).toHaveBeenCalledTimes(1);
    expect(exits).toEqual([1]);
  });

  it('exits after the timeout when the shutdown hangs, and at once on a second fatal error', async () => {
    const hanging = setup(() => new Promise<void>(() => undefined), 50);
    const started = Date.now();
    hanging.target.emit('uncaughtException', new Error('boom'));
    await hanging.exitedOnce;
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(hanging.exits).toEqual([1]);
    expect(hanging.logs.at(-1)!.message).toContain('took longer than 50 ms');

    const twice = setup(() => new Promise<void>(() => undefined), 60_000);
    twice.target.emit('uncaughtException', new Error('first'));
    twice.target.emit('uncaughtException', new Error('second'));
    expect(twice.exits).toEqual([1]);
  });

  it('exits non-zero even when the shutdown fails, and can be removed', async () => {
    const failing = setup(async () => {
      throw new Error('cannot close');
    });
    failing.target.emit('uncaughtException', new Error('boom'));
    await failing.exitedOnce;
    expect(failing.exits).toEqual([1]);
    expect(failing.logs.map((entry) => entry.message)).toContain('could not release everything at the emergency stop');

    const removed = setup();
    removed.remove();
    expect(removed.target.listenerCount('uncaughtException')).toBe(0);
    expect(removed.target.listenerCount('unhandledRejection')).toBe(0);
  });
});
