import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_SIZE, fitToDisplays, parseWindowState, type Rect } from './window-state.js';

const MIN = { width: 640, height: 480 };
const laptop: Rect = { x: 0, y: 25, width: 1440, height: 875 }; // work area below a menu bar
const external: Rect = { x: 1440, y: 0, width: 2560, height: 1440 };

describe('parseWindowState', () => {
  it('accepts a well-formed state and rounds it', () => {
    expect(parseWindowState({ x: 10.4, y: 20.6, width: 1000, height: 700, maximized: true })).toEqual({ x: 10, y: 21, width: 1000, height: 700, maximized: true });
  });

  it('keeps the size when the position is incomplete', () => {
    expect(parseWindowState({ x: 10, width: 1000, height: 700 })).toEqual({ width: 1000, height: 700, maximized: false });
  });

  it.each([
    ['not an object', 'hello'],
    ['null', null],
    ['an array', [1, 2]],
    ['missing size', { x: 1, y: 2 }],
    ['a string size', { width: '1000', height: 700 }],
    ['NaN', { width: Number.NaN, height: 700 }],
    ['Infinity', { width: Infinity, height: 700 }],
    ['a tiny window', { width: 3, height: 700 }],
    ['an absurd window', { width: 1e9, height: 700 }],
  ])('drops %s', (_label, raw) => {
    expect(parseWindowState(raw)).toBeNull();
  });

  it('only a literal true maximizes', () => {
    expect(parseWindowState({ width: 800, height: 600, maximized: 'yes' })?.maximized).toBe(false);
  });
});

describe('fitToDisplays', () => {
  it('gives a first run the default size, centred by the OS', () => {
    expect(fitToDisplays(null, [laptop], MIN)).toEqual({ ...DEFAULT_WINDOW_SIZE, maximized: false });
  });

  it('keeps a window that is on a display', () => {
    const saved = { x: 100, y: 100, width: 1000, height: 700, maximized: false };
    expect(fitToDisplays(saved, [laptop, external], MIN)).toEqual(saved);
  });

  it('keeps a window on the secondary display it was left on', () => {
    const saved = { x: 2000, y: 200, width: 1200, height: 900, maximized: true };
    expect(fitToDisplays(saved, [laptop, external], MIN)).toEqual(saved);
  });

  it('brings back a window from a display that is gone, centred on the primary one', () => {
    const saved = { x: 2000, y: 200, width: 1200, height: 800, maximized: false };
    expect(fitToDisplays(saved, [laptop], MIN)).toEqual({ x: 120, y: 63, width: 1200, height: 800, maximized: false });
  });

  it('brings back a window that is almost entirely off-screen', () => {
    const saved = { x: -990, y: 300, width: 1000, height: 600, maximized: false };
    const fitted = fitToDisplays(saved, [laptop], MIN);
    expect(fitted.x).toBeGreaterThanOrEqual(laptop.x);
    expect(fitted.x! + fitted.width).toBeLessThanOrEqual(laptop.x + laptop.width);
  });

  it('moves a partly visible window fully inside its display', () => {
    const saved = { x: 1000, y: 500, width: 1000, height: 700, maximized: false };
    expect(fitToDisplays(saved, [laptop], MIN)).toEqual({ x: 440, y: 200, width: 1000, height: 700, maximized: false });
  });

  it('shrinks a window larger than its display', () => {
    const saved = { x: 0, y: 25, width: 3000, height: 2000, maximized: false };
    expect(fitToDisplays(saved, [laptop], MIN)).toEqual({ x: 0, y: 25, width: 1440, height: 875, maximized: false });
  });

  it('grows a window below the minimum size', () => {
    const saved = { x: 10, y: 40, width: 200, height: 150, maximized: false };
    expect(fitToDisplays(saved, [laptop], MIN)).toMatchObject({ width: 640, height: 480 });
  });

  it('fits a size-only state to the primary display', () => {
    expect(fitToDisplays({ width: 5000, height: 700, maximized: false }, [laptop], MIN)).toEqual({ width: 1440, height: 700, maximized: false });
  });

  it('trusts the saved state when there is no display information', () => {
    const saved = { x: 5, y: 5, width: 800, height: 600, maximized: false };
    expect(fitToDisplays(saved, [], MIN)).toEqual(saved);
  });
});
