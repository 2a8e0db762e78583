// Proves scripts/packaging-check.mjs (`npm run pack:check`): its rules on made-up packages, and
// the real thing, electron-builder against a stub Electron, then the packaged app booted, when
// the app is built. `npm test`
// builds first, so CI always runs the real pack; `npm run test:unit` skips it locally when
// out/ is missing, and fails in CI, where a skipped packaging check would hide a broken package.
import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asarEntries, checkPackagedApp, packageImports, runPackagingCheck, type AsarEntry } from '../../scripts/packaging-check.mjs';

const root = join(import.meta.dirname, '..', '..');

/** A package that passes every rule; tests break one rule at a time. */
function goodPackage(): { entries: AsarEntry[]; texts: Record<string, string>; unpackedOnDisk: Set<string> } {
  const files = [
    'package.json',
    'out/main/index.js',
    'out/main/chunks/icon-abc.png',
    'out/preload/index.cjs',
    'out/renderer/handler.js',
    'out/renderer/client/_app/immutable/entry/start.js',
    'node_modules/fastify/package.json',
    'node_modules/ws/package.json',
    'node_modules/libsql/package.json',
  ];
  const entries: AsarEntry[] = files.map((path) => ({ path, unpacked: false }));
  entries.push({ path: 'node_modules/@libsql/linux-x64-gnu/index.node', unpacked: true });
  return {
    entries,
    texts: {
      'package.json': JSON.stringify({ main: 'out/main/index.js' }),
      'out/main/index.js': 'import { app } from "electron";\nimport Fastify from "fastify";\nimport { join } from "node:path";\nimport WebSocket from "ws";\n',
      'out/preload/index.cjs': '"use strict";\nconst electron = require("electron");\nelectron.contextBridge.exposeInMainWorld("taskMonitor", {});\n',
      'out/renderer/handler.js': "import './shims.js';\nimport 'node:fs';\n/** @import { X } from 'types' */\nconst s = `import('${'$'}{path}')`;\n",
    },
    unpackedOnDisk: new Set(['node_modules/@libsql/linux-x64-gnu/index.node']),
  };
}

function check(pkg: ReturnType<typeof goodPackage>) {
  return checkPackagedApp({
    entries: pkg.entries,
    readText: (path) => {
      const text = pkg.texts[path];
      if (text === undefined) throw new Error(`no ${path}`);
      return text;
    },
    unpackedExists: (path) => pkg.unpackedOnDisk.has(path),
    builtins: builtinModules,
  });
}

