// Types of scripts/packaging-check.mjs, for its vitest test (src-main/packaging).
export interface AsarEntry {
  path: string;
  unpacked: boolean;
}
export const REQUIRED_FILES: readonly string[];
export const FORBIDDEN_PREFIXES: readonly string[];
export const FORBIDDEN_PACKAGES: readonly string[];
export const SANDBOX_PRELOAD_MODULES: readonly string[];
export function asarEntries(node: { files?: Record<string, unknown> }, prefix?: string): AsarEntry[];
export function packageImports(code: string, builtins: readonly string[], options?: { commonjs?: boolean }): string[];
export function checkPackagedApp(input: {
  entries: AsarEntry[];
  readText: (path: string) => string;
  unpackedExists: (path: string) => boolean;
  builtins: readonly string[];
}): { problems: string[]; facts: string[] };
export function runPackagingCheck(options?: { keep?: boolean; log?: (line: string) => void }): Promise<string[]>;
export function bootPackagedApp(archive: string, options?: { log?: (line: string) => void; timeoutMs?: number }): Promise<string[]>;
