import { describe, expect, it } from 'vitest';
import { loadJobs, NO_JOBS, readJobList } from './jobs-api.js';

const job = { id: 'count', title: 'Count', description: null, type: 'command', parameterSchema: { type: 'object' }, allow: ['owner'], timeoutMs: null, maxAttempts: 1, concurrency: null, schedule: null };

describe('readJobList', () => {
  it('keeps well-formed jobs and the load error', () => {
    expect(readJobList({ jobs: [job, { id: 3 }], error: 'bad file' })).toEqual({ jobs: [job], error: 'bad file' });
    expect(readJobList({ jobs: [job], error: null })).toEqual({ jobs: [job], error: null });
    expect(readJobList('nonsense')).toEqual(NO_JOBS);
  });
});

describe('loadJobs', () => {
  it('asks GET /api/jobs and reads the answer', async () => {
    const fetchFn = (async (url: string) => {
      expect(url).toBe('/api/jobs');
      return new Response(JSON.stringify({ jobs: [job], error: null }), { status: 200 });
    }) as typeof fetch;
    expect((await loadJobs(fetchFn)).jobs).toEqual([job]);
  });

  it('gives no jobs when the server refuses or is unreachable', async () => {
    expect(await loadJobs((async () => new Response('', { status: 404 })) as typeof fetch)).toEqual(NO_JOBS);
    expect(
      await loadJobs((async () => {
        throw new TypeError('offline');
      }) as typeof fetch),
    ).toEqual(NO_JOBS);
  });
});
