import type { FastifyInstance } from 'fastify';

/** Code of the error raised for a JSON body that is valid but carries a key we refuse. */
export const FORBIDDEN_KEY_ERROR = 'ERR_FORBIDDEN_BODY_KEY';

/** A valid JSON body refused because of a prototype-poisoning key; its message names the key. */
export class ForbiddenBodyKeyError extends Error {
  readonly code = FORBIDDEN_KEY_ERROR;
  readonly statusCode = 400;

  constructor(readonly key: string) {
    super(`The key ${key} is not allowed in the request body`);
    this.name = 'ForbiddenBodyKeyError';
  }
}

/**
 * Replaces fastify's JSON parser with the same secure parser (prototype poisoning is still an
 * error: `__proto__` and `constructor.prototype` keys never reach a handler), but tells a body
 * refused for such a key from one that is not JSON at all: fastify reports both as "invalid
 * JSON", which is wrong for the first and leaves the client guessing.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  const secureParse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    secureParse(request, body as string, (error: Error | null, value?: unknown) => {
      if (!error) return done(null, value);
      const key = forbiddenKeyIn(body as string);
      done(key ? new ForbiddenBodyKeyError(key) : error, undefined);
    });
  });
}

/**
 * The first prototype-poisoning key of a JSON text (`__proto__`, or `constructor.prototype`), or
 * undefined when there is none or the text is not JSON. `JSON.parse` keeps `__proto__` as an
 * ordinary own key, so the parsed value can be inspected safely.
 */
export function forbiddenKeyIn(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const pending: unknown[] = [parsed];
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node !== 'object' || node === null) continue;
    if (Object.prototype.hasOwnProperty.call(node, '__proto__')) return '__proto__';
    const constructor = Object.prototype.hasOwnProperty.call(node, 'constructor') ? (node as { constructor: unknown }).constructor : undefined;
    if (typeof constructor === 'object' && constructor !== null && Object.prototype.hasOwnProperty.call(constructor, 'prototype')) return 'constructor.prototype';
    for (const value of Object.values(node)) pending.push(value);
  }
  return undefined;
}
