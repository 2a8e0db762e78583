import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import type { TaskKind } from '../engine/task-kind.js';
import type { JobAudience } from '../protocol/messages.js';
import { placeholdersOf } from './argv-template.js';
import { DEFAULT_KILL_GRACE_MS, type JobDefinition, type JobParameter, type JobSchedule } from './job-definition.js';
import { commandJobKind, moduleJobKind } from './job-kind.js';
import { JOBS_FILE_SCHEMA } from './jobs-file-schema.js';
import { parameterJsonSchema, schemaProblem } from './parameter-schema.js';

/** A job ready to register: its definition and its task kind. */
export interface LoadedJob {
  readonly definition: JobDefinition;
  readonly kind: TaskKind<any>;
}

/** Loading is an expected failure point: a bad file is a value with a message naming job and field. */
export type JobsLoad = { readonly ok: true; readonly jobs: readonly LoadedJob[] } | { readonly ok: false; readonly message: string };

/** Names no job may take: the built-in kinds. */
const RESERVED = new Set(['demo']);

const defaultsAjv = new Ajv({ strict: false });
const validateFile = new Ajv({ allErrors: true, strict: false }).compile(JOBS_FILE_SCHEMA);

/** Raw job as the schema admits it. */
interface RawJob {
  title?: string;
  description?: string;
  command?: string[];
  module?: string;
  cwd?: string;
  env?: Record<string, string>;
  parameters?: Record<string, JobParameter>;
  timeoutMs?: number;
  killGraceMs?: number;
  maxAttempts?: number;
  concurrency?: number;
  rateLimit?: { max: number; perMs: number };
  onInterrupted?: 'rerun' | 'fail';
  allow?: JobAudience[];
  progress?: { pattern: string };
  schedule?: JobSchedule;
}

/**
 * Reads, checks and prepares a jobs file: JSON, the published schema, then what a schema cannot
 * say (placeholders name parameters, patterns compile, folders exist, modules load). Module
 * paths and relative `cwd` resolve from the file's folder. Every message names the file, the
 * job and the field.
 */
export async function loadJobsFile(path: string): Promise<JobsLoad> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return fail(`Cannot read the jobs file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return fail(`The jobs file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!validateFile(data)) return fail(`The jobs file ${file} is not valid: ${describeSchemaError(validateFile.errors ?? [])}`);
  const jobs: LoadedJob[] = [];
  for (const [id, raw] of Object.entries((data as { jobs: Record<string, RawJob> }).jobs)) {
    const prepared = await prepareJob(file, id, raw);
    if (typeof prepared === 'string') return fail(`The jobs file ${file} is not valid: job '${id}': ${prepared}`);
    jobs.push(prepared);
  }
  return { ok: true, jobs };
}

function fail(message: string): JobsLoad {
  return { ok: false, message };
}

/** A job checked beyond the schema, with its kind; or what is wrong with it. */
async function prepareJob(file: string, id: string, raw: RawJob): Promise<LoadedJob | string> {
  if (RESERVED.has(id)) return `the name '${id}' belongs to a built-in task kind; choose another`;
  const parameters = raw.parameters ?? {};
  const problem = checkParameters(parameters) ?? checkCommand(raw.command, parameters);
  if (problem) return problem;
  let progressPattern: RegExp | null = null;
  if (raw.progress) {
    try {
      progressPattern = new RegExp(raw.progress.pattern);
    } catch (error) {
      return `progress.pattern is not a valid regular expression: ${(error as Error).message}`;
    }
    if (!raw.progress.pattern.includes('(?<percent>')) return 'progress.pattern needs a named group percent, e.g. (?<percent>\\d+)%';
  }
  const resolvedCwd = resolveCwd(file, raw.cwd);
  if (raw.cwd !== undefined && !(await isFolder(resolvedCwd))) return `cwd: no folder at ${resolvedCwd}`;
  const modulePath = raw.module === undefined ? null : resolve(dirname(file), raw.module);
  const definition: JobDefinition = {
    id,
    title: raw.title ?? id,
    description: raw.description ?? null,
    command: raw.command ?? null,
    module: raw.module ?? null,
    modulePath,
    cwd: raw.cwd ?? null,
    resolvedCwd,
    env: raw.env ?? {},
    parameters,
    timeoutMs: raw.timeoutMs ?? null,
    killGraceMs: raw.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    maxAttempts: raw.maxAttempts ?? 1,
    concurrency: raw.concurrency ?? null,
    rateLimit: raw.rateLimit ?? null,
    onInterrupted: raw.onInterrupted ?? null,
    allow: raw.allow ?? ['owner', 'paired'],
    progressPattern,
    schedule: raw.schedule ?? null,
  };
  if (modulePath === null) return { definition, kind: commandJobKind(definition) };
  const loaded = await importKind(modulePath);
  if (typeof loaded === 'string') return `module: ${loaded}`;
  if (loaded.parameterSchema && Object.keys(parameters).length === 0) {
    const bad = schemaProblem(loaded.parameterSchema);
    if (bad) return `module: its parameterSchema is not a valid JSON Schema: ${bad}`;
  }
  return { definition, kind: moduleJobKind(definition, loaded) };
}

