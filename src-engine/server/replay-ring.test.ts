import { describe, expect, it } from 'vitest';
import { ReplayRing } from './replay-ring.js';

const frame = (n: number, size = 100) => Buffer.alloc(size, n % 256);

describe('ReplayRing', () => {
  it('gives back a copy of the exact bytes written, at growing positions', () => {
    const ring = new ReplayRing(10_000);
    const positions = [1, 2, 3].map((n) => ring.append(frame(n)));
    expect(positions).toEqual([0, 100, 200]);
    const copy = ring.read(positions[1]!, 100);
    expect(copy.equals(frame(2))).toBe(true);
    for (let n = 4; n < 400; n++) ring.append(frame(n)); // comes round several times
    expect(copy.equals(frame(2))).toBe(true); // a copy, not a view of reused bytes
  });

  it('reports a frame gone once the ring came round to it, and every later one intact', () => {
    const ring = new ReplayRing(1000);
    const positions = Array.from({ length: 15 }, (_, n) => ring.append(frame(n)));
    // 1,500 bytes written into 1,000: the first five were overwritten.
    expect(positions.map((at) => ring.intact(at))).toEqual([...Array(5).fill(false), ...Array(10).fill(true)]);
    for (const [n, at] of positions.entries()) if (ring.intact(at)) expect(ring.read(at, 100).equals(frame(n))).toBe(true);
  });

  it('finds the first intact frame of a list of positions', () => {
    const ring = new ReplayRing(1000);
    const positions = Array.from({ length: 15 }, (_, n) => ring.append(frame(n)));
    expect(ring.firstIntact(positions)).toBe(5);
    expect(ring.firstIntact(positions.slice(0, 5))).toBe(5); // none intact
    expect(ring.firstIntact(positions.slice(5))).toBe(0);
    expect(ring.firstIntact([])).toBe(0);
  });

  it('never splits a frame across two of its buffers', () => {
    const ring = new ReplayRing(3 * 1024 * 1024); // three segments of 1 MiB
    const size = 300_000; // 3 fit in a segment, the 4th would span two
    const positions = Array.from({ length: 7 }, (_, n) => ring.append(frame(n, size)));
    expect(positions[3]).toBe(1024 * 1024); // the rest of the first segment was skipped
    for (const [n, at] of positions.entries()) expect(ring.read(at, size).equals(frame(n, size))).toBe(true);
  });

  it('refuses a frame larger than a segment and keeps the others', () => {
    const ring = new ReplayRing(1000);
    const before = ring.append(frame(1));
    expect(ring.append(frame(2, 1001))).toBe(-1);
    expect(ring.intact(before) && ring.read(before, 100).equals(frame(1))).toBe(true);
    expect(ring.intact(-1)).toBe(false);
  });

  it('takes memory as it first reaches it, not its whole budget up front', () => {
    const ring = new ReplayRing(64 * 1024 * 1024);
    ring.append(frame(1));
    expect((ring as unknown as { segments: unknown[] }).segments.filter(Boolean)).toHaveLength(1);
  });
});
