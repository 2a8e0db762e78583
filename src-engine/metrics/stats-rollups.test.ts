import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent, EngineListener } from '../engine/engine-events.js';
import type { TaskRecord } from '../engine/task-record.js';
import { SqliteTaskStore } from '../store/sqlite-task-store.js';
import { bucketOf, bucketValue, quantile } from './duration-sketch.js';
import { MemoryRollupStore, SqliteRollupStore, type RollupStore } from './rollup-store.js';
import { StatsRollups } from './stats-rollups.js';

const MINUTE = 60_000;
/** 2026-12-02T10:00:00Z, a minute boundary. */
const T0 = Date.UTC(2026, 11, 2, 10, 0, 0);

/** An engine stand-in whose clock, queue and events the test drives. */
function fakeEngine() {
  let listener: EngineListener = () => undefined;
  const state = { queued: 0, running: 0, now: T0 };
  let n = 0;
  const finish = (kind: string, outcome: 'completed' | 'failed' | 'cancelled', ms: number | null) => {
    const task = { id: `t${n++}`, kind, clientId: 'c', state: outcome, startedAt: ms === null ? null : state.now - ms, completedAt: state.now } as unknown as TaskRecord;
    listener({ type: 'taskUpdated', task, stateChanged: true } as EngineEvent);
  };
  return {
    state,
    finish,
    engine: {
      subscribe: (l: EngineListener) => ((listener = l), () => (listener = () => undefined)),
      get queuedCount() {
        return state.queued;
      },
      counts: () => ({ scheduled: 0, queued: state.queued, running: state.running, completed: 0, failed: 0, cancelled: 0 }),
    },
  };
}

function rollups(store: RollupStore = new MemoryRollupStore()) {
  const fake = fakeEngine();
  const stats = new StatsRollups(fake.engine, store, { now: () => fake.state.now, flushMs: 3_600_000, sampleMs: 3_600_000 });
  return { ...fake, stats, store };
}

