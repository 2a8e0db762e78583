import type { FastifyInstance } from 'fastify';
import { sendError } from '../error-catalog.js';
import { addRoutePreHandler } from './route-hooks.js';

/** The route whose bodies these rules check. */
const START_PATH = '/api/task/start';

/**
 * The text rule for names and ids people type (task name, client id, kind):
 *
 * - any valid Unicode is accepted: letters of every script, emoji (with zero-width joiners and
 *   variation selectors), right-to-left text with its marks (U+200E, U+200F, U+061C);
 * - refused: control characters (C0, DEL, C1: tab and newlines included, names are one line),
 *   line and paragraph separators (U+2028/9), lone surrogates (not text at all: they cannot be
 *   encoded as UTF-8 and would be mangled on the way to the database and the browser), and the
 *   explicit bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
 *   which can make the rest of a line read backwards ("Trojan Source" spoofing);
 * - a name must show something: one made only of spaces and invisible format characters
 *   (zero-width space, joiners, marks, BOM, soft hyphen) counts as blank.
 */
const FORBIDDEN = /[\p{Cc}\p{Zl}\p{Zp}\p{Cs}\u202A-\u202E\u2066-\u2069]/u;
const INVISIBLE_ONLY = /^[\s\p{Cf}]*$/u;

/** Deepest nesting allowed in `parameters`: serialising deeper JSON can exhaust the stack. */
export const MAX_PARAMETER_DEPTH = 16;

/** Why a text field is refused, or undefined when it is fine. */
export function textProblem(value: string, field: string): string | undefined {
  const bad = FORBIDDEN.exec(value);
  if (!bad) return undefined;
  const codePoint = bad[0].codePointAt(0)!;
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return `${field} contains a lone surrogate (${hex}), which is not valid text`;
  return `${field} must not contain control or text-direction characters (found ${hex})`;
}

/** Whether a name is blank for people: nothing but spaces and invisible format characters. */
export function isBlankName(value: string): boolean {
  return INVISIBLE_ONLY.test(value);
}

/** How deeply a JSON value nests (objects and arrays), counted without recursion, stopping past `limit`. */
export function nestingDepth(value: unknown, limit: number = MAX_PARAMETER_DEPTH): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, level]);
  }
  return deepest;
}

/** The text fields of a start body, with their names in messages. */
const TEXT_FIELDS = [['name', 'Task name'], ['clientId', 'clientId'], ['kind', 'kind']] as const;

/**
 * Applies the rules to `POST /api/task/start` after its schema (types, lengths) passed and before
 * the route runs: 400 TASK_NAME_REQUIRED for an invisible-only name, 400 INVALID_CHARACTERS for
 * refused characters, 400 INVALID_PARAMETERS for parameters nested too deeply. Each refusal is
 * in the original's error shape (with `taskId: ""`). Call it before the routes are registered.
 */
export function installInputRules(app: FastifyInstance): void {
  addRoutePreHandler(app, (method, url) => method === 'POST' && url === START_PATH, (request, reply, done) => {
    if (request.method !== 'POST') return done();
    const body = request.body as { name?: unknown; clientId?: unknown; kind?: unknown; parameters?: unknown } | undefined;
    if (!body || typeof body !== 'object') return done();
    const refuse = (code: 'TASK_NAME_REQUIRED' | 'INVALID_CHARACTERS' | 'INVALID_PARAMETERS', message: string): void => {
      request.log.warn({ code }, `refused a task: ${message}`);
      void sendError(reply, code, message, { taskId: '' });
    };
    if (typeof body.name === 'string' && isBlankName(body.name)) return refuse('TASK_NAME_REQUIRED', 'Task name is required');
    for (const [field, label] of TEXT_FIELDS) {
      const value = body[field];
      const problem = typeof value === 'string' ? textProblem(value, label) : undefined;
      if (problem) return refuse('INVALID_CHARACTERS', problem);
    }
    if (body.parameters !== undefined && nestingDepth(body.parameters) > MAX_PARAMETER_DEPTH) {
      return refuse('INVALID_PARAMETERS', `parameters must not nest deeper than ${MAX_PARAMETER_DEPTH} levels`);
    }
    done();
  });
}
