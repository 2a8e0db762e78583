import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStale, TARGETS } from '../../scripts/serve.mjs';
import type { BuildTarget } from '../../scripts/serve.d.mts';

const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

function project() {
  const base = mkdtempSync(join(tmpdir(), 'serve-stale-'));
  mkdirSync(join(base, 'src', 'deep'), { recursive: true });
  mkdirSync(join(base, 'out'), { recursive: true });
  writeFileSync(join(base, 'src', 'a.ts'), 'a');
  writeFileSync(join(base, 'src', 'deep', 'b.ts'), 'b');
  writeFileSync(join(base, 'src', 'deep', 'b.test.ts'), 't');
  writeFileSync(join(base, 'out', 'main.js'), 'built');
  at(join(base, 'src', 'a.ts'), 1000);
  at(join(base, 'src', 'deep', 'b.ts'), 1000);
  at(join(base, 'src', 'deep', 'b.test.ts'), 1000);
  at(join(base, 'out', 'main.js'), 2000);
  const target = { sources: ['src'], ignore: (path: string) => path.endsWith('.test.ts'), output: 'out/main.js' };
  return { base, target };
}

describe('npm run serve builds only what is stale', () => {
  it('an output newer than every source is current', () => {
    const { base, target } = project();
    expect(isStale(base, target)).toBe(false);
  });

  it('a source changed after the build (however deep) makes it stale; an ignored file does not', () => {
    const { base, target } = project();
    at(join(base, 'src', 'deep', 'b.test.ts'), 3000);
    expect(isStale(base, target)).toBe(false);
    at(join(base, 'src', 'deep', 'b.ts'), 3000);
    expect(isStale(base, target)).toBe(true);
  });

  it('a missing output is stale', () => {
    const { base, target } = project();
    expect(isStale(base, { ...target, output: 'out/missing.js' })).toBe(true);
  });

  it('watches the engine and the UI, each by a file its build always writes', () => {
    expect((TARGETS as readonly BuildTarget[]).map((t) => [t.name, t.output, t.script])).toEqual([
      ['engine', 'out/engine/launcher/cli.js', 'build:engine'],
      ['ui', 'out/renderer/handler.js', 'build:ui'],
    ]);
    const engine = (TARGETS as readonly BuildTarget[])[0]!;
    expect(engine.ignore('src-engine/launcher/cli.test.ts')).toBe(true);
    expect(engine.ignore('src-engine/launcher/cli.ts')).toBe(false);
  });
});
