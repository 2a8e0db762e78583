import { describe, expect, it } from 'vitest';
import { DEFAULTS, helpText, parseLaunchConfig } from './launch-config.js';

describe('parseLaunchConfig', () => {
  it('uses the documented defaults when nothing is given', () => {
    expect(parseLaunchConfig([], { XDG_DATA_HOME: '/data' })).toMatchObject({
      ok: true,
      config: { headless: false, host: '127.0.0.1', port: 5000, concurrency: 8, allowOrigins: [], logLevel: 'info', graceMs: DEFAULTS.graceMs, showHelp: false, showVersion: false, inMemory: false, maxConnections: 2000 },
    });
  });

  it('reads every flag, with --allow-origin repeatable and normalised to an origin', () => {
    const result = parseLaunchConfig(
      ['--headless', '--host', '0.0.0.0', '--port', '5300', '--concurrency', '3', '--allow-origin', 'http://localhost:5173/', '--allow-origin', 'https://ops.example:8443', '--log-level', 'debug', '--grace-ms', '2500', '--max-connections', '6000'],
      {},
    );
    expect(result).toMatchObject({
      ok: true,
      config: { headless: true, host: '0.0.0.0', port: 5300, concurrency: 3, allowOrigins: ['http://localhost:5173', 'https://ops.example:8443'], logLevel: 'debug', graceMs: 2500, maxConnections: 6000 },
    });
  });

  it('takes every setting from TASK_MONITOR_* variables, and flags win over them', () => {
    const env = {
      TASK_MONITOR_HEADLESS: '1',
      TASK_MONITOR_HOST: '::1',
      TASK_MONITOR_PORT: '6000',
      TASK_MONITOR_CONCURRENCY: '2',
      TASK_MONITOR_ALLOW_ORIGIN: 'http://a.test, http://b.test',
      TASK_MONITOR_LOG_LEVEL: 'warn',
      TASK_MONITOR_GRACE_MS: '100',
      TASK_MONITOR_MAX_CONNECTIONS: '5001',
    };
    expect(parseLaunchConfig([], env)).toMatchObject({
      ok: true,
      config: { headless: true, host: '::1', port: 6000, concurrency: 2, allowOrigins: ['http://a.test', 'http://b.test'], logLevel: 'warn', graceMs: 100, maxConnections: 5001 },
    });
    expect(parseLaunchConfig(['--port', '7000'], env)).toMatchObject({ ok: true, config: { port: 7000 } });
  });

  it('keeps the database in --data-dir (or TASK_MONITOR_DATA_DIR), and --in-memory keeps nothing', () => {
    expect(parseLaunchConfig(['--data-dir', '/srv/tm'], {})).toMatchObject({ ok: true, config: { dataDir: '/srv/tm', inMemory: false } });
    expect(parseLaunchConfig([], { TASK_MONITOR_DATA_DIR: '/env/tm', TASK_MONITOR_IN_MEMORY: '1' })).toMatchObject({ ok: true, config: { dataDir: '/env/tm', inMemory: true } });
    expect(parseLaunchConfig(['--in-memory'], {})).toMatchObject({ ok: true, config: { inMemory: true } });
  });

  it.each([
    [['--port', 'abc'], "--port must be a whole number from 0 to 65535 (got 'abc')"],
    [['--port', '70000'], '--port must be a whole number from 0 to 65535'],
    [['--concurrency', '0'], '--concurrency must be a whole number from 1 to 1024'],
    [['--log-level', 'loud'], '--log-level must be one of'],
    [['--allow-origin', 'not a url'], '--allow-origin must be an origin such as http://localhost:5173'],
    [['--allow-origin', 'ftp://files.test'], '--allow-origin must use http or https'],
    [['--max-connections', '0'], '--max-connections must be a whole number from 1 to 1000000'],
    [['--max-connections', '2.5'], '--max-connections must be a whole number'],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j with a message that says what is wrong', (argv, message) => {
    const result = parseLaunchConfig(argv, {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });

  it('lists every flag and its environment variable in --help', () => {
    const text = helpText();
    for (const flag of ['--headless', '--host', '--port', '--concurrency', '--allow-origin', '--log-level', '--max-connections', '--help', '--version']) expect(text).toContain(flag);
    expect(text).toContain('TASK_MONITOR_PORT');
  });
});
