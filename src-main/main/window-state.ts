/** A rectangle in screen coordinates (DIP), as Electron's `Rectangle`. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Where the window goes: a position is absent when the OS should centre it. */
export interface WindowBounds {
  readonly x?: number;
  readonly y?: number;
  readonly width: number;
  readonly height: number;
}

/** What is saved between runs (window-state.json in userData). */
export interface WindowState extends WindowBounds {
  readonly maximized: boolean;
}

/** Size of a first window, and of one whose saved state is unusable. */
export const DEFAULT_WINDOW_SIZE = { width: 1100, height: 760 } as const;
/** Sizes outside these bounds are treated as corrupt rather than clamped. */
const MIN_SANE = 100;
const MAX_SANE = 100_000;
/** How much of the window must stay on a display for the saved position to be kept. */
const MIN_VISIBLE = { width: 120, height: 48 } as const;

function isCoordinate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_SANE;
}

function isLength(value: unknown): value is number {
  return isCoordinate(value) && value >= MIN_SANE;
}

/**
 * Reads saved window state, which is user-writable JSON: anything that is not exactly the
 * expected shape with sane, finite numbers is dropped (null) rather than half-trusted. A
 * position without both coordinates is dropped on its own and the size kept.
 */
export function parseWindowState(raw: unknown): WindowState | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const value = raw as Record<string, unknown>;
  if (!isLength(value['width']) || !isLength(value['height'])) return null;
  const maximized = value['maximized'] === true;
  const width = Math.round(value['width']);
  const height = Math.round(value['height']);
  if (isCoordinate(value['x']) && isCoordinate(value['y'])) {
    return { x: Math.round(value['x']), y: Math.round(value['y']), width, height, maximized };
  }
  return { width, height, maximized };
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

/**
 * Fits saved state to the displays there are now (their work areas, primary first): a window
 * saved on a monitor since unplugged, or mostly off-screen, comes back centred on the primary
 * display; otherwise it stays on the display it overlaps most, shrunk to fit and moved fully
 * inside it. With no saved state: the default size, centred by the OS.
 */
export function fitToDisplays(saved: WindowState | null, workAreas: readonly Rect[], minimum: { width: number; height: number }): WindowState {
  const primary = workAreas[0];
  const wanted = saved ?? { ...DEFAULT_WINDOW_SIZE, maximized: false };
  if (!primary) return wanted; // no display information: trust the OS
  const sizeOn = (area: Rect) => ({
    width: clamp(wanted.width, Math.min(minimum.width, area.width), area.width),
    height: clamp(wanted.height, Math.min(minimum.height, area.height), area.height),
  });
  if (saved?.x === undefined || saved.y === undefined) {
    return { ...sizeOn(primary), maximized: wanted.maximized };
  }
  const rect: Rect = { x: saved.x, y: saved.y, width: saved.width, height: saved.height };
  let best: Rect | undefined;
  let bestArea = 0;
  for (const area of workAreas) {
    const { width, height } = overlap(rect, area);
    if (width >= Math.min(MIN_VISIBLE.width, rect.width) && height >= Math.min(MIN_VISIBLE.height, rect.height) && width * height > bestArea) {
      best = area;
      bestArea = width * height;
    }
  }
  if (!best) {
    const size = sizeOn(primary);
    return {
      x: Math.round(primary.x + (primary.width - size.width) / 2),
      y: Math.round(primary.y + (primary.height - size.height) / 2),
      ...size,
      maximized: wanted.maximized,
    };
  }
  const size = sizeOn(best);
  return {
    x: clamp(rect.x, best.x, best.x + best.width - size.width),
    y: clamp(rect.y, best.y, best.y + best.height - size.height),
    ...size,
    maximized: wanted.maximized,
  };
}
