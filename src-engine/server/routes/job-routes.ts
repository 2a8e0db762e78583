import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TaskService } from '../../engine/task-service.js';
import { mayStart, type Audience } from '../../jobs/job-access.js';
import type { JobCatalog } from '../../jobs/jobs-catalog.js';
import type { JobDefinition } from '../../jobs/job-definition.js';
import type { JobDto, JobListResponse, StartTaskRequest } from '../../protocol/messages.js';
import { isOwner } from '../access/request-principal.js';
import type { ErrorCode } from '../error-catalog.js';
import { ERROR_RESPONSES } from '../schemas/shared-schemas.js';

/** A job as `GET /api/jobs` lists it (`JobDto`); command, module, cwd and env go to the owner only. */
const jobSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    description: { type: ['string', 'null'] },
    type: { type: 'string', enum: ['command', 'module'] },
    parameterSchema: { type: 'object', additionalProperties: true, description: "JSON Schema (type object) of the job's parameters" },
    allow: { type: 'array', items: { type: 'string', enum: ['owner', 'paired'] } },
    timeoutMs: { type: ['integer', 'null'] },
    maxAttempts: { type: 'integer' },
    concurrency: { type: ['integer', 'null'] },
    schedule: { type: ['object', 'null'], additionalProperties: true, description: "The job's schedule as written in the file, or null" },
    command: { type: 'array', items: { type: 'string' }, description: 'Owner only: the argv template' },
    module: { type: 'string', description: 'Owner only: the module path, as written in the file' },
    cwd: { type: ['string', 'null'], description: 'Owner only: the working folder, as written' },
    env: { type: 'object', additionalProperties: { type: 'string' }, description: 'Owner only: extra environment variables' },
  },
  required: ['id', 'title', 'description', 'type', 'parameterSchema', 'allow', 'timeoutMs', 'maxAttempts', 'concurrency', 'schedule'],
} as const;

const jobListSchema = {
  summary: 'The jobs of the owner\'s jobs file this caller may start',
  tags: ['jobs'],
  response: {
    200: {
      type: 'object',
      properties: {
        jobs: { type: 'array', items: jobSchema },
        file: { type: ['string', 'null'], description: 'Owner only: the jobs file in use, or null' },
        error: { type: ['string', 'null'], description: "Why the jobs file's last edit could not be loaded (the last good jobs stay in effect), else null" },
      },
      required: ['jobs', 'error'],
    },
    ...ERROR_RESPONSES,
  },
} as const;

/** Who a request is, for jobs: the owner, or a paired device. */
export function audienceOf(request: FastifyRequest): Audience {
  return isOwner(request) ? 'owner' : 'paired';
}

/**
 * `GET /api/jobs`: the jobs of the owner's file this caller may start, with the JSON Schema of
 * their parameters. Command, working folder and environment are shown to the owner only. The
 * jobs file is never writable over HTTP: there is no route that changes it.
 */
export function registerJobRoutes(app: FastifyInstance, engine: TaskService, jobs: JobCatalog | undefined): void {
  app.get('/api/jobs', { schema: jobListSchema }, (request): JobListResponse => {
    const owner = isOwner(request);
    const audience = audienceOf(request);
    const list: JobDto[] = [];
    for (const job of jobs?.jobs ?? []) {
      const kind = engine.kindNamed(job.id);
      if (!kind || !mayStart(kind, audience)) continue;
      list.push(toJobDto(job, kind.title ?? job.title, kind.description ?? job.description, kind.parameterSchema ?? { type: 'object' }, owner));
    }
    const error = jobs?.error ?? null;
    return {
      jobs: list,
      ...(owner ? { file: jobs?.file ?? null } : {}),
      error: error === null ? null : owner ? error : 'The jobs file has a problem (its owner can see which); the last good jobs stay in effect',
    };
  });
}

function toJobDto(job: JobDefinition, title: string, description: string | null, parameterSchema: Record<string, unknown>, owner: boolean): JobDto {
  return {
    id: job.id,
    title,
    description,
    type: job.command ? 'command' : 'module',
    parameterSchema,
    allow: [...job.allow],
    timeoutMs: job.timeoutMs,
    maxAttempts: job.maxAttempts,
    concurrency: job.concurrency,
    schedule: job.schedule ? { ...job.schedule } : null,
    ...(owner ? { ...(job.command ? { command: [...job.command] } : {}), ...(job.module ? { module: job.module } : {}), cwd: job.cwd, env: { ...job.env } } : {}),
  };
}

/** The kind a start request runs, or why it may not: jobs (and kinds) the caller may not start look unknown. */
export type StartTarget = { ok: true; kind: string | undefined; isJob: boolean } | { ok: false; code: ErrorCode; message: string };

/**
 * Resolves `job` / `kind` of a start request against what the caller may start. Only registered
 * kinds ever run (the engine refuses others); a job the caller's audience is not allowed is
 * reported exactly like one that does not exist.
 */
export function startTarget(engine: TaskService, request: FastifyRequest, body: StartTaskRequest): StartTarget {
  const audience = audienceOf(request);
  if (body.job !== undefined) {
    if (body.kind !== undefined && body.kind !== body.job) return { ok: false, code: 'VALIDATION_FAILED', message: 'Give job or kind, not both' };
    const kind = engine.kindNamed(body.job);
    if (!kind?.job || !mayStart(kind, audience)) return { ok: false, code: 'UNKNOWN_JOB', message: `No job '${printable(body.job)}' that you may start (GET /api/jobs lists them)` };
    if (body.duration !== undefined) return { ok: false, code: 'VALIDATION_FAILED', message: 'duration belongs to the demo task; give a job its values in parameters' };
    return { ok: true, kind: body.job, isJob: true };
  }
  if (body.kind !== undefined) {
    const kind = engine.kindNamed(body.kind);
    if (kind && !mayStart(kind, audience)) return { ok: false, code: 'UNKNOWN_KIND', message: `Unknown task kind '${printable(body.kind)}'` };
    return { ok: true, kind: body.kind || undefined, isJob: kind?.job === true };
  }
  return { ok: true, kind: undefined, isJob: false };
}

function printable(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 64);
}