function checkParameters(parameters: Record<string, JobParameter>): string | undefined {
  const bad = schemaProblem(parameterJsonSchema(parameters));
  if (bad) return `parameters: ${bad}`;
  for (const [name, parameter] of Object.entries(parameters)) {
    if (parameter.default === undefined) continue;
    const check = defaultsAjv.compile(parameterJsonSchema({ [name]: { ...parameter, required: false } }));
    if (!check({ [name]: parameter.default })) return `parameters.${name}.default does not fit the parameter itself (${check.errors?.[0]?.message ?? 'invalid'})`;
  }
  return undefined;
}

function checkCommand(command: readonly string[] | undefined, parameters: Record<string, JobParameter>): string | undefined {
  if (!command) return undefined;
  if (placeholdersOf(command[0]!).length > 0 || command[0]!.trim() === '') return 'command[0] must name a fixed program (no {placeholder} in it)';
  for (const [index, argument] of command.entries()) {
    for (const name of placeholdersOf(argument)) {
      const parameter = parameters[name];
      if (!parameter) return `command[${index}] uses {${name}}, which is not one of the job's parameters`;
      if (!parameter.required && parameter.default === undefined) {
        return `command[${index}] uses {${name}}: make the parameter required or give it a default`;
      }
    }
  }
  return undefined;
}

/** `~` is the home folder; relative paths start at the jobs file's folder (the default). */
function resolveCwd(file: string, cwd: string | undefined): string {
  if (cwd === undefined) return dirname(file);
  if (cwd === '~') return homedir();
  if (cwd.startsWith('~/')) return resolve(homedir(), cwd.slice(2));
  return isAbsolute(cwd) ? cwd : resolve(dirname(file), cwd);
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Imports a module kind. A changed file must be imported again: ESM caches by URL, so the URL
 * carries the file's modification time.
 */
async function importKind(path: string): Promise<TaskKind<any> | string> {
  let version: number;
  try {
    version = (await stat(path)).mtimeMs;
  } catch {
    return `no file at ${path}`;
  }
  let exported: unknown;
  try {
    exported = ((await import(`${pathToFileURL(path).href}?v=${version}`)) as { default?: unknown }).default;
  } catch (error) {
    return `${path} cannot be loaded: ${(error as Error).message}`;
  }
  if (typeof exported !== 'object' || exported === null || typeof (exported as TaskKind).run !== 'function') {
    return `${path} must export default a task kind (defineTaskKind({ name, parse, run }))`;
  }
  return exported as TaskKind<any>;
}

/** One sentence from the schema's errors: the job, the field, what is wrong. */
function describeSchemaError(errors: readonly ErrorObject[]): string {
  // Errors inside a oneOf branch only say which branch did not match: explain the choice instead.
  const direct = errors.find((error) => !error.schemaPath.includes('/oneOf/') && error.keyword !== 'oneOf');
  const error = direct ?? errors[0];
  if (!error) return 'unknown problem';
  const parts = error.instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as Record<string, unknown>;
  const where = (fieldParts: string[]): string => fieldParts.map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : `${i === 0 ? '' : '.'}${part}`)).join('');
  let subject: string;
  let field: string;
  if (parts[0] === 'jobs' && parts[1] !== undefined) {
    subject = `job '${parts[1]}'`;
    field = where(parts.slice(2));
  } else {
    subject = 'the file';
    field = where(parts);
  }
  if (!direct) return `${subject}: give either command (a program and its arguments) or module (a JavaScript file), not both`;
  let what: string;
  switch (error.keyword) {
    case 'additionalProperties':
      what = `unknown field '${field ? `${field}.` : ''}${String(params['additionalProperty'])}'`;
      return `${subject}: ${what}`;
    case 'required':
      return `${subject}: ${field ? `${field}.` : ''}${String(params['missingProperty'])} is required`;
    case 'enum':
      what = `must be one of: ${(params['allowedValues'] as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`;
      break;
    case 'propertyNames':
      return `${subject}: ${field || 'a name'} is not a valid name (letters, digits, _ . -; a parameter name starts with a letter or _)`;
    default:
      what = error.message ?? 'is not valid';
  }
  if (subject === 'the file' && parts.length === 2 && parts[0] === 'jobs') return `job '${parts[1]}' ${what}`;
  return `${subject}: ${field || 'the value'} ${what}`;
}
