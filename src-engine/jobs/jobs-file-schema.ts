/**
 * The JSON Schema of a jobs file, published as docs/jobs.schema.json (a test keeps the two equal)
 * so that editors autocomplete and check the file through its `"$schema"`.
 */

const NAME = '^[A-Za-z_][A-Za-z0-9_]*$';

/** One parameter of a job: a small, form-friendly subset of JSON Schema, plus `required`. */
const parameterSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { enum: ['string', 'number', 'integer', 'boolean'], description: 'The value type' },
    title: { type: 'string', maxLength: 200, description: 'Label of the form field' },
    description: { type: 'string', maxLength: 2000 },
    default: { type: ['string', 'number', 'integer', 'boolean'], description: 'Used when the parameter is not given' },
    required: { type: 'boolean', description: 'The parameter must be given (or have a default)' },
    enum: { type: 'array', minItems: 1, items: { type: ['string', 'number', 'integer', 'boolean'] } },
    pattern: { type: 'string', description: 'Regular expression a string must match (JavaScript syntax, unanchored unless you anchor it)' },
    minLength: { type: 'integer', minimum: 0 },
    maxLength: { type: 'integer', minimum: 0 },
    minimum: { type: 'number' },
    maximum: { type: 'number' },
  },
} as const;

/** A job's optional schedule: checked here, run by the scheduler. */
const scheduleSchema = {
  type: 'object',
  required: ['cron'],
  properties: {
    cron: { type: 'string', minLength: 1, maxLength: 200, description: 'Cron expression (5 or 6 fields)' },
    timezone: { type: 'string', maxLength: 100, description: 'IANA time zone, e.g. Europe/Paris; default the server’s' },
    parameters: { type: 'object', description: 'Parameters of the scheduled runs' },
    overlap: { type: 'string', enum: ['skip', 'queue', 'allow'], description: 'When the previous run is still queued or running: skip (default) this run, queue it, or allow it to run alongside (docs/schedules.md)' },
    misfire: { type: 'string', enum: ['runOnce', 'skip'], description: 'Runs missed while the server was down: runOnce (default) catches up with one run, skip waits for the next time' },
    enabled: { type: 'boolean' },
  },
} as const;

const jobSchema = {
  type: 'object',
  additionalProperties: false,
  oneOf: [{ required: ['command'] }, { required: ['module'] }],
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', maxLength: 2000 },
    command: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', maxLength: 4096 },
      description: 'Program and arguments, run without a shell. {name} is replaced by parameter name, inside one argument only',
    },
    module: { type: 'string', minLength: 1, description: 'JavaScript module (relative to this file) whose default export is a defineTaskKind kind' },
    cwd: { type: 'string', minLength: 1, description: 'Working folder: ~ is your home, relative paths start at this file' },
    env: { type: 'object', additionalProperties: { type: 'string' }, propertyNames: { pattern: NAME }, description: 'Extra environment variables' },
    parameters: { type: 'object', propertyNames: { pattern: NAME, maxLength: 64 }, additionalProperties: parameterSchema },
    timeoutMs: { type: 'integer', minimum: 1, description: 'The run fails (its process tree ended) after this long' },
    killGraceMs: { type: 'integer', minimum: 0, maximum: 600000, description: 'Between SIGTERM and SIGKILL at cancel, timeout and shutdown; default 5000' },
    maxAttempts: { type: 'integer', minimum: 1, maximum: 10 },
    concurrency: { type: 'integer', minimum: 1, description: 'Most runs at once' },
    rateLimit: {
      type: 'object',
      additionalProperties: false,
      required: ['max', 'perMs'],
      properties: { max: { type: 'integer', minimum: 1 }, perMs: { type: 'integer', minimum: 1 } },
    },
    onInterrupted: { enum: ['rerun', 'fail'], description: 'A run cut short by a server crash: run it again, or fail it' },
    allow: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['owner', 'paired'] }, description: 'Who may start it; default both' },
    progress: {
      type: 'object',
      additionalProperties: false,
      required: ['pattern'],
      properties: { pattern: { type: 'string', minLength: 1, description: 'Regular expression with a named group percent (and optionally message), applied to each stdout and stderr line' } },
    },
    schedule: scheduleSchema,
  },
} as const;

export const JOBS_FILE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/task-monitor/task-monitor/docs/jobs.schema.json',
  title: 'Task Monitor jobs file',
  type: 'object',
  additionalProperties: false,
  required: ['jobs'],
  properties: {
    $schema: { type: 'string' },
    jobs: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' },
      additionalProperties: jobSchema,
    },
  },
} as const;
