#!/usr/bin/env node
// `npm run serve [-- flags]`: builds what is stale (engine, UI), then runs the headless server.
// Nothing is rebuilt when the outputs are newer than their sources, and --help / --version never
// build (they need only the engine, built once).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** What `npm run serve` needs built: its sources, one output every build rewrites, and how to build it. */
export const TARGETS = [
  {
    name: 'engine',
    sources: ['src-engine', 'tsconfig.engine.json', 'tsconfig.base.json'],
    // Tests and their helpers are not compiled (tsconfig.engine.json excludes them).
    ignore: (path) => path.endsWith('.test.ts') || path.includes('test-support'),
    output: 'out/engine/launcher/cli.js',
    script: 'build:engine',
  },
  {
    name: 'ui',
    sources: ['src-renderer', 'src-engine/protocol', 'package.json'],
    ignore: (path) => path.endsWith('.test.ts') || /(^|[\\/])(node_modules|\.svelte-kit)([\\/]|$)/.test(path),
    output: 'out/renderer/handler.js',
    script: 'build:ui',
  },
];

/** Newest modification time (ms) among the files under `paths`, skipping what `ignore` matches. */
export function newestSource(base, paths, ignore = () => false) {
  let newest = 0;
  const visit = (path) => {
    const rel = relative(base, path);
    if (ignore(rel)) return;
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else if (stat.mtimeMs > newest) newest = stat.mtimeMs;
  };
  for (const path of paths) visit(join(base, path));
  return newest;
}

/** Whether a target must be built: its output is missing or older than one of its sources. */
export function isStale(base, target) {
  const output = statSync(join(base, target.output), { throwIfNoEntry: false });
  if (!output) return true;
  return newestSource(base, target.sources, target.ignore) > output.mtimeMs;
}

async function main(args) {
  const infoOnly = args.some((arg) => ['--help', '-h', '--version', '-v'].includes(arg));
  for (const target of TARGETS) {
    if (infoOnly && (target.name !== 'engine' || existsSync(join(root, target.output)))) continue;
    if (!isStale(root, target)) continue;
    process.stderr.write(`building the ${target.name} (sources changed since the last build)…\n`);
    const built = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', target.script], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) process.exit(built.status ?? 1);
  }
  // In this process, not a child: Ctrl-C reaches the server's own graceful shutdown directly.
  process.argv = [process.argv[0], join(root, 'bin', 'task-monitor.js'), '--headless', ...args];
  await import('../bin/task-monitor.js');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv.slice(2));
