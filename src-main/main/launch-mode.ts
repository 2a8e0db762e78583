import { helpText, OPTIONS, parseLaunchConfig, type LaunchConfig } from '../../src-engine/launcher/launch-config.js';

/** What this launch of the desktop app is going to do. */
export type LaunchPlan =
  /** `--help`, `--version` or bad flags: print and exit, as the Node launcher does. */
  | { readonly kind: 'print'; readonly stream: 'stdout' | 'stderr'; readonly text: string; readonly exitCode: number }
  /** `--headless`: the server only, no window, tray or single-instance lock. */
  | { readonly kind: 'headless'; readonly config: LaunchConfig; readonly ignored: readonly string[] }
  /** The desktop app: server on loopback plus the window. */
  | { readonly kind: 'window'; readonly config: LaunchConfig; readonly ignored: readonly string[] };

/** Flags the app understands, with whether each takes a value (`--port 5001` or `--port=5001`). */
const OWN_FLAGS: ReadonlyMap<string, boolean> = new Map(
  Object.entries(OPTIONS).flatMap(([name, option]) => {
    const takesValue = option.type === 'string';
    const short = 'short' in option ? [[`-${option.short}`, takesValue] as const] : [];
    return [[`--${name}`, takesValue] as const, ...short];
  }),
);

/**
 * The user's arguments from Electron's `process.argv`: drops the executable, and when running
 * unpackaged (`electron .`, `process.defaultApp`) the app path after it.
 */
export function userArguments(argv: readonly string[], isDefaultApp: boolean): string[] {
  return argv.slice(isDefaultApp ? 2 : 1);
}

/**
 * Keeps the app's own flags (and their values) and sets the rest aside. Electron and Chromium
 * put switches of their own on the command line (`--no-sandbox`, `--inspect=...`,
 * `--enable-logging`, macOS's `-psn_0_...`, the file a desktop entry passes), and the strict
 * launcher parser would refuse them; they are Chromium's business, not ours.
 */
export function selectOwnFlags(args: readonly string[]): { own: string[]; ignored: string[] } {
  const own: string[] = [];
  const ignored: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const takesValue = OWN_FLAGS.get(name);
    if (takesValue === undefined) {
      ignored.push(arg);
      continue;
    }
    own.push(arg);
    // `--port 5001`: the value is the next argument, whatever it looks like (parseArgs agrees).
    if (takesValue && name === arg && i + 1 < args.length) own.push(args[++i]!);
  }
  return { own, ignored };
}

/**
 * Decides the launch from the command line and environment, with the same flags, variables and
 * messages as the Node launcher (`task-monitor --headless`), so both document the same thing.
 */
export function planLaunch(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  context: { isDefaultApp: boolean; version: string },
): LaunchPlan {
  const { own, ignored } = selectOwnFlags(userArguments(argv, context.isDefaultApp));
  const parsed = parseLaunchConfig(own, env);
  if (!parsed.ok) {
    return { kind: 'print', stream: 'stderr', text: `task-monitor: ${parsed.message}\n\n${helpText()}\n`, exitCode: 2 };
  }
  const { config } = parsed;
  if (config.showHelp) return { kind: 'print', stream: 'stdout', text: `${helpText()}\n`, exitCode: 0 };
  if (config.showVersion) return { kind: 'print', stream: 'stdout', text: `${context.version}\n`, exitCode: 0 };
  return { kind: config.headless ? 'headless' : 'window', config, ignored };
}
