import { afterEach, describe, expect, it } from 'vitest';
import { defineTaskKind } from '../engine/task-kind.js';
import { TaskEngine } from '../engine/task-engine.js';
import { gatedKind, until } from '../test-support/engine-helpers.js';
import { ManualClock } from '../test-support/manual-clock.js';
import { MemoryScheduleStore } from './schedule-record.js';
import { OWNER_SESSION_ID, Scheduler } from './scheduler.js';

const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** An engine and scheduler on one manual clock; `runs` are the ISO times runs were submitted at. */
function setup(start: string, store = new MemoryScheduleStore(), clock = new ManualClock(start)) {
  const instant = defineTaskKind({ name: 'instant', parse: (p) => p, run: async () => 'ok' });
  const gated = gatedKind('slow');
  const engine = new TaskEngine({ clock, kinds: [instant, gated.kind], concurrency: 4 });
  const runs: { at: string; scheduleId: string; id: string }[] = [];
  engine.subscribe((event) => {
    if (event.type === 'taskQueued' && event.task.scheduleId) runs.push({ at: new Date(event.task.createdAt).toISOString(), scheduleId: event.task.scheduleId, id: event.task.id });
  });
  engine.start();
  const scheduler = new Scheduler({ engine, store, clock });
  scheduler.start();
  stops.push(async () => {
    scheduler.stop();
    await engine.stop({ graceMs: 0 });
  });
  return { clock, engine, scheduler, runs, gated, store };
}

function created(scheduler: Scheduler, input: Parameters<Scheduler['create']>[0]) {
  const result = scheduler.create(input);
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('Scheduler: cron in a time zone across DST (Europe/Berlin, croner)', () => {
  it('spring forward (29 March 2026, 02:00 → 03:00): a 02:30 job runs once, at 03:00 CEST; an hourly :30 job skips the missing hour', async () => {
    const { clock, scheduler, runs } = setup('2026-03-27T12:00:00Z');
    const daily = created(scheduler, { name: 'nightly', kind: 'instant', cron: '30 2 * * *', timezone: 'Europe/Berlin', overlap: 'allow' });
    const hourly = created(scheduler, { name: 'hourly', kind: 'instant', cron: '30 * * * *', timezone: 'Europe/Berlin', overlap: 'allow' });
    clock.advanceTo('2026-03-31T12:00:00Z');
    await settle();
    expect(runs.filter((run) => run.scheduleId === daily.id).map((run) => run.at)).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 02:30 does not exist: 03:00 CEST, once
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
      '2026-03-31T00:30:00.000Z',
    ]);
    const onTheDay = runs.filter((run) => run.scheduleId === hourly.id && run.at.startsWith('2026-03-29T0')).map((run) => run.at);
    // 01:30 CET, then 03:30 CEST: no 02:30 that day.
    expect(onTheDay.slice(0, 3)).toEqual(['2026-03-29T00:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-29T02:30:00.000Z']);
  });

  it('fall back (25 October 2026, 03:00 → 02:00): a 02:30 job runs once, at the first 02:30; an hourly :30 job runs at both', async () => {
    const { clock, scheduler, runs } = setup('2026-10-23T12:00:00Z');
    const daily = created(scheduler, { name: 'nightly', kind: 'instant', cron: '30 2 * * *', timezone: 'Europe/Berlin', overlap: 'allow' });
    const hourly = created(scheduler, { name: 'hourly', kind: 'instant', cron: '30 * * * *', timezone: 'Europe/Berlin', overlap: 'allow' });
    clock.advanceTo('2026-10-26T12:00:00Z');
    await settle();
    expect(runs.filter((run) => run.scheduleId === daily.id).map((run) => run.at)).toEqual([
      '2026-10-24T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T00:30:00.000Z', // the first 02:30 (CEST) only
      '2026-10-26T01:30:00.000Z', // 02:30 CET
    ]);
    const onTheDay = runs.filter((run) => run.scheduleId === hourly.id && /^2026-10-25T0[0-2]/.test(run.at)).map((run) => run.at);
    expect(onTheDay).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z', '2026-10-25T02:30:00.000Z']); // 02:30 CEST, 02:30 CET, 03:30 CET
  });
});

