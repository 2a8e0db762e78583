import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './access-control.js';

/**
 * The principal each admitted request acts for, set by the request guard. Keyed by the raw
 * request so it needs no fastify decorator (and no typing augmentation shared with other code).
 */
const principals = new WeakMap<IncomingMessage, Principal>();

/** Records who an admitted request acts for. */
export function setPrincipal(request: IncomingMessage, principal: Principal): void {
  principals.set(request, principal);
}

/** Who a request acts for; undefined when the guard did not admit it (it never reaches a route then). */
export function principalOf(request: FastifyRequest | IncomingMessage): Principal | undefined {
  return principals.get('raw' in request ? request.raw : request);
}

/**
 * Whether the request comes from the owner: loopback from no page or one of ours, or the API
 * token holder. Only the owner sees every session (`GET /api/tasks?all=1`) and manages devices.
 */
export function isOwner(request: FastifyRequest | IncomingMessage): boolean {
  return principalOf(request)?.kind === 'owner';
}
