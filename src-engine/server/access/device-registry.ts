import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DeviceDirectory } from './access-state-store.js';
import { ensurePrivateDir, writeFileAtomic } from './atomic-file.js';
import { hashSecret, newSecret } from './secret.js';

/** Name of the paired-devices file in the data folder. */
export const DEVICES_FILE = 'devices.json';

/** A paired device as the owner sees it (never its token). */
export interface PairedDevice {
  id: string;
  /** What the device said it was when it paired (from its User-Agent), e.g. "Firefox on Android". */
  name: string;
  createdAt: string;
  lastSeenAt: string;
  /** Address it was last seen from. */
  lastAddress: string;
}

interface StoredDevice extends PairedDevice {
  /** SHA-256 of the device token: the file never holds a usable token. */
  tokenHash: string;
}

interface DevicesFileContent {
  version: 1;
  devices: StoredDevice[];
}

/** How long last-seen updates may wait before they are written (they are not worth a write per request). */
const LAST_SEEN_FLUSH_MS = 60_000;

/** How often lastSeenAt changes in memory at most: every request of a busy page would be noise. */
const LAST_SEEN_RESOLUTION_MS = 10_000;

/**
 * Paired devices and their tokens: a device pairs once (with a one-time code) and gets a random
 * token, kept by its browser in an HttpOnly cookie. The registry is a JSON file in the data folder,
 * replaced atomically on every change, or memory only (`--in-memory`, tests). Revoking a device
 * makes its token worthless at once; listeners close its open sockets.
 */
export class DeviceRegistry implements DeviceDirectory {
  private readonly byHash = new Map<string, StoredDevice>();
  private readonly revokedListeners = new Set<(id: string) => void>();
  private writing: Promise<void> = Promise.resolve();
  private flushTimer: NodeJS.Timeout | undefined;
  private dirty = false;

  private constructor(private readonly file: string | undefined) {}

  /** A registry that keeps nothing on disk. */
  static inMemory(): DeviceRegistry {
    return new DeviceRegistry(undefined);
  }

  /**
   * Loads the registry from a file (missing: empty). A file that cannot be parsed is moved aside
   * (`devices.json.corrupt-TIME`) and the registry starts empty: every device must pair again,
   * which fails safe, rather than refusing to start. Other read errors throw.
   */
  static open(file: string): { registry: DeviceRegistry; warning?: string } {
    const registry = new DeviceRegistry(file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { registry };
      throw error;
    }
    try {
      for (const device of parseDevicesFile(text)) registry.byHash.set(device.tokenHash, device);
      return { registry };
    } catch (error) {
      const aside = `${file}.corrupt-${Date.now()}`;
      renameSync(file, aside);
      return { registry, warning: `${file} could not be read (${(error as Error).message}); it was moved to ${aside} and every device must pair again` };
    }
  }

  /** Paired devices, oldest first. */
  list(): PairedDevice[] {
    return [...this.byHash.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map(publicView);
  }

  /** Number of paired devices. */
  get size(): number {
    return this.byHash.size;
  }

  /**
   * Pairs a new device and answers its token (shown to nobody but that device). `saved` is false
   * when the file could not be written: the device works until the server restarts.
   */
  async pair(info: { name: string; address: string }): Promise<{ device: PairedDevice; token: string; saved: boolean }> {
    const token = newSecret(32);
    const now = new Date().toISOString();
    const device: StoredDevice = { id: randomUUID(), name: info.name, createdAt: now, lastSeenAt: now, lastAddress: info.address, tokenHash: hashSecret(token) };
    this.byHash.set(device.tokenHash, device);
    return { device: publicView(device), token, saved: await this.save() };
  }

  /** The device owning this token, noting that it was seen; undefined for an unknown or revoked token. */
  authenticate(token: string, address: string): PairedDevice | undefined {
    const device = this.byHash.get(hashSecret(token));
    if (!device) return undefined;
    const now = Date.now();
    if (now - Date.parse(device.lastSeenAt) >= LAST_SEEN_RESOLUTION_MS || device.lastAddress !== address) {
      device.lastSeenAt = new Date(now).toISOString();
      device.lastAddress = address;
      this.scheduleFlush();
    }
    return publicView(device);
  }

  /**
   * Revokes a device: its token stops working now and listeners are told (to close its sockets).
   * `found` is false for an unknown id; `saved` false when the file could not be written (the
   * revocation holds until a restart).
   */
  async revoke(id: string): Promise<{ found: boolean; saved: boolean }> {
    const entry = [...this.byHash.entries()].find(([, device]) => device.id === id);
    if (!entry) return { found: false, saved: true };
    this.byHash.delete(entry[0]);
    for (const listener of this.revokedListeners) listener(id);
    return { found: true, saved: await this.save() };
  }

  /** Hears every revocation; answers the unsubscribe. */
  onRevoked(listener: (id: string) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  /** Writes pending last-seen updates and stops the flush timer. */
  async close(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.dirty) await this.save();
    await this.writing;
  }

  private scheduleFlush(): void {
    this.dirty = true;
    if (!this.file || this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.save();
    }, LAST_SEEN_FLUSH_MS);
    this.flushTimer.unref();
  }

  /** Queues a write of the whole registry (writes never overlap); answers whether it succeeded. */
  private save(): Promise<boolean> {
    this.dirty = false;
    const file = this.file;
    if (!file) return Promise.resolve(true);
    const content: DevicesFileContent = { version: 1, devices: [...this.byHash.values()] };
    const text = `${JSON.stringify(content, null, 2)}\n`;
    const result = this.writing.then(async () => {
      ensurePrivateDir(dirname(file));
      await writeFileAtomic(file, text);
    });
    this.writing = result.catch(() => undefined);
    return result.then(
      () => true,
      () => {
        this.dirty = true;
        return false;
      },
    );
  }
}

function publicView(device: StoredDevice): PairedDevice {
  return { id: device.id, name: device.name, createdAt: device.createdAt, lastSeenAt: device.lastSeenAt, lastAddress: device.lastAddress };
}

function parseDevicesFile(text: string): StoredDevice[] {
  const content = JSON.parse(text) as Partial<DevicesFileContent>;
  if (content.version !== 1 || !Array.isArray(content.devices)) throw new Error('unknown format');
  return content.devices.map((device, index) => {
    const fields = ['id', 'name', 'createdAt', 'lastSeenAt', 'lastAddress', 'tokenHash'] as const;
    for (const field of fields) if (typeof device?.[field] !== 'string') throw new Error(`device ${index} has no ${field}`);
    if (!/^[0-9a-f]{64}$/.test(device.tokenHash)) throw new Error(`device ${index} has a malformed token hash`);
    return { id: device.id, name: device.name, createdAt: device.createdAt, lastSeenAt: device.lastSeenAt, lastAddress: device.lastAddress, tokenHash: device.tokenHash };
  });
}

/**
 * A short name for a device from its User-Agent ("Firefox on Android"), for the owner's list.
 * The header is the device's own claim: it is shown, never trusted, and stripped of controls.
 */
export function describeUserAgent(userAgent: string | undefined): string {
  const ua = (userAgent ?? '').replace(/[\u0000-\u001f\u007f-\u009f]/g, '').slice(0, 400);
  if (ua === '') return 'Unknown device';
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : undefined;
  const system = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad|iPod/.test(ua)
      ? 'iOS'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : undefined;
  if (browser && system) return `${browser} on ${system}`;
  return ua.slice(0, 80);
}
