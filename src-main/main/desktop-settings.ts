import { readJsonFile, writeJsonFile } from './json-file.js';

/** Settings of the desktop app (settings.json in userData). */
export interface DesktopSettings {
  /** Listen on every interface so other devices can open the monitor. Off unless turned on. */
  readonly lanShare: boolean;
}

/** What a first run, or an unreadable file, gets. */
export const DEFAULT_SETTINGS: DesktopSettings = Object.freeze({ lanShare: false });

/**
 * Validates the settings file field by field: a bad or missing field takes its default, so one
 * hand-edited typo does not reset everything, and only a literal `true` turns sharing on.
 */
export function parseSettings(raw: unknown): DesktopSettings {
  const value = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  return { lanShare: value['lanShare'] === true };
}

/** The settings, loaded once and written through on every change. */
export class SettingsStore {
  private constructor(
    private readonly path: string,
    private current: DesktopSettings,
  ) {}

  /** Loads `path`, falling back to the defaults. */
  static async open(path: string): Promise<SettingsStore> {
    return new SettingsStore(path, parseSettings(await readJsonFile(path)));
  }

  get(): DesktopSettings {
    return this.current;
  }

  /** Changes some settings and persists them. */
  async update(change: Partial<DesktopSettings>): Promise<DesktopSettings> {
    this.current = parseSettings({ ...this.current, ...change });
    await writeJsonFile(this.path, this.current);
    return this.current;
  }
}
