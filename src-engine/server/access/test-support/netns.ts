import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/**
 * A throwaway network namespace joined to this machine by a veth pair, so tests can be a real
 * non-loopback LAN client without touching the machine's real network: the host side gets
 * 10.231.N.1/24, the namespace 10.231.N.2/24 (N chosen free, so parallel runs do not collide).
 * Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN) and iproute2's `ip`.
 */
export interface TestNetwork {
  readonly namespace: string;
  /** This machine's address on the link (the server listens here). */
  readonly hostAddress: string;
  /** The client's address inside the namespace. */
  readonly clientAddress: string;
  /** Runs a client plan (see netns-client.mjs) inside the namespace. */
  run(plan: ClientStep[]): ClientRun;
  destroy(): void;
}

/** One step of a client plan, executed in order by netns-client.mjs. */
export type ClientStep =
  | { http: { method?: string; url: string; headers?: Record<string, string>; body?: string } }
  | {
      ws: {
        url: string;
        headers?: Record<string, string>;
        send?: string[];
        /** `pong`, or `final:TASK_ID`. */
        until?: string;
        /** Once open, POST this task and wait until it is final. */
        submit?: { url: string; headers?: Record<string, string>; body: string };
        timeoutMs?: number;
      };
    };

/** A running client: its result lines as they come, and all of them at the end. */
export interface ClientRun {
  /** Resolves with the first result line that matches (results are printed as steps finish, `{event}` lines as they happen). */
  waitFor(predicate: (line: any) => boolean, what: string, timeoutMs?: number): Promise<any>;
  /** Every result line, once the client exited (rejects when it failed). */
  done: Promise<any[]>;
}

const CLIENT = fileURLToPath(new URL('./netns-client.mjs', import.meta.url));

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Whether network namespaces can be made here, checked by making (and removing) one. Answers
 * the reason when not, so a CI run can fail with it instead of skipping.
 */
export function probeNetns(): { ok: true } | { ok: false; reason: string } {
  if (process.platform !== 'linux') return { ok: false, reason: 'network namespaces are Linux only' };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'network namespaces need root' };
  const name = `tmprobe${randomBytes(3).toString('hex')}`;
  try {
    ip('-V');
  } catch {
    return { ok: false, reason: '`ip` (iproute2) is not installed' };
  }
  try {
    ip('netns', 'add', name);
    ip('netns', 'del', name);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `cannot create a network namespace: ${(error as { stderr?: string }).stderr?.trim() || (error as Error).message}` };
  }
}

/** Creates the namespace and the veth pair. Throws with the `ip` error when it cannot. */
export function createTestNetwork(): TestNetwork {
  const id = randomBytes(3).toString('hex');
  const namespace = `tmns${id}`;
  const hostLink = `tmh${id}`;
  const clientLink = `tmc${id}`;
  const subnet = freeSubnet();
  const hostAddress = `10.231.${subnet}.1`;
  const clientAddress = `10.231.${subnet}.2`;
  const destroy = (): void => {
    for (const args of [['link', 'del', hostLink], ['netns', 'del', namespace]]) {
      try {
        ip(...args);
      } catch {
        // already gone
      }
    }
  };
  try {
    ip('netns', 'add', namespace);
    ip('link', 'add', hostLink, 'type', 'veth', 'peer', 'name', clientLink);
    ip('link', 'set', clientLink, 'netns', namespace);
    ip('addr', 'add', `${hostAddress}/24`, 'dev', hostLink);
    ip('link', 'set', hostLink, 'up');
    ip('-n', namespace, 'addr', 'add', `${clientAddress}/24`, 'dev', clientLink);
    ip('-n', namespace, 'link', 'set', clientLink, 'up');
    ip('-n', namespace, 'link', 'set', 'lo', 'up');
  } catch (error) {
    destroy();
    throw error;
  }
  return { namespace, hostAddress, clientAddress, run: (plan) => runClient(namespace, plan), destroy };
}

/** A /24 in 10.231.0.0/16 that no interface of this machine uses yet. */
function freeSubnet(): number {
  const used = ip('-o', '-4', 'addr', 'show');
  const first = process.pid % 250;
  for (let i = 0; i < 250; i++) {
    const candidate = ((first + i) % 250) + 1;
    if (!used.includes(`10.231.${candidate}.`)) return candidate;
  }
  throw new Error('no free 10.231.N.0/24 subnet');
}

function runClient(namespace: string, plan: ClientStep[]): ClientRun {
  const child = spawn('ip', ['netns', 'exec', namespace, process.execPath, CLIENT, JSON.stringify(plan)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: any[] = [];
  const waiters: Array<() => void> = [];
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    let newline: number;
    while ((newline = stdout.indexOf('\n')) !== -1) {
      const line = stdout.slice(0, newline);
      stdout = stdout.slice(newline + 1);
      if (line.trim()) lines.push(JSON.parse(line));
    }
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<any[]>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      for (const wake of waiters.splice(0)) wake();
      if (code === 0) resolve(lines.filter((line) => !('event' in line)));
      else reject(new Error(`client in ${namespace} exited with ${code}: ${stderr}`));
    });
  });
  done.catch(() => undefined);
  const waitFor = async (predicate: (line: any) => boolean, what: string, timeoutMs = 10_000): Promise<any> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find(predicate);
      if (found) return found;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`client never reported ${what}: ${JSON.stringify(lines)} ${stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };
  return { waitFor, done };
}
