import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Longest client id we accept; longer ones are refused by schema or replaced. */
export const MAX_CLIENT_ID_LENGTH = 128;

/** Headers through which the original identified a task's owner, in priority order. */
const OWNER_HEADERS = ['x-socket-id', 'x-session-id', 'x-client-id'] as const;

/**
 * The session a request acts for, in the original's order of priority: the explicit id
 * (body or query `clientId`), then `X-Socket-Id`, `X-Session-Id`, `X-Client-Id`. Undefined when
 * none is given.
 */
export function sessionFromRequest(explicitId: unknown, headers: IncomingHttpHeaders): string | undefined {
  if (isUsableId(explicitId)) return explicitId;
  for (const name of OWNER_HEADERS) {
    const value = headers[name];
    if (isUsableId(value)) return value;
  }
  return undefined;
}

/** Like {@link sessionFromRequest}, but a request with no id owns a fresh UUID, as in the original. */
export function ownerFromRequest(explicitId: unknown, headers: IncomingHttpHeaders): string {
  return sessionFromRequest(explicitId, headers) ?? randomUUID();
}

/** A non-blank string of sane length. */
export function isUsableId(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && value.length <= MAX_CLIENT_ID_LENGTH;
}