describe('packaging rules', () => {
  it('pass a good package', () => {
    const result = check(goodPackage());
    expect(result.problems).toEqual([]);
    expect(result.facts).toContain('packages imported by the bundles, all packaged: fastify, ws');
  });

  it('catch a missing preload or UI', () => {
    const pkg = goodPackage();
    pkg.entries = pkg.entries.filter((entry) => !entry.path.startsWith('out/preload/') && !entry.path.startsWith('out/renderer/'));
    expect(check(pkg).problems).toEqual(
      expect.arrayContaining(['missing out/preload/index.cjs', 'missing out/renderer/handler.js', 'out/renderer/client/ (the UI assets) is empty or missing']),
    );
  });

  it('catch a "main" that is not in the archive', () => {
    const pkg = goodPackage();
    pkg.texts['package.json'] = JSON.stringify({ main: 'out/main/index.mjs' });
    expect(check(pkg).problems).toContain('package.json "main" (out/main/index.mjs) is not in the archive');
  });

  it('catch a native addon packed inside the archive, or missing beside it', () => {
    const packed = goodPackage();
    packed.entries = packed.entries.map((entry) => (entry.path.endsWith('.node') ? { ...entry, unpacked: false } : entry));
    expect(check(packed).problems).toContain('native addon node_modules/@libsql/linux-x64-gnu/index.node is inside app.asar; it must be unpacked (asarUnpack)');
    const missing = goodPackage();
    missing.unpackedOnDisk.clear();
    expect(check(missing).problems[0]).toMatch(/marked unpacked but missing/);
  });

  it('catch a package without the libsql binary', () => {
    const pkg = goodPackage();
    pkg.entries = pkg.entries.filter((entry) => !entry.path.endsWith('.node'));
    expect(check(pkg).problems).toContain('no libsql native binary (node_modules/@libsql/<platform>/*.node) in the package');
  });

  it('catch an import of a package that is not packaged', () => {
    const pkg = goodPackage();
    pkg.texts['out/main/index.js'] += 'import QRCode from "qrcode";\n';
    expect(check(pkg).problems).toContain('the bundles import qrcode, which is not in the packaged node_modules');
  });

  it('catch a preload that a sandbox cannot run', () => {
    const esm = goodPackage();
    esm.texts['out/preload/index.cjs'] = 'import { contextBridge } from "electron";\n';
    expect(check(esm).problems).toContain('out/preload/index.cjs contains ES module syntax; a sandboxed preload must be CommonJS');
    const node = goodPackage();
    node.texts['out/preload/index.cjs'] += 'const fs = require("node:fs");\n';
    expect(check(node).problems).toContain('the preload requires node:fs, which a sandboxed preload cannot load');
  });

  it('catch sources, source maps and development packages', () => {
    const pkg = goodPackage();
    pkg.entries.push(
      { path: 'src-main/main/index.ts', unpacked: false },
      { path: 'out/engine/launcher/cli.js', unpacked: false },
      { path: 'out/main/index.js.map', unpacked: false },
      { path: 'node_modules/electron/package.json', unpacked: false },
    );
    expect(check(pkg).problems).toEqual([
      '1 files under src-main/ should not ship (e.g. src-main/main/index.ts)',
      '1 files under out/engine/ should not ship (e.g. out/engine/launcher/cli.js)',
      'source maps shipped: out/main/index.js.map',
      'development package electron is in node_modules',
    ]);
  });
});

describe('packageImports', () => {
  it('reads static imports and re-exports, not comments, strings or builtins', () => {
    const code = [
      'import a from "fastify";',
      "import { b } from '@fastify/cors';",
      'import "ws/lib/x.js";',
      "export { c } from 'qrcode';",
      'import { join } from "path";',
      'import { x } from "node:fs";',
      "import y from './local.js';",
      '/** @import { T } from "types" */',
      '  const s = `import("${name}")`;',
    ].join('\n');
    expect(packageImports(code, builtinModules)).toEqual(['@fastify/cors', 'fastify', 'qrcode', 'ws']);
  });

  it('reads require() in CommonJS, builtins included', () => {
    expect(packageImports('const e = require("electron");\nconst f = require("node:fs");\nconst p = require("path");', builtinModules, { commonjs: true })).toEqual([
      'electron',
      'node:fs',
      'path',
    ]);
  });
});

describe('asarEntries', () => {
  it('flattens the header, keeping the unpacked flag', () => {
    const header = { files: { out: { files: { 'a.js': { size: 1, offset: '0' } } }, 'b.node': { size: 2, unpacked: true }, link: { link: 'out/a.js' } } };
    expect(asarEntries(header)).toEqual([
      { path: 'out/a.js', unpacked: false },
      { path: 'b.node', unpacked: true },
    ]);
  });
});

const built = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/handler.js'].every((file) => existsSync(join(root, file)));

describe('npm run pack:check', () => {
  it.runIf(built || process.env['CI'])(
    'packs the built app with electron-builder and finds nothing wrong',
    async () => {
      const lines: string[] = [];
      const problems = await runPackagingCheck({ log: (line) => lines.push(line) });
      expect(problems).toEqual([]);
      expect(lines.join('\n')).toMatch(/native addons unpacked: .*node_modules\/@libsql\//);
      expect(lines.join('\n')).toContain('the packaged app opened its SQLite database');
    },
    240_000,
  );
});
