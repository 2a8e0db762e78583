#!/usr/bin/env node
// Packs the desktop app with electron-builder (`--dir`, Linux, the machine's arch) against a stub
// Electron distribution, then opens the produced app.asar and checks what a user would get:
// the built main, preload and UI, the production dependencies the bundles import, native addons
// unpacked, and nothing that should not ship. Needs `npm run build` first; needs no network and
// no Electron binary, so it runs in CI.
//
//   npm run pack:check            # exit 0 when the package is right, 1 with the problems
//   node scripts/packaging-check.mjs --keep   # leave .tmp/packaging-check for inspection
//
// The stub: with `electronDist` pointing at a folder without an electron-v*.zip, electron-builder
// copies the folder as an unpacked Electron distribution (app-builder-lib ElectronFramework.js),
// renames the `electron` executable to `executableName` (Linux) and writes resources/app.asar
// next to it. Nothing else in the folder is required for a `dir` target; the fuses are switched
// off for this run because flipping them needs the real binary's fuse wire.
import asar from '@electron/asar';
import builder from 'electron-builder';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** Files the packaged app cannot start without (paths inside app.asar). */
export const REQUIRED_FILES = ['package.json', 'out/main/index.js', 'out/preload/index.cjs', 'out/renderer/handler.js'];

/** Path prefixes that must not ship: sources, tests, the Node launcher's build, build resources. */
export const FORBIDDEN_PREFIXES = ['src-main/', 'src-engine/', 'src-renderer/', 'e2e/', 'out/engine/', 'build/', 'scripts/', 'bin/', '.tmp/', 'dist/'];

/** Development packages that must never be in the app's node_modules. */
export const FORBIDDEN_PACKAGES = ['electron', 'electron-builder', 'electron-vite', 'vite', 'vitest', 'typescript', 'svelte', '@sveltejs/kit'];

/** Modules a sandboxed preload may require (Electron's sandbox docs); anything else fails at run time. */
export const SANDBOX_PRELOAD_MODULES = ['electron', 'events', 'timers', 'url', 'node:events', 'node:timers', 'node:url'];

/**
 * Flattens an asar header into `{ path, unpacked }` entries for files (no directories), with
 * posix paths relative to the archive root.
 * @param {{ files?: Record<string, any> }} node
 * @returns {{ path: string; unpacked: boolean }[]}
 */
export function asarEntries(node, prefix = '') {
  const entries = [];
  for (const [name, child] of Object.entries(node.files ?? {})) {
    const path = prefix ? `${prefix}/${name}` : name;
    if (child.files) entries.push(...asarEntries(child, path));
    else if (!('link' in child)) entries.push({ path, unpacked: child.unpacked === true });
  }
  return entries;
}

/**
 * The package names a bundle loads at run time: its static `import ... from "x"`, `import "x"`
 * and `export ... from "x"` statements (bundlers put them at the start of a line; comments and
 * template strings that merely mention an import do not count) and, for CommonJS,
 * `require("x")` calls. Relative paths, node: builtins and Node's bare builtin names are left
 * out.
 * @param {string} code
 * @param {readonly string[]} builtins
 * @param {{ commonjs?: boolean }} [options]
 * @returns {string[]}
 */
export function packageImports(code, builtins, { commonjs = false } = {}) {
  const specifiers = new Set();
  const patterns = [/^import\s[^;]*?\sfrom\s*["']([^"']+)["']/gm, /^import\s*["']([^"']+)["']/gm, /^export\s[^;]*?\sfrom\s*["']([^"']+)["']/gm];
  if (commonjs) patterns.push(/\brequire\(\s*["']([^"']+)["']\s*\)/g);
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) specifiers.add(match[1]);
  const packages = new Set();
  for (const specifier of specifiers) {
    if (specifier.startsWith('.') || specifier.startsWith('/')) continue;
    if (specifier.startsWith('node:')) {
      if (commonjs) packages.add(specifier);
      continue;
    }
    const parts = specifier.split('/');
    const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
    if (builtins.includes(name) && !commonjs) continue;
    packages.add(name);
  }
  return [...packages].sort();
}

/**
 * Checks a packaged app. Pure: the caller supplies the archive listing and readers, so tests can
 * feed it a made-up package.
 * @param {{
 *   entries: { path: string; unpacked: boolean }[];
 *   readText: (path: string) => string;
 *   unpackedExists: (path: string) => boolean;
 *   builtins: readonly string[];
 * }} input
 * @returns {{ problems: string[]; facts: string[] }}
 */
