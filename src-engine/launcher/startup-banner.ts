/** What the start block says. */
export interface StartupInfo {
  version: string;
  url: string;
  /** The data folder, or undefined when nothing is kept on disk. */
  dataDir: string | undefined;
  /** Where the API token is, if in a file. */
  tokenFile: string | undefined;
  /** True when other devices can reach the server (it listens beyond loopback). */
  lanReachable: boolean;
  /** Jobs loaded at start; the line is left out until the launcher has jobs to count. */
  jobsLoaded?: number;
}

/**
 * The short block printed at start, for people: where the server is, where its data lives, how
 * to pair another device, how to stop. Its first line keeps the words "listening on URL", which
 * scripts and tests wait for.
 */
export function startupBanner(info: StartupInfo): string {
  const rows: Array<[string, string]> = [
    ['data folder', info.dataDir ?? 'none: in memory, nothing is kept'],
    ...(info.jobsLoaded === undefined ? [] : [['jobs loaded', String(info.jobsLoaded)] as [string, string]]),
    ['API token', info.tokenFile ?? 'off (no token file)'],
    ['pair', info.lanReachable ? 'open the pairing link below on the other device' : 'listening on loopback only: start with --host 0.0.0.0 to let other devices pair'],
    ['API', `${info.url}/docs`],
    ['stop', 'Ctrl-C (running tasks get the grace period to finish)'],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [`Background Task Monitor ${info.version} listening on ${info.url}`, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n');
}
