import { parseArgs } from 'node:util';
import type { LogLevel } from '../server/build-server.js';
import { defaultDataDir } from './data-dir.js';
import { HEADLESS_DEFAULT_HOST, parseAllowHosts, parseToken } from '../server/access/access-flags.js';
import { DEFAULT_LIMITS, MAX_CONNECTIONS_LIMIT } from '../server/access/server-limits.js';

/** Everything the launcher can be told, from flags or the environment. */
export interface LaunchConfig {
  headless: boolean;
  host: string;
  port: number;
  concurrency: number;
  allowOrigins: string[];
  logLevel: LogLevel;
  /** `pretty`: one readable line per event; `json`: pino's JSON lines. Absent: pretty on a terminal, else JSON. */
  logFormat?: LogFormat;
  /** How long running tasks may finish at shutdown before they are cancelled, in ms. */
  graceMs: number;
  /** Folder of the task database and other state. */
  dataDir: string;
  /** Keep nothing on disk: a throwaway run. */
  inMemory: boolean;
  /** Extra names the server may be reached by (Host header allowlist against DNS rebinding). */
  allowHosts: string[];
  /** API token for `Authorization: Bearer`; default: the `token` file in the data folder. */
  token?: string;
  /** `GET /metrics` open to anyone who can reach the server (default: the owner only). */
  metricsPublic: boolean;
  /** The owner's jobs file (`--jobs`); default `DATA_DIR/jobs.json` when it exists. */
  jobs?: string;
  /** Open WebSockets at most (`--max-connections`); the next upgrade gets 503 TOO_MANY_CONNECTIONS. */
  maxConnections: number;
  /** Distributed mode (`--redis URL`): tasks, numbering and history in Redis, run by BullMQ workers (docs/scale-out.md). */
  redis?: string;
  /** `--no-workers`: with `--redis`, this node serves the API and UI but runs no tasks. */
  noWorkers: boolean;
  /** `--help`: print usage and exit. */
  showHelp: boolean;
  /** `--version`: print the version and exit. */
  showVersion: boolean;
}

/** How log lines are written. */
export type LogFormat = 'json' | 'pretty';
const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

/** Parsing is an expected failure point: bad flags are a value with a message, not a throw. */
export type LaunchConfigResult = { ok: true; config: LaunchConfig } | { ok: false; message: string };

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Defaults, used when neither a flag nor an environment variable says otherwise. */
export const DEFAULTS = {
  host: '127.0.0.1',
  port: 5000,
  concurrency: 8,
  logLevel: 'info',
  graceMs: 10_000,
} as const;

/**
 * Each flag, its environment variable and its help line. Flags win over the environment, the
 * environment over the defaults, as servers are usually configured.
 */
export const OPTIONS = {
  headless: { type: 'boolean', env: 'TASK_MONITOR_HEADLESS', help: 'Run the server without a window (always so under plain Node)' },
  host: { type: 'string', env: 'TASK_MONITOR_HOST', help: `Address to listen on (default ${DEFAULTS.host}; ${HEADLESS_DEFAULT_HOST}, the LAN with pairing, with --headless)` },
  port: { type: 'string', env: 'TASK_MONITOR_PORT', help: `Port to listen on, 0 for any free port (default ${DEFAULTS.port})` },
  concurrency: { type: 'string', env: 'TASK_MONITOR_CONCURRENCY', help: `Tasks run at once (default ${DEFAULTS.concurrency})` },
  'allow-origin': {
    type: 'string',
    multiple: true,
    env: 'TASK_MONITOR_ALLOW_ORIGIN',
    help: 'Extra origin allowed by CORS, e.g. http://localhost:5173; repeatable (env: comma-separated)',
  },
  'log-level': { type: 'string', env: 'TASK_MONITOR_LOG_LEVEL', help: `One of ${LOG_LEVELS.join(', ')} (default ${DEFAULTS.logLevel})` },
  'log-format': { type: 'string', env: 'TASK_MONITOR_LOG_FORMAT', help: 'json or pretty (default: pretty on a terminal, json otherwise)' },
  'grace-ms': { type: 'string', env: 'TASK_MONITOR_GRACE_MS', help: `Time running tasks get to finish at shutdown (default ${DEFAULTS.graceMs})` },
  'data-dir': { type: 'string', env: 'TASK_MONITOR_DATA_DIR', help: 'Folder for the task database (default: the per-user data folder)' },
  'in-memory': { type: 'boolean', env: 'TASK_MONITOR_IN_MEMORY', help: 'Keep tasks in memory only: nothing survives a restart' },
  'allow-host': {
    type: 'string',
    multiple: true,
    env: 'TASK_MONITOR_ALLOW_HOST',
    help: 'Extra name this server is reached by (Host header), e.g. monitor.lan; repeatable (env: comma-separated)',
  },
  jobs: { type: 'string', env: 'TASK_MONITOR_JOBS', help: 'Jobs file: the commands and modules this server may run (default: DATA_DIR/jobs.json when it exists; see docs/jobs.md)' },
  token: { type: 'string', env: 'TASK_MONITOR_TOKEN', help: 'API token for Authorization: Bearer (default: DATA_DIR/token, created at first start)' },
  'metrics-public': {
    type: 'boolean',
    env: 'TASK_MONITOR_METRICS_PUBLIC',
    help: 'Let anyone who can reach the server read GET /metrics (default: this machine or the API token only)',
  },
  'max-connections': {
    type: 'string',
    env: 'TASK_MONITOR_MAX_CONNECTIONS',
    help: `Open WebSockets at most (default ${DEFAULT_LIMITS.maxConnections}); each is a file descriptor: raise ulimit -n to match`,
  },
  redis: { type: 'string', env: 'TASK_MONITOR_REDIS_URL', help: 'Distributed mode: redis://host:port of the cluster (BullMQ on Redis; see docs/scale-out.md)' },
  'no-workers': { type: 'boolean', env: 'TASK_MONITOR_NO_WORKERS', help: 'With --redis: serve the API and UI only; tasks run on other nodes or `task-monitor worker`' },
  help: { type: 'boolean', short: 'h', env: undefined, help: 'Show this help' },
  version: { type: 'boolean', short: 'v', env: undefined, help: 'Show the version' },
} as const;