export function checkPackagedApp({ entries, readText, unpackedExists, builtins }) {
  const problems = [];
  const facts = [];
  const paths = new Set(entries.map((entry) => entry.path));
  const has = (path) => paths.has(path);
  const under = (prefix) => entries.filter((entry) => entry.path.startsWith(prefix));

  for (const file of REQUIRED_FILES) if (!has(file)) problems.push(`missing ${file}`);

  if (has('package.json')) {
    const manifest = JSON.parse(readText('package.json'));
    if (!has(manifest.main ?? 'index.js')) problems.push(`package.json "main" (${manifest.main}) is not in the archive`);
    else facts.push(`entry ${manifest.main}`);
  }

  const renderer = under('out/renderer/');
  if (!renderer.some((entry) => entry.path.startsWith('out/renderer/client/'))) problems.push('out/renderer/client/ (the UI assets) is empty or missing');
  facts.push(`UI: ${renderer.length} files under out/renderer`);
  facts.push(`main: ${under('out/main/').length} files, preload: ${under('out/preload/').length} files`);

  for (const prefix of FORBIDDEN_PREFIXES) {
    const found = under(prefix);
    if (found.length) problems.push(`${found.length} files under ${prefix} should not ship (e.g. ${found[0].path})`);
  }
  const maps = entries.filter((entry) => entry.path.endsWith('.map') && !entry.path.startsWith('node_modules/'));
  if (maps.length) problems.push(`source maps shipped: ${maps[0].path}`);
  for (const name of FORBIDDEN_PACKAGES) if (has(`node_modules/${name}/package.json`)) problems.push(`development package ${name} is in node_modules`);

  // Every package the bundles import must be packaged (what the externalized main needs at run time).
  const bundles = ['out/main/index.js', ...renderer.filter((entry) => /^out\/renderer\/[^/]+\.js$/.test(entry.path) || /^out\/renderer\/server\/.*\.js$/.test(entry.path)).map((entry) => entry.path)];
  const imported = new Set();
  for (const bundle of bundles) {
    if (!has(bundle)) continue;
    for (const name of packageImports(readText(bundle), builtins)) if (name !== 'electron') imported.add(name);
  }
  for (const name of [...imported].sort()) {
    if (!has(`node_modules/${name}/package.json`)) problems.push(`the bundles import ${name}, which is not in the packaged node_modules`);
  }
  facts.push(`packages imported by the bundles, all packaged: ${[...imported].sort().join(', ') || 'none'}`);

  // The preload runs sandboxed: CommonJS, and only the modules the sandbox offers.
  if (has('out/preload/index.cjs')) {
    const preload = readText('out/preload/index.cjs');
    if (/^\s*(import|export)\s/m.test(preload)) problems.push('out/preload/index.cjs contains ES module syntax; a sandboxed preload must be CommonJS');
    for (const name of packageImports(preload, [], { commonjs: true })) if (!SANDBOX_PRELOAD_MODULES.includes(name)) problems.push(`the preload requires ${name}, which a sandboxed preload cannot load`);
  }

  // Native addons: every .node file unpacked and really on disk beside the archive.
  const addons = entries.filter((entry) => entry.path.endsWith('.node'));
  for (const addon of addons) {
    if (!addon.unpacked) problems.push(`native addon ${addon.path} is inside app.asar; it must be unpacked (asarUnpack)`);
    else if (!unpackedExists(addon.path)) problems.push(`native addon ${addon.path} is marked unpacked but missing from app.asar.unpacked`);
  }
  const libsql = addons.filter((entry) => entry.path.startsWith('node_modules/@libsql/'));
  if (!libsql.length) problems.push("no libsql native binary (node_modules/@libsql/<platform>/*.node) in the package");
  facts.push(`native addons unpacked: ${addons.map((entry) => entry.path).join(', ') || 'none'}`);

  return { problems, facts };
}

/** Writes the stub Electron distribution electron-builder copies instead of downloading one. */
function writeElectronStub(dir, version) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const executable = join(dir, 'electron');
  writeFileSync(executable, '#!/bin/sh\necho "stub Electron for scripts/packaging-check.mjs; it cannot run the app" >&2\nexit 1\n');
  chmodSync(executable, 0o755);
  writeFileSync(join(dir, 'version'), version);
  writeFileSync(join(dir, 'LICENSE'), 'Stub Electron distribution used by the packaging check.\n');
}

function findFile(dir, name) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findFile(path, name);
      if (found) return found;
    } else if (entry.name === name) return path;
  }
  return undefined;
}

