/** `GET /api/jobs`: the jobs of the owner's jobs file this browser may start. */
import type { JobDto } from '../protocol.js';

/** What the job picker needs: the jobs, and why the jobs file's last edit was refused (if it was). */
export interface JobList {
  jobs: JobDto[];
  /** The server's message (in detail for the owner only), or null. */
  error: string | null;
}

/** No jobs file, or a server without jobs: the form shows only the demo. */
export const NO_JOBS: JobList = { jobs: [], error: null };

/** Loads the job list; any failure (an older server, the network) gives {@link NO_JOBS}. */
export async function loadJobs(fetchFn: typeof fetch): Promise<JobList> {
  try {
    const response = await fetchFn('/api/jobs', { headers: { Accept: 'application/json' } });
    if (!response.ok) return NO_JOBS;
    return readJobList(await response.json());
  } catch {
    return NO_JOBS;
  }
}

/** Reads an answer of `GET /api/jobs`, keeping only well-formed jobs. */
export function readJobList(body: unknown): JobList {
  if (typeof body !== 'object' || body === null) return NO_JOBS;
  const { jobs, error } = body as { jobs?: unknown; error?: unknown };
  const list = Array.isArray(jobs)
    ? jobs.filter(
        (job): job is JobDto =>
          typeof job === 'object' && job !== null && typeof (job as JobDto).id === 'string' && typeof (job as JobDto).title === 'string' && typeof (job as JobDto).parameterSchema === 'object' && (job as JobDto).parameterSchema !== null,
      )
    : [];
  return { jobs: list, error: typeof error === 'string' && error !== '' ? error : null };
}
