import type { IncomingMessage } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './access-control.js';

/**
 * The principal each admitted request acts for, set by the request guard on the raw request under
 * a symbol only this module holds (nothing a client sends can set or read it), so it needs no
 * fastify decorator. A property rather than a WeakMap entry: one entry per request was a
 * noticeable cost (ephemeron bookkeeping in every GC).
 */
const PRINCIPAL = Symbol('principal');

type Admitted = IncomingMessage & { [PRINCIPAL]?: Principal };

/** Records who an admitted request acts for. */
export function setPrincipal(request: IncomingMessage, principal: Principal): void {
  (request as Admitted)[PRINCIPAL] = principal;
}

/** Who a request acts for; undefined when the guard did not admit it (it never reaches a route then). */
export function principalOf(request: FastifyRequest | IncomingMessage): Principal | undefined {
  return ('raw' in request ? (request.raw as Admitted) : (request as Admitted))[PRINCIPAL];
}

/**
 * Whether the request comes from the owner: loopback from no page or one of ours, or the API
 * token holder. Only the owner sees every session (`GET /api/tasks?all=1`) and manages devices.
 */
export function isOwner(request: FastifyRequest | IncomingMessage): boolean {
  return principalOf(request)?.kind === 'owner';
}