/**
 * Boots the packaged app's own files: the archive is extracted outside the project (so nothing
 * can resolve from the development node_modules), and its main bundle runs headless under Node
 * with `electron` stubbed (src-main/test-support), a real data folder and a free loopback port. Proves
 * the shipped dependencies are complete, libsql's native binary loads and the packaged UI is
 * served. Answers the problems found.
 */
export async function bootPackagedApp(archive, { log = console.log, timeoutMs = 30_000 } = {}) {
  const where = mkdtempSync(join(tmpdir(), 'task-monitor-packaged-'));
  const appDir = join(where, 'app');
  const dataDir = join(where, 'data');
  const problems = [];
  try {
    asar.extractAll(archive, appDir);
    const stub = join(root, 'src-main', 'test-support', 'register-electron-stub.mjs');
    const child = spawn(process.execPath, ['--import', stub, join(appDir, 'out', 'main', 'index.js'), '--headless', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--grace-ms', '200'], {
      cwd: appDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + timeoutMs;
    let url;
    while (!url && Date.now() < deadline && child.exitCode === null) {
      url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (!url) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!url) {
      child.kill('SIGKILL');
      await exited;
      return [`the packaged app did not start:\n${output.trim()}`];
    }
    const page = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
    const type = page.headers.get('content-type') ?? '';
    if (page.status !== 200 || !type.includes('text/html')) problems.push(`the packaged app served ${page.status} ${type} for / instead of the UI`);
    else log(`packaging-check: the packaged app boots headless and serves its UI at ${url}`);
    if (!existsSync(join(dataDir, 'tasks.db'))) problems.push('the packaged app did not create its task database (libsql)');
    else log('packaging-check: the packaged app opened its SQLite database (libsql native binary loaded)');
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) problems.push(`the packaged app exited with ${code} after SIGTERM:\n${output.trim()}`);
  } finally {
    rmSync(where, { recursive: true, force: true });
  }
  return problems;
}

/** Packs the app and checks it; answers the problems found. */
export async function runPackagingCheck({ keep = false, log = console.log } = {}) {
  const missing = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/handler.js'].filter((file) => !existsSync(join(root, file)));
  if (missing.length) return [`not built: ${missing.join(', ')} (run npm run build first)`];

  const work = join(root, '.tmp', 'packaging-check');
  const stub = join(work, 'electron-stub');
  const output = join(work, 'dist');
  const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  writeElectronStub(stub, electronVersion);
  rmSync(output, { recursive: true, force: true });

  const { build, Platform, Arch } = builder;
  const arch = Arch[process.arch] ?? Arch.x64;
  log(`packaging-check: electron-builder --linux dir (${process.arch}) with a stub Electron ${electronVersion}`);
  await build({
    projectDir: root,
    targets: Platform.LINUX.createTarget('dir', arch),
    publish: 'never',
    config: { electronDist: stub, electronFuses: null, directories: { output } },
  });

  const archive = findFile(output, 'app.asar');
  if (!archive) return [`electron-builder produced no app.asar under ${output}`];
  const appDir = dirname(dirname(archive));
  const problems = [];
  const executable = join(appDir, 'task-monitor');
  if (!existsSync(executable) || !(statSync(executable).mode & 0o111)) problems.push('the executable task-monitor is missing from the unpacked app');
  if (existsSync(join(dirname(archive), 'default_app.asar'))) problems.push("Electron's default_app.asar ships next to the app");

  const { builtinModules } = await import('node:module');
  const result = checkPackagedApp({
    entries: asarEntries(asar.getRawHeader(archive).header),
    readText: (path) => asar.extractFile(archive, path).toString('utf8'),
    unpackedExists: (path) => existsSync(join(`${archive}.unpacked`, ...path.split(posix.sep))),
    builtins: builtinModules,
  });
  for (const fact of result.facts) log(`packaging-check: ${fact}`);
  problems.push(...result.problems);
  if (result.problems.length === 0) problems.push(...(await bootPackagedApp(archive, { log })));
  if (!keep) rmSync(work, { recursive: true, force: true });
  return problems;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runPackagingCheck({ keep: process.argv.includes('--keep') }).then(
    (problems) => {
      if (problems.length) {
        for (const problem of problems) console.error(`packaging-check: FAIL ${problem}`);
        process.exitCode = 1;
      } else {
        console.log('packaging-check: OK');
      }
    },
    (error) => {
      console.error('packaging-check: electron-builder failed');
      console.error(error);
      process.exitCode = 1;
    },
  );
}
