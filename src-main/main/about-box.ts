/** What the About box says. */
export interface AboutContent {
  readonly title: string;
  readonly message: string;
  readonly detail: string;
}

/**
 * The About box: the app's version first (what a bug report needs), then the runtime versions
 * and where the server is listening.
 */
export function aboutContent(info: {
  appName: string;
  version: string;
  versions: { electron?: string; chrome?: string; node?: string };
  serverUrl?: string;
  lanUrls?: readonly string[];
}): AboutContent {
  const lines = [
    `Version ${info.version}`,
    '',
    `Electron ${info.versions.electron ?? '?'}`,
    `Chromium ${info.versions.chrome ?? '?'}`,
    `Node.js ${info.versions.node ?? '?'}`,
  ];
  if (info.serverUrl) lines.push('', `Server: ${info.serverUrl}`);
  if (info.lanUrls?.length) lines.push(`Shared on LAN: ${info.lanUrls.join(', ')}`);
  return { title: `About ${info.appName}`, message: `${info.appName} ${info.version}`, detail: lines.join('\n') };
}