describe('StatsRollups', () => {
  it('counts each outcome in the minute it happened: 59.999 s and 60.000 s are different minutes', () => {
    const { state, finish, stats } = rollups();
    state.now = T0 + 59_999;
    finish('demo', 'completed', 1000);
    state.now = T0 + MINUTE;
    finish('demo', 'failed', 1000);
    finish('demo', 'cancelled', null);
    const points = stats.query('1h').points;
    expect(points).toHaveLength(60);
    expect(points.at(-2)).toMatchObject({ t: '2026-12-02T10:00:00.000Z', completed: 1, failed: 0, cancelled: 0 });
    expect(points.at(-1)).toMatchObject({ t: '2026-12-02T10:01:00.000Z', completed: 0, failed: 1, cancelled: 1 });
    stats.close();
  });

  it('keeps each kind apart and all kinds together; samples the highest queue depth and running count', () => {
    const { state, finish, stats } = rollups();
    state.queued = 7;
    state.running = 2;
    finish('demo', 'completed', 100);
    state.queued = 3;
    finish('report', 'completed', 5000);
    expect(stats.query('1h').points.at(-1)).toMatchObject({ completed: 2, queueMax: 7, runningMax: 2 });
    expect(stats.query('1h', 'report').points.at(-1)).toMatchObject({ completed: 1, queueMax: null });
    expect(stats.query('1h', 'nothing').points.at(-1)).toMatchObject({ completed: 0, p50: null });
    stats.close();
  });

  it('samples the running count from runningCount when the source has it, else from its counts', () => {
    const { state, finish, stats, engine } = rollups();
    state.running = 2;
    finish('demo', 'completed', 100);
    expect(stats.query('1h').points.at(-1)).toMatchObject({ runningMax: 2 });
    Object.defineProperty(engine, 'runningCount', { get: () => 9 }); // counts() still says 2
    finish('demo', 'completed', 100);
    expect(stats.query('1h').points.at(-1)).toMatchObject({ runningMax: 9 });
    stats.close();
  });

  it('reports p50/p95 per minute within the sketch accuracy (12 %)', () => {
    const { finish, stats } = rollups();
    for (let i = 1; i <= 100; i++) finish('demo', 'completed', i * 100); // 100 ms ... 10 s
    const { p50, p95 } = stats.query('1h').points.at(-1)!;
    expect(Math.abs(p50! - 5000) / 5000).toBeLessThan(0.12);
    expect(Math.abs(p95! - 9500) / 9500).toBeLessThan(0.12);
    stats.close();
  });

  it('aggregates to 15 min steps over 24 h and 1 h steps over 7 days', () => {
    const { state, finish, stats } = rollups();
    finish('demo', 'completed', 100);
    state.now = T0 + 14 * MINUTE;
    finish('demo', 'completed', 100);
    state.now = T0 + 15 * MINUTE;
    finish('demo', 'failed', 100);
    const day = stats.query('24h');
    expect(day.stepSeconds).toBe(900);
    expect(day.points).toHaveLength(96);
    expect(day.points.at(-2)).toMatchObject({ t: '2026-12-02T10:00:00.000Z', completed: 2, failed: 0 });
    expect(day.points.at(-1)).toMatchObject({ t: '2026-12-02T10:15:00.000Z', completed: 0, failed: 1 });
    const week = stats.query('7d');
    expect(week.stepSeconds).toBe(3600);
    expect(week.points).toHaveLength(168);
    expect(week.points.at(-1)).toMatchObject({ t: '2026-12-02T10:00:00.000Z', completed: 2, failed: 1 });
    stats.close();
  });

  it('writes minutes in batches, and prunes those older than the retention', () => {
    const store = new MemoryRollupStore();
    const fake = fakeEngine();
    const stats = new StatsRollups(fake.engine, store, { now: () => fake.state.now, retentionMinutes: 10, flushMs: 3_600_000, sampleMs: 3_600_000 });
    fake.finish('demo', 'completed', 100);
    expect(store.query('*', 0, Infinity)).toHaveLength(0); // not written per event
    stats.flush();
    expect(store.query('*', 0, Infinity)).toHaveLength(1);
    fake.state.now = T0 + 10 * MINUTE;
    fake.finish('demo', 'completed', 100);
    stats.flush();
    expect(store.query('*', 0, Infinity).map((row) => row.minute)).toEqual([T0 / MINUTE + 10]);
    stats.close();
  });

  it('survives a restart in SQLite, continuing the current minute instead of replacing it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'rollups-')), 'tasks.db');
    const first = SqliteTaskStore.open(path);
    const a = rollups(new SqliteRollupStore(first.connection));
    a.state.now = T0 + 10_000;
    a.finish('demo', 'completed', 100);
    a.state.now = T0 + MINUTE + 10_000;
    a.finish('demo', 'failed', 100);
    a.stats.close();
    await first.close();

    const second = SqliteTaskStore.open(path);
    const b = rollups(new SqliteRollupStore(second.connection));
    b.state.now = T0 + MINUTE + 20_000;
    b.finish('demo', 'failed', 100);
    const points = b.stats.query('1h').points;
    expect(points.at(-2)).toMatchObject({ completed: 1 });
    expect(points.at(-1)).toMatchObject({ failed: 2 });
    expect(b.stats.currentPoint()).toMatchObject({ t: '2026-12-02T10:01:00.000Z', failed: 2 });
    b.stats.close();
    await second.close();
  });
});

describe('duration sketch', () => {
  it('buckets grow by 25 %, and a bucket\'s value is within 12 % of anything in it', () => {
    for (const ms of [11, 50, 333, 1000, 4321, 60_000, 3_600_000]) {
      expect(Math.abs(bucketValue(bucketOf(ms)) - ms) / ms).toBeLessThan(0.12);
    }
    expect(quantile(new Map(), 0.5)).toBeNull();
  });
});