describe('Scheduler: misfire after a three-day downtime', () => {
  async function downtime(misfire: 'runOnce' | 'skip') {
    const store = new MemoryScheduleStore();
    const clock = new ManualClock('2026-05-04T10:10:00Z');
    const first = setup('', store, clock);
    const hourly = created(first.scheduler, { name: 'hourly', kind: 'instant', cron: '0 * * * *', timezone: 'Europe/Berlin', misfire });
    clock.advanceTo('2026-05-04T11:30:00Z');
    await settle();
    expect(first.runs).toHaveLength(1);
    first.scheduler.stop();
    clock.jumpTo('2026-05-07T11:30:00Z'); // down for three days: 72 runs came due meanwhile
    const second = setup('', store, clock);
    clock.advance(0);
    await settle();
    return { second, hourly, clock };
  }

  it('runOnce: exactly one catch-up run at start, then on schedule again', async () => {
    const { second, hourly, clock } = await downtime('runOnce');
    expect(second.runs.map((run) => run.at)).toEqual(['2026-05-07T11:30:00.000Z']);
    expect(second.scheduler.get(hourly.id)!.nextRunAt).toBe(Date.parse('2026-05-07T12:00:00Z'));
    clock.advanceTo('2026-05-07T12:00:00Z');
    await settle();
    expect(second.runs.map((run) => run.at)).toEqual(['2026-05-07T11:30:00.000Z', '2026-05-07T12:00:00.000Z']);
  });

  it('skip: no run for the missed times, the next one on schedule', async () => {
    const { second, hourly, clock } = await downtime('skip');
    expect(second.runs).toEqual([]);
    expect(second.scheduler.get(hourly.id)!.nextRunAt).toBe(Date.parse('2026-05-07T12:00:00Z'));
    clock.advanceTo('2026-05-07T12:00:00Z');
    await settle();
    expect(second.runs.map((run) => run.at)).toEqual(['2026-05-07T12:00:00.000Z']);
  });
});

describe('Scheduler: overlap with a slow job', () => {
  async function minutely(overlap: 'skip' | 'queue' | 'allow') {
    const context = setup('2026-06-01T00:00:30Z');
    const schedule = created(context.scheduler, { name: `every minute (${overlap})`, kind: 'slow', cron: '* * * * *', timezone: 'UTC', overlap });
    for (let minute = 1; minute <= 3; minute++) {
      context.clock.advance(60_000);
      await until(() => context.runs.length > 0, 'the first run');
      await settle();
    }
    return { ...context, schedule };
  }

  it('skip: no new run while the last one is running', async () => {
    const { runs, gated, engine, clock } = await minutely('skip');
    expect(runs).toHaveLength(1);
    gated.gates.get(runs[0]!.id)!.finish();
    await until(() => engine.get(runs[0]!.id)?.state === 'completed');
    clock.advance(60_000);
    await until(() => runs.length === 2, 'the next run once the first ended');
  });

  it('queue: one run waits for the last one to end (however many came due), then starts', async () => {
    const { runs, gated, scheduler, schedule } = await minutely('queue');
    expect(runs).toHaveLength(1);
    expect(scheduler.get(schedule.id)!.runPending).toBe(true);
    gated.gates.get(runs[0]!.id)!.finish();
    await until(() => runs.length === 2, 'the queued run');
    await settle();
    expect(runs).toHaveLength(2);
    expect(scheduler.get(schedule.id)).toMatchObject({ runPending: false, lastTaskId: runs[1]!.id });
  });

  it('allow: a new run every time, side by side', async () => {
    const { runs, gated } = await minutely('allow');
    expect(runs).toHaveLength(3);
    await until(() => gated.started.length === 3, 'three runs at once');
  });
});

