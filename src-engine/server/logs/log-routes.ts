import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TaskService } from '../../engine/task-service.js';
import type { TaskRecord } from '../../engine/task-record.js';
import type { TaskLogLine, TaskLogPage } from '../../protocol/messages.js';
import { MAX_CLIENT_ID_LENGTH, sessionFromRequest } from '../client-id.js';
import { sendError } from '../error-catalog.js';
import { ERROR_RESPONSES, objectOf, ref } from '../schemas/shared-schemas.js';

/** Most lines one `GET /api/tasks/:id/logs` returns. */
export const MAX_LOG_PAGE = 5000;

const logQuerySchema = {
  type: 'object',
  properties: {
    clientId: { type: 'string', maxLength: MAX_CLIENT_ID_LENGTH },
    after: { type: 'string', pattern: '^[0-9]{1,15}$' },
    limit: { type: 'string', pattern: '^[0-9]{1,5}$' },
  },
} as const;
const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;

const pageResponses = {
  200: objectOf(
    {
      taskId: { type: 'string' },
      lines: { type: 'array', items: ref('TaskLogLine'), description: 'Lines numbered above after, oldest first, at most limit' },
      lastSeq: { type: 'integer', description: 'Number of the latest line the task has written (stored or not)' },
      more: { type: 'boolean', description: 'Lines follow the last one returned: ask again with after = its seq' },
    },
    "A page of the task's log",
  ),
  ...ERROR_RESPONSES,
} as const;
const textResponses = { 200: { type: 'string', description: 'The whole log as text, one line each: time, stream, text' }, ...ERROR_RESPONSES } as const;

type LogRequest = FastifyRequest<{ Params: { id: string }; Querystring: { clientId?: string; after?: string; limit?: string } }>;

/**
 * A task's log over REST, for the task's own session only (another session's task is missing,
 * as everywhere): `GET /api/tasks/:id/logs?after=N&limit=M` pages through the lines as JSON,
 * `GET /api/tasks/:id/logs.txt` downloads them all as text.
 */
export function registerLogRoutes(app: FastifyInstance, engine: TaskService): void {
  app.get('/api/tasks/:id/logs', { schema: { summary: "A page of a task's log (the task's own session)", tags: ['tasks'], params: idParams, querystring: logQuerySchema, response: pageResponses } }, (request: LogRequest, reply): TaskLogPage | FastifyReply => {
    const task = sessionTask(engine, request);
    if (!task) return notFound(reply, request.params.id);
    const after = Number(request.query.after ?? 0);
    const limit = Math.max(1, Math.min(Number(request.query.limit ?? 1000), MAX_LOG_PAGE));
    return engine.logs.read(task.id, after, limit);
  });

  app.get('/api/tasks/:id/logs.txt', { schema: { summary: "A task's whole log as a text download (the task's own session)", tags: ['tasks'], params: idParams, querystring: logQuerySchema, response: textResponses } }, (request: LogRequest, reply) => {
    const task = sessionTask(engine, request);
    if (!task) return notFound(reply, request.params.id);
    const file = `task-${task.id}.log`;
    reply.header('content-type', 'text/plain; charset=utf-8').header('content-disposition', `attachment; filename="${file}"`);
    return reply.send(Readable.from(textLines(engine, task.id)));
  });
}

/** The log as text, one page at a time: a 10 MB log is never one string. */
async function* textLines(engine: TaskService, taskId: string): AsyncGenerator<string> {
  let after = 0;
  for (;;) {
    const page = engine.logs.read(taskId, after, 1000);
    if (page.lines.length === 0) return;
    yield page.lines.map(formatLine).join('');
    after = page.lines[page.lines.length - 1]!.seq;
    if (!page.more) return;
  }
}

/** `2026-12-02T00:00:00.000Z stdout  text`: time, stream (and level of handler lines), text. */
export function formatLine(line: TaskLogLine): string {
  const source = line.stream === 'log' ? `log:${line.level ?? 'info'}` : line.stream;
  return `${line.time} ${source.padEnd(9)} ${line.text}\n`;
}

function sessionTask(engine: TaskService, request: LogRequest): Readonly<TaskRecord> | undefined {
  const task = engine.get(request.params.id);
  const clientId = sessionFromRequest(request.query.clientId, request.headers);
  return task && task.clientId === clientId ? task : undefined;
}

function notFound(reply: FastifyReply, id: string): FastifyReply {
  return sendError(reply, 'NOT_FOUND', `No task with id ${id} in this session`);
}
