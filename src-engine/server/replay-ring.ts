/** Largest buffer the ring is made of; it is also the largest frame it keeps. */
const SEGMENT_BYTES = 1024 * 1024;

/**
 * A fixed budget of bytes for the frames a {@link SessionJournal} keeps for replay, shared by all
 * sessions and reused oldest first: a frame is written after the last one, and once the budget is
 * used up the next frames overwrite the oldest.
 *
 * Why one ring for every session rather than buffers per session: a kept frame used to go into
 * memory nobody had touched before (each session's buffers grew until it had its 1,000 frames, and
 * the buffers it dropped were freed only when the collector found them), so with 1,000 busy
 * sessions every message paid for fresh pages — writing a 550-byte frame into fresh memory costs
 * 5–20× writing it into memory written before. A ring reaches its budget once and then writes into
 * its own warm bytes. It also bounds the whole journal in bytes: 1,000 frames for each of 2,000
 * sessions had no bound but their count (over a gigabyte of frames).
 *
 * Frames are addressed by their position in the stream of bytes ever written (a number that only
 * grows), so whether a frame is still intact is one comparison with the write position. The ring
 * is made of segments allocated as it first reaches them (a quiet server holds little), and a
 * frame never spans two segments.
 *
 * Nothing outside the ring may hold a view of its bytes: they are overwritten when the ring comes
 * round. {@link read} copies.
 */
export class ReplayRing {
  private readonly segmentBytes: number;
  private readonly segments: Buffer[] = [];
  private readonly segmentCount: number;
  /** Bytes the ring holds before it overwrites its oldest. */
  readonly capacity: number;
  /** Position of the next byte written, counted over every byte ever written. */
  private head = 0;

  /** @param budget Bytes the ring may hold (rounded up to whole segments of at most 1 MiB). */
  constructor(budget: number) {
    this.segmentBytes = Math.max(1, Math.min(SEGMENT_BYTES, Math.floor(budget)));
    this.segmentCount = Math.max(1, Math.ceil(budget / this.segmentBytes));
    this.capacity = this.segmentBytes * this.segmentCount;
  }

  /**
   * Copies a frame in after the last one; returns its position, or -1 when it is larger than a
   * segment (the ring does not keep it).
   */
  append(bytes: Uint8Array): number {
    const size = bytes.length;
    if (size > this.segmentBytes) return -1;
    const offset = this.head % this.segmentBytes;
    // The rest of a segment too small for the frame is skipped: a frame is one contiguous range.
    if (offset + size > this.segmentBytes) this.head += this.segmentBytes - offset;
    const at = this.head;
    const index = Math.floor(at / this.segmentBytes) % this.segmentCount;
    let segment = this.segments[index];
    if (segment === undefined) {
      segment = Buffer.allocUnsafeSlow(this.segmentBytes);
      this.segments[index] = segment;
    }
    segment.set(bytes, at % this.segmentBytes);
    this.head = at + size;
    return at;
  }

  /**
   * Whether the frame written at `at` is still intact: the ring has not come round to it. Frames
   * are written in order, so every frame written after an intact one is intact too.
   */
  intact(at: number): boolean {
    return at >= 0 && this.head - at <= this.capacity;
  }

  /**
   * Index of the first intact position in `positions` (ascending, as written), or its length when
   * none is: intact positions are a suffix (see {@link intact}), so a binary search finds it.
   */
  firstIntact(positions: readonly number[]): number {
    let low = 0;
    let high = positions.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.intact(positions[mid]!)) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  /** A copy of `length` bytes written at `at` (the caller checked {@link intact}). */
  read(at: number, length: number): Buffer {
    const segment = this.segments[Math.floor(at / this.segmentBytes) % this.segmentCount]!;
    const start = at % this.segmentBytes;
    return Buffer.from(segment.subarray(start, start + length));
  }
}
