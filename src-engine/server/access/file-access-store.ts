import { join } from 'node:path';
import type { AccessStateStore } from './access-state-store.js';
import { loadOrCreateApiToken, tokenProblem } from './api-token.js';
import { DEVICES_FILE, DeviceRegistry } from './device-registry.js';
import { PairingCodes } from './pairing-codes.js';

/** Options of {@link openFileAccessStore}. */
export interface FileAccessStoreOptions {
  /** Data folder: `token` and `devices.json` live there. Without it, everything is in memory. */
  dataDir?: string;
  /** Keep pairing state in memory even with a data folder. */
  inMemory?: boolean;
  /** An explicit API token (`--token`); wins over the file, and is never written. */
  token?: string;
}

/**
 * The single-node access state: the API token in `DATA_DIR/token` (created at first start), the
 * paired devices in `DATA_DIR/devices.json`, the pairing code in memory. Never throws for bad
 * state on disk: an unreadable token file turns bearer authentication off, an unreadable devices
 * file starts with no paired device; both fail closed and are reported in `warnings`.
 */
export function openFileAccessStore(options: FileAccessStoreOptions = {}): AccessStateStore {
  const warnings: string[] = [];
  const persistent = options.dataDir !== undefined && !options.inMemory;
  let apiToken: string | undefined;
  let tokenFile: string | undefined;
  if (options.token !== undefined) {
    const problem = tokenProblem(options.token);
    if (problem) warnings.push(`The configured API token is not used: ${problem}. Bearer authentication is off.`);
    else apiToken = options.token;
  } else if (persistent) {
    try {
      const source = loadOrCreateApiToken(options.dataDir!);
      apiToken = source.token;
      tokenFile = source.file;
      if (source.warning) warnings.push(source.warning);
    } catch (error) {
      warnings.push(`${(error as Error).message} Bearer authentication is off.`);
    }
  }
  let devices = DeviceRegistry.inMemory();
  if (persistent) {
    try {
      const opened = DeviceRegistry.open(join(options.dataDir!, DEVICES_FILE));
      devices = opened.registry;
      if (opened.warning) warnings.push(opened.warning);
    } catch (error) {
      warnings.push(`Paired devices could not be read (${(error as Error).message}); none is paired until they pair again, and pairings are kept in memory only.`);
    }
  }
  return {
    devices,
    pairing: new PairingCodes(),
    apiToken,
    ...(tokenFile ? { tokenLocation: tokenFile } : {}),
    warnings,
    close: () => devices.close(),
  };
}
