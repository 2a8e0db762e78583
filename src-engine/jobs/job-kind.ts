import { defineTaskKind, TaskParameterError, type TaskContext, type TaskKind } from '../engine/task-kind.js';
import { renderArgv } from './argv-template.js';
import { childEnvironment } from './child-environment.js';
import { runCommand } from './command-runner.js';
import type { JobDefinition } from './job-definition.js';
import { compileParameterCheck, parameterJsonSchema } from './parameter-schema.js';

type Parameters = Record<string, unknown>;

/** What every job's kind carries besides parse and run: the file's metadata. */
function jobMetadata(job: JobDefinition, parameterSchema: Record<string, unknown>): Omit<TaskKind<Parameters>, 'parse' | 'run'> {
  return {
    name: job.id,
    title: job.title,
    ...(job.description !== null ? { description: job.description } : {}),
    parameterSchema,
    allow: job.allow,
    job: true,
    maxAttempts: job.maxAttempts,
    ...(job.onInterrupted !== null ? { onInterrupted: job.onInterrupted } : {}),
    ...(job.concurrency !== null ? { concurrency: job.concurrency } : {}),
    ...(job.rateLimit !== null ? { rateLimit: job.rateLimit } : {}),
  };
}

/**
 * The task kind of a command job: parameters checked against the job's schema at submit (unknown
 * ones refused), then the program run by {@link runCommand} with the parameters pasted into its
 * arguments. The kind closes over the definition it was made from, so a task that started keeps
 * it when the file changes.
 */
export function commandJobKind(job: JobDefinition): TaskKind<Parameters> {
  const schema = parameterJsonSchema(job.parameters);
  const check = compileParameterCheck(schema);
  const command = job.command!;
  const env = childEnvironment(job.env);
  return defineTaskKind<Parameters>({
    ...jobMetadata(job, schema),
    parse: check,
    run: (context) =>
      runCommand({
        argv: renderArgv(command, context.parameters),
        cwd: job.resolvedCwd,
        env,
        timeoutMs: job.timeoutMs,
        killGraceMs: job.killGraceMs,
        progressPattern: job.progressPattern,
        signal: context.signal,
        onLine: (stream, text) => context.output(stream, text),
        onProgress: (percent, message) => context.report(percent, message),
      }),
  });
}

/**
 * The task kind of a module job: the module's kind, renamed to the job, with the file's metadata.
 * Parameters are checked by the file's schema when it declares parameters, else by the module's
 * `parameterSchema` if it has one, then by the module's own `parse`.
 */
export function moduleJobKind(job: JobDefinition, loaded: TaskKind<any>): TaskKind<Parameters> {
  const declared = Object.keys(job.parameters).length > 0;
  const schema = declared ? parameterJsonSchema(job.parameters) : (loaded.parameterSchema ?? { type: 'object' });
  const check = declared || loaded.parameterSchema ? compileParameterCheck(schema) : (input: Parameters) => input;
  return defineTaskKind<Parameters>({
    ...(loaded.backoff ? { backoff: loaded.backoff } : {}),
    ...jobMetadata(job, schema),
    title: job.title === job.id && loaded.title ? loaded.title : job.title,
    ...(job.description === null && loaded.description ? { description: loaded.description } : {}),
    ...(job.onInterrupted === null && loaded.onInterrupted ? { onInterrupted: loaded.onInterrupted } : {}),
    parse(parameters) {
      const checked = check(parameters);
      try {
        return typeof loaded.parse === 'function' ? (loaded.parse(checked) as Parameters) : checked;
      } catch (error) {
        // The module may import its own copy of TaskParameterError: the code is what counts.
        if ((error as { code?: unknown })?.code === 'ERR_TASK_PARAMETERS') throw new TaskParameterError((error as Error).message);
        throw error;
      }
    },
    run: (context) => (job.timeoutMs === null ? loaded.run(context) : runWithTimeout(loaded, context, job.timeoutMs)),
  });
}

/** Runs a module kind with a deadline: its signal aborts at the deadline, and the run fails then. */
async function runWithTimeout(kind: TaskKind<any>, context: TaskContext<Parameters>, timeoutMs: number): Promise<unknown> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error(`Timed out after ${timeoutMs} ms`)), timeoutMs);
  const signal = AbortSignal.any([context.signal, deadline.signal]);
  const timed: TaskContext<Parameters> = {
    taskId: context.taskId,
    name: context.name,
    parameters: context.parameters,
    attempt: context.attempt,
    signal,
    report: (progress, message) => context.report(progress, message),
    log: (message, level) => context.log(message, level),
    output: (stream, text) => context.output(stream, text),
  };
  try {
    return await Promise.race([
      kind.run(timed),
      new Promise((_, reject) => deadline.signal.addEventListener('abort', () => reject(deadline.signal.reason), { once: true })),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
