// Types of scripts/serve.mjs, for its test (src-engine/launcher/serve-staleness.test.ts).
export interface BuildTarget {
  name: string;
  sources: string[];
  ignore: (path: string) => boolean;
  output: string;
  script: string;
}
export const TARGETS: readonly BuildTarget[];
export function newestSource(base: string, paths: readonly string[], ignore?: (path: string) => boolean): number;
export function isStale(base: string, target: Pick<BuildTarget, 'sources' | 'ignore' | 'output'>): boolean;