/** Reads flags (`argv` without the node and script paths) and environment into a config. */
export function parseLaunchConfig(argv: readonly string[], env: NodeJS.ProcessEnv = {}): LaunchConfigResult {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    values = parseArgs({ args: [...argv], options: parseArgsOptions(), strict: true, allowPositionals: false }).values as typeof values;
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const pick = (name: keyof typeof OPTIONS): string | undefined => {
    const value = values[name];
    if (typeof value === 'string') return value;
    const envName = OPTIONS[name].env;
    return envName ? env[envName] || undefined : undefined;
  };
  try {
    const headless = values['headless'] === true || isTruthy(env['TASK_MONITOR_HEADLESS']);
    const config: LaunchConfig = {
      headless,
      host: pick('host') ?? (headless ? HEADLESS_DEFAULT_HOST : DEFAULTS.host),
      port: integerIn(pick('port'), DEFAULTS.port, 0, 65535, 'port'),
      concurrency: integerIn(pick('concurrency'), DEFAULTS.concurrency, 1, 1024, 'concurrency'),
      allowOrigins: origins(values['allow-origin'] as string[] | undefined, env['TASK_MONITOR_ALLOW_ORIGIN']),
      logLevel: logLevel(pick('log-level')),
      ...logFormat(pick('log-format')),
      graceMs: integerIn(pick('grace-ms'), DEFAULTS.graceMs, 0, 600_000, 'grace-ms'),
      dataDir: pick('data-dir') ?? defaultDataDir(env),
      inMemory: values['in-memory'] === true || isTruthy(env['TASK_MONITOR_IN_MEMORY']),
      allowHosts: parseAllowHosts(values['allow-host'] as string[] | undefined, env['TASK_MONITOR_ALLOW_HOST']),
      token: parseToken(pick('token')),
      metricsPublic: values['metrics-public'] === true || isTruthy(env['TASK_MONITOR_METRICS_PUBLIC']),
      ...(pick('jobs') ? { jobs: pick('jobs')! } : {}),
      maxConnections: integerIn(pick('max-connections'), DEFAULT_LIMITS.maxConnections, 1, MAX_CONNECTIONS_LIMIT, 'max-connections'),
      ...redisUrl(pick('redis')),
      noWorkers: values['no-workers'] === true || isTruthy(env['TASK_MONITOR_NO_WORKERS']),
      showHelp: values['help'] === true,
      showVersion: values['version'] === true,
    };
    return { ok: true, config };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

/** The `--help` text. */
export function helpText(): string {
  const lines = Object.entries(OPTIONS).map(([name, option]) => {
    const flag = `--${name}${option.type === 'string' ? ' VALUE' : ''}`;
    const env = option.env ? ` [env ${option.env}]` : '';
    return `  ${flag.padEnd(22)} ${option.help}${env}`;
  });
  return ['Usage: task-monitor --headless [options]', '', 'Options:', ...lines].join('\n');
}

function parseArgsOptions(): Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> {
  const result: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const [name, option] of Object.entries(OPTIONS)) {
    result[name] = { type: option.type, ...('multiple' in option ? { multiple: true } : {}), ...('short' in option ? { short: option.short } : {}) };
  }
  return result;
}

function integerIn(raw: string | undefined, fallback: number, min: number, max: number, name: string): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new Error(`--${name} must be a whole number from ${min} to ${max} (got '${raw}')`);
  }
  return value;
}

function origins(fromFlags: string[] | undefined, fromEnv: string | undefined): string[] {
  const raw = fromFlags ?? (fromEnv ? fromEnv.split(',') : []);
  return raw.map((origin) => normaliseOrigin(origin.trim())).filter((origin) => origin !== '');
}

/** `http://localhost:5173/` → `http://localhost:5173`; anything that is not an http(s) origin is refused. */
function normaliseOrigin(value: string): string {
  if (value === '') return '';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--allow-origin must be an origin such as http://localhost:5173 (got '${value}')`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--allow-origin must use http or https (got '${value}')`);
  return url.origin;
}

function logLevel(raw: string | undefined): LogLevel {
  if (raw === undefined) return DEFAULTS.logLevel;
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')} (got '${raw}')`);
  return raw as LogLevel;
}

function logFormat(raw: string | undefined): { logFormat?: LogFormat } {
  if (raw === undefined) return {};
  if (!(LOG_FORMATS as readonly string[]).includes(raw)) throw new Error(`--log-format must be json or pretty (got '${raw}')`);
  return { logFormat: raw as LogFormat };
}

/** `--redis` must be a redis:// (or rediss://) URL; refused early, with the flag's name. */
export function redisUrl(raw: string | undefined): { redis?: string } {
  if (raw === undefined) return {};
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`--redis must be a URL such as redis://127.0.0.1:6379 (got '${raw}')`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error(`--redis must use redis:// or rediss:// (got '${raw}')`);
  return { redis: raw };
}

function isTruthy(value: string | undefined): boolean {
  return value === '1' || value === 'true' || value === 'yes';
}
