import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../launcher/project-root.js';

/**
 * vitest globalSetup: compiles the engine once before the tests that run the real
 * `task-monitor` executable, so they prove the current source (and never race to build it).
 */
export default function buildEngine(): void {
  const root = projectRoot();
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.engine.json')], { stdio: 'inherit' });
}
