import { describe, expect, it } from 'vitest';
import { createSchedule, deleteSchedule, fetchJobIds, listSchedules, ownerOnly, previewSchedule, previewUrl, setQueuePaused } from './schedules-api.js';
import { schedule } from './test-schedules.js';

/** A fetch that answers each call with the next (status, body) and records what was asked. */
function fakeFetch(...answers: [number, unknown][]) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fn = (async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    const [status, body] = answers.shift() ?? [500, null];
    return new Response(body === undefined ? null : JSON.stringify(body), { status });
  }) as unknown as typeof fetch;
  return { fn, calls };
}

describe('schedules API', () => {
  it('creates a schedule in the given session', async () => {
    const made = schedule({ id: 's1' });
    const { fn, calls } = fakeFetch([201, made]);
    const outcome = await createSchedule(fn, { name: 'x', cron: '0 3 * * *' }, 'session-1');
    expect(outcome).toEqual({ ok: true, value: made });
    expect(calls[0]!.init?.method).toBe('POST');
    expect(JSON.parse(String(calls[0]!.init?.body))).toEqual({ name: 'x', cron: '0 3 * * *', clientId: 'session-1' });
  });

  it('passes on the server’s message and code', async () => {
    const { fn } = fakeFetch([400, { code: 'INVALID_CRON', message: "Invalid cron expression '0 25 * * *'" }]);
    expect(await previewSchedule(fn, '0 25 * * *', 'UTC')).toEqual({ ok: false, code: 'INVALID_CRON', message: "Invalid cron expression '0 25 * * *'", status: 400 });
  });

  it('says when the server cannot be reached', async () => {
    const fn = (async () => {
      throw new TypeError('network');
    }) as unknown as typeof fetch;
    const outcome = await previewSchedule(fn, '* * * * *', 'UTC');
    expect(outcome).toMatchObject({ ok: false, status: 0, code: null });
  });

  it('builds the preview URL with the expression encoded', () => {
    expect(previewUrl('*/2 * * * * *', 'Europe/Berlin')).toBe('/api/schedules/preview?cron=*%2F2+*+*+*+*+*&timezone=Europe%2FBerlin&count=3');
  });

  it('counts a schedule already gone as deleted', async () => {
    const { fn } = fakeFetch([404, { code: 'NOT_FOUND', message: 'gone' }], [409, { code: 'SCHEDULE_READ_ONLY', message: 'change it in the file' }]);
    expect(await deleteSchedule(fn, 's1')).toEqual({ ok: true, value: 's1' });
    expect(await deleteSchedule(fn, 'file:x')).toMatchObject({ ok: false, message: 'change it in the file' });
  });

  it('pauses the queue or one kind at their URLs', async () => {
    const { fn, calls } = fakeFetch([200, { paused: true, kinds: [] }], [200, { paused: false, kinds: [] }]);
    expect(await setQueuePaused(fn, true)).toEqual({ ok: true, value: { paused: true, kinds: [] } });
    await setQueuePaused(fn, false, 'my job');
    expect(calls.map((call) => call.url)).toEqual(['/api/queue/pause', '/api/queue/kinds/my%20job/resume']);
  });

  it('lists the ids of the owner’s jobs, or none', async () => {
    const { fn } = fakeFetch([200, { jobs: [{ id: 'backup' }, { title: 'no id' }], error: null }], [500, null]);
    expect(await fetchJobIds(fn)).toEqual(['backup']);
    expect(await fetchJobIds(fn)).toEqual([]);
  });

  it('tells a paired device’s refusal (only the owner) from other failures', async () => {
    const { fn } = fakeFetch([403, { code: 'OWNER_ONLY', message: 'Only the owner…' }], [503, { code: 'SHUTTING_DOWN', message: 'stopping' }], [200, { items: [] }]);
    expect(ownerOnly(await listSchedules(fn))).toBe(true);
    expect(ownerOnly(await listSchedules(fn))).toBe(false);
    expect(ownerOnly(await listSchedules(fn))).toBe(false);
  });
});