describe('Scheduler: definitions', () => {
  it('refuses a bad expression, an unknown zone, an unknown kind and bad parameters, each with a clear message', () => {
    const { scheduler } = setup('2026-01-01T00:00:00Z');
    expect(scheduler.create({ name: 'x', cron: '61 * * * *' })).toMatchObject({ ok: false, reason: 'invalid-cron', message: expect.stringContaining('minute') });
    expect(scheduler.create({ name: 'x', cron: '* * * *' })).toMatchObject({ ok: false, reason: 'invalid-cron', message: expect.stringContaining('five, six') });
    expect(scheduler.create({ name: 'x', cron: '0 0 30 2 *' })).toMatchObject({ ok: false, reason: 'invalid-cron', message: expect.stringContaining('never fires') });
    expect(scheduler.create({ name: 'x', cron: '0 3 * * *', timezone: 'Mars/Olympus' })).toMatchObject({ ok: false, reason: 'invalid-timezone', message: expect.stringContaining('Mars/Olympus') });
    expect(scheduler.create({ name: 'x', cron: '0 3 * * *', kind: 'nope' })).toMatchObject({ ok: false, reason: 'invalid-schedule', message: "Unknown task kind 'nope'" });
    expect(scheduler.create({ name: 'x', cron: '0 3 * * *', kind: 'demo', parameters: { duration: 5 } })).toMatchObject({ ok: false, reason: 'invalid-schedule' });
    expect(scheduler.list()).toEqual([]);
  });

  it('plans the next run, and stops planning while disabled; runs land in the owner session by default', async () => {
    const { scheduler, clock, runs, engine } = setup('2026-01-01T00:00:00Z');
    const schedule = created(scheduler, { name: 'every 2 s', kind: 'instant', cron: '*/2 * * * * *' });
    expect(schedule.nextRunAt).toBe(Date.parse('2026-01-01T00:00:02Z'));
    clock.advance(4000);
    await settle();
    expect(runs).toHaveLength(2);
    expect(engine.get(runs[0]!.id)!.clientId).toBe(OWNER_SESSION_ID);
    expect(scheduler.update(schedule.id, { enabled: false })).toMatchObject({ ok: true, value: { enabled: false, nextRunAt: null } });
    clock.advance(10_000);
    await settle();
    expect(runs).toHaveLength(2);
    expect(scheduler.update(schedule.id, { enabled: true, cron: '*/5 * * * * *' })).toMatchObject({ ok: true, value: { nextRunAt: Date.parse('2026-01-01T00:00:15Z') } });
  });

  it('runs now on request, whatever the plan, and deletes', async () => {
    const { scheduler, runs } = setup('2026-01-01T00:00:00Z');
    const schedule = created(scheduler, { name: 'manual', kind: 'instant', cron: '0 3 * * *', clientId: 'my-tab' });
    const outcome = await scheduler.runNow(schedule.id);
    expect(outcome).toMatchObject({ ok: true, value: { task: { scheduleId: schedule.id, clientId: 'my-tab' } } });
    expect(runs).toHaveLength(1);
    expect(scheduler.get(schedule.id)!.nextRunAt).toBe(Date.parse('2026-01-01T03:00:00Z'));
    expect(scheduler.delete(schedule.id)).toMatchObject({ ok: true });
    expect(scheduler.delete(schedule.id)).toMatchObject({ ok: false, reason: 'not-found' });
  });

  it('run now ignores the overlap policy; a run the engine refuses is kept in lastError', async () => {
    const { scheduler, runs, engine, gated } = setup('2026-01-01T00:00:00Z');
    const schedule = created(scheduler, { name: 'slow one', kind: 'slow', cron: '0 3 * * *', overlap: 'skip' });
    await scheduler.runNow(schedule.id);
    await scheduler.runNow(schedule.id);
    expect(runs).toHaveLength(2);
    await until(() => gated.started.length === 2);
    await engine.stop({ graceMs: 0 });
    expect(await scheduler.runNow(schedule.id)).toMatchObject({ ok: false, reason: 'submit-refused', message: expect.stringContaining('shutting down') });
    expect(scheduler.get(schedule.id)!.lastError).toContain('shutting down');
  });

  it('syncs schedules declared in the jobs file: creates, updates in place, keeps the enabled switch, removes the undeclared; they are read-only over the API', () => {
    const { scheduler } = setup('2026-01-01T00:00:00Z');
    const events: string[] = [];
    scheduler.subscribe((event) => events.push(event.type === 'scheduleDeleted' ? `deleted ${event.id}` : `updated ${event.schedule.id}`));
    expect(scheduler.syncFromFile([{ job: 'instant', cron: '0 3 * * *', timezone: 'Europe/Berlin' }, { job: 'slow', cron: 'not cron' }])).toEqual([
      { job: 'slow', message: expect.stringContaining('Invalid cron expression') },
    ]);
    const fromFile = scheduler.get('file:instant')!;
    expect(fromFile).toMatchObject({ source: 'file', kind: 'instant', name: 'instant', enabled: true, nextRunAt: Date.parse('2026-01-01T02:00:00Z') });
    expect(scheduler.delete('file:instant')).toMatchObject({ ok: false, reason: 'read-only' });
    expect(scheduler.update('file:instant', { cron: '0 4 * * *' })).toMatchObject({ ok: false, reason: 'read-only' });
    expect(scheduler.update('file:instant', { enabled: false })).toMatchObject({ ok: true });
    scheduler.syncFromFile([{ job: 'instant', cron: '0 5 * * *', timezone: 'Europe/Berlin', parameters: { a: 1 } }]);
    expect(scheduler.get('file:instant')).toMatchObject({ cron: '0 5 * * *', parameters: { a: 1 }, enabled: false, nextRunAt: null });
    events.length = 0;
    scheduler.syncFromFile([{ job: 'instant', cron: '0 5 * * *', timezone: 'Europe/Berlin', parameters: { a: 1 } }]);
    expect(events).toEqual([]); // unchanged: nothing announced
    scheduler.syncFromFile([]);
    expect(scheduler.get('file:instant')).toBeUndefined();
    expect(events).toEqual(['deleted file:instant']);
  });
});

describe('Scheduler: at least once', () => {
  it('a run that came due but whose task was not yet stored when the process died happens after the restart', async () => {
    const store = new MemoryScheduleStore();
    const clock = new ManualClock('2026-01-01T00:00:00Z');
    // First life: the engine never finishes storing the run's task (the process dies meanwhile).
    const stuck = { submit: () => new Promise<never>(() => undefined), get: () => undefined, subscribe: () => () => undefined, check: () => ({ ok: true as const }) };
    const first = new Scheduler({ engine: stuck, store, clock });
    first.start();
    const created = first.create({ name: 'hourly', cron: '0 * * * *', kind: 'instant' });
    if (!created.ok) throw new Error(created.message);
    clock.advanceTo('2026-01-01T01:00:00Z');
    first.stop();
    expect(store.loadAll()[0]!.nextRunAt).toBe(Date.parse('2026-01-01T01:00:00Z'));
    clock.jumpTo('2026-01-01T01:05:00Z');
    const second = setup('', store, clock);
    clock.advance(0);
    await until(() => second.runs.length === 1, 'the run after the restart');
    expect(second.scheduler.get(created.value.id)!.nextRunAt).toBe(Date.parse('2026-01-01T02:00:00Z'));
  });
});
