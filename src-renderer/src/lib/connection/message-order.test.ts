import { describe, expect, it } from 'vitest';
import type { OwnerServerMessage, ServerMessage } from '../protocol.js';
import { admit, resumePoint, START, type StreamPosition } from './message-order.js';
import { running } from '../tasks/test-tasks.js';

const T = '2025-01-01T00:00:00.000Z';
const connection = (epoch: string, seq: number): ServerMessage => ({
  type: 'connection',
  data: { status: 'connected', socketId: 's', serverTime: T, epoch, seq },
  timestamp: T,
});
const snapshot = (epoch: string, seq: number): ServerMessage => ({ type: 'snapshot', data: { tasks: [], epoch, seq, total: 0, counts: { scheduled: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 } }, timestamp: T });
const progress = (seq?: number): ServerMessage => ({ type: 'taskProgress', data: running('a', 10), timestamp: T, ...(seq === undefined ? {} : { seq }) });

function run(messages: ServerMessage[], from: StreamPosition = START) {
  let position = from;
  const verdicts: string[] = [];
  for (const message of messages) {
    const result = admit(position, message);
    position = result.position;
    verdicts.push(result.verdict);
  }
  return { position, verdicts };
}

describe('admit', () => {
  it('starts from the snapshot and applies later messages in order', () => {
    const { position, verdicts } = run([connection('e1', 5), snapshot('e1', 5), progress(6), progress(7)]);
    expect(verdicts).toEqual(['apply', 'apply', 'apply', 'apply']);
    expect(position).toEqual({ epoch: 'e1', lastSeq: 7 });
  });

  it('skips messages already applied (replay overlap)', () => {
    const { verdicts, position } = run([progress(6), progress(7), progress(8)], { epoch: 'e1', lastSeq: 7 });
    expect(verdicts).toEqual(['skip', 'skip', 'apply']);
    expect(position.lastSeq).toBe(8);
  });

  it('resumes within the same server run', () => {
    const { position } = run(
      [connection('e1', 9), progress(8), progress(9), { type: 'resumed', data: { replayed: 2, seq: 9, epoch: 'e1' }, timestamp: T }],
      { epoch: 'e1', lastSeq: 7 },
    );
    expect(position).toEqual({ epoch: 'e1', lastSeq: 9 });
  });

  it('forgets the numbers of an earlier server run', () => {
    const { position } = run([connection('e2', 0)], { epoch: 'e1', lastSeq: 7 });
    expect(position).toEqual({ epoch: 'e2', lastSeq: null });
    expect(resumePoint(position)).toBeNull();
  });

  it('merges carefully when there are no numbers', () => {
    expect(run([progress()], { epoch: 'e1', lastSeq: 3 }).verdicts).toEqual(['merge']);
    expect(run([progress(4)]).verdicts).toEqual(['merge']);
  });
});

describe('admit owner news', () => {
  it('applies a statsTick without touching the stream position', () => {
    const tick: OwnerServerMessage = {
      type: 'statsTick',
      data: { t: T, completed: 1, failed: 0, cancelled: 0, queueMax: 0, runningMax: 1, p50: 10, p95: 10 },
      timestamp: T,
    };
    const from = { epoch: 'e1', lastSeq: 7 };
    expect(admit(from, tick)).toEqual({ position: from, verdict: 'apply' });
    expect(admit(START, tick)).toEqual({ position: START, verdict: 'apply' });
  });
});

describe('resumePoint', () => {
  it('is known once a run and a number are', () => {
    expect(resumePoint(START)).toBeNull();
    expect(resumePoint({ epoch: 'e', lastSeq: 0 })).toEqual({ epoch: 'e', lastSeq: 0 });
  });
});
