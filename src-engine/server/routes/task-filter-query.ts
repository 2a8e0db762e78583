import type { TaskQuery } from '../../engine/task-engine.js';
import type { TaskState } from '../../protocol/messages.js';
import { MAX_CLIENT_ID_LENGTH } from '../client-id.js';

/** Longest name search accepted (as long as the longest task name). */
export const MAX_SEARCH_LENGTH = 200;
/** Longest kind accepted in a filter (as at submit). */
export const MAX_KIND_LENGTH = 64;

const TASK_STATES: TaskState[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];

/**
 * JSON-schema properties of the filters the owner's console adds to a task query: `kind`, and a
 * creation time range `createdAfter` (inclusive) / `createdBefore` (exclusive), ISO 8601 times.
 */
export const scopeFilterProperties = {
  kind: { type: 'string', minLength: 1, maxLength: MAX_KIND_LENGTH },
  createdAfter: { type: 'string', maxLength: 40 },
  createdBefore: { type: 'string', maxLength: 40 },
} as const;

/** JSON schema of a whole filter, as the bulk endpoint takes it (`filter: {...}`). */
export const taskFilterSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    clientId: { type: 'string', minLength: 1, maxLength: MAX_CLIENT_ID_LENGTH },
    state: { type: 'string', enum: TASK_STATES },
    q: { type: 'string', maxLength: MAX_SEARCH_LENGTH },
    ...scopeFilterProperties,
  },
} as const;

/** A filter as a request carries it (query string or JSON body). */
export interface TaskFilterInput {
  clientId?: string;
  state?: TaskState;
  q?: string;
  kind?: string;
  createdAfter?: string;
  createdBefore?: string;
}

/** The engine query a filter stands for, or what is wrong with it (for a 400). */
export type ParsedFilter = { ok: true; query: TaskQuery } | { ok: false; message: string };

/**
 * Turns a filter into an engine query: times must be ISO 8601 (`2026-12-02T00:10:00Z`; a time
 * without a zone is read as UTC), blank text means no filter.
 */
export function parseTaskFilter(input: TaskFilterInput): ParsedFilter {
  const query: TaskQuery = {};
  if (input.clientId) query.clientId = input.clientId;
  if (input.state) query.state = input.state;
  if (input.q && input.q.trim() !== '') query.q = input.q;
  if (input.kind) query.kind = input.kind;
  for (const key of ['createdAfter', 'createdBefore'] as const) {
    const text = input[key];
    if (text === undefined || text === '') continue;
    const ms = parseIsoTime(text);
    if (ms === null) return { ok: false, message: `${key} must be an ISO 8601 time such as 2026-12-02T00:00:00Z (got "${text}")` };
    query[key] = ms;
  }
  if (query.createdAfter !== undefined && query.createdBefore !== undefined && query.createdAfter >= query.createdBefore) {
    return { ok: false, message: 'createdAfter must be earlier than createdBefore' };
  }
  return { ok: true, query };
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** Epoch ms of an ISO 8601 date or date-time (UTC when it names no zone), or null. */
export function parseIsoTime(text: string): number | null {
  if (!ISO_TIME.test(text)) return null;
  const hasZone = /(Z|[+-]\d{2}:\d{2})$/.test(text) && text.includes('T');
  const ms = Date.parse(hasZone || !text.includes('T') ? text : `${text}Z`);
  return Number.isNaN(ms) ? null : ms;
}
