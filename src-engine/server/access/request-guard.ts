import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOG, sendError } from '../error-catalog.js';
import type { AccessControl, AccessRequest, Refusal } from './access-control.js';
import { PAIR_PATH } from './pairing-url.js';
import { refusalPage } from './refusal-page.js';
import { setPrincipal } from './request-principal.js';
import { API_CSP, FRAMING_ONLY_CSP, isTrustworthyOrigin, presetBaseSecurityHeaders } from './security-headers.js';

/** The realm named in WWW-Authenticate (RFC 6750) on 401 answers. */
const REALM = 'Bearer realm="task-monitor"';

/** The facts of a fastify request the access checks need. */
export function accessRequestOf(request: FastifyRequest): AccessRequest {
  const socket = request.raw.socket;
  return {
    remoteAddress: socket.remoteAddress,
    localPort: socket.localPort,
    encrypted: 'encrypted' in socket && socket.encrypted === true,
    headers: request.headers,
  };
}

/**
 * Runs the access policy before anything else on every HTTP request (fastify's first hook):
 * security headers first, so refusals carry them too; then Host and Origin; then credentials,
 * except for the pairing endpoint (which takes a code instead) and CORS preflights (browsers
 * never send credentials with those; the Origin check still applies). Admitted requests get a
 * principal; refused ones get the catalog's answer, or a short HTML page when a browser navigates.
 */
export function installRequestGuard(app: FastifyInstance, access: AccessControl, publicPaths: readonly string[] = []): void {
  const open = new Set(publicPaths);
  app.addHook('onRequest', (request, reply, done) => {
    const info = accessRequestOf(request);
    presetBaseSecurityHeaders(reply, isTrustworthyOrigin(request.headers.host, info.encrypted));
    const boundary = access.checkBoundary(info);
    if (boundary) return refuse(request, reply, boundary);
    if (isPairRequest(request) || isPreflight(request) || isOpenRead(request, open)) return done();
    const decide = (): void => {
      const verdict = access.authenticate(info);
      // On the reply like the security headers: a hijacked (UI) reply gets both from handHeadersToRaw.
      if (verdict.setCookie) reply.header('Set-Cookie', verdict.setCookie);
      if (!verdict.ok) return void refuse(request, reply, verdict.refusal);
      setPrincipal(request.raw, verdict.principal);
      done();
    };
    // Several nodes: a cookie this node has not heard of yet is looked up first, rather than cleared.
    const lookUp = access.lookUpDevice(info);
    if (lookUp) lookUp.then(decide, decide);
    else decide();
  });

  // API answers are data: lock them down fully, and keep them out of shared caches. Answers that
  // chose their own policy (the HTML pages below) keep it.
  app.addHook('onSend', (_request, reply, payload, done) => {
    // The preset framing-only policy is replaced; a policy an answer chose itself is kept.
    const csp = reply.getHeader('content-security-policy');
    if (csp === undefined || csp === FRAMING_ONLY_CSP) reply.header('Content-Security-Policy', API_CSP);
    if (!reply.hasHeader('cache-control')) reply.header('Cache-Control', 'no-store');
    done(null, payload);
  });
}

/** Sends a refusal, logged: JSON in the catalog's shape, or a page for a browser navigation. */
export function refuse(request: FastifyRequest, reply: FastifyReply, refusal: Refusal): FastifyReply {
  const level = refusal.code === 'TOO_MANY_ATTEMPTS' ? 'info' : 'warn';
  request.log[level]({ code: refusal.code, remoteAddress: request.raw.socket.remoteAddress, method: request.method, url: redactedUrl(request.url) }, `refused: ${refusal.message}`);
  if (refusal.retryAfterSeconds !== undefined) reply.header('Retry-After', String(refusal.retryAfterSeconds));
  if (refusal.code === 'AUTH_REQUIRED' || refusal.code === 'INVALID_TOKEN' || refusal.code === 'INVALID_PAIRING_CODE') reply.header('WWW-Authenticate', REALM);
  if (wantsPage(request)) {
    const page = refusalPage(pageTitle(refusal), [refusal.message]);
    return reply.code(ERROR_CATALOG[refusal.code]).header('Content-Security-Policy', page.csp).type('text/html; charset=utf-8').send(page.html);
  }
  return sendError(reply, refusal.code, refusal.message, request.url.split('?')[0] === '/api/task/start' ? { taskId: '' } : {});
}

/** `GET /pair?code=...`: admitted without credentials, it checks its code itself. */
function isPairRequest(request: FastifyRequest): boolean {
  // GET only: a HEAD of /pair would reach the UI's catch-all route, which must stay guarded.
  if (request.method !== 'GET') return false;
  return request.url === PAIR_PATH || request.url.startsWith(`${PAIR_PATH}?`);
}

/** A GET of a path opened to everyone who can reach the server (`--metrics-public`). */
function isOpenRead(request: FastifyRequest, open: ReadonlySet<string>): boolean {
  return open.size > 0 && request.method === 'GET' && open.has(request.url.split('?')[0]!);
}

/** A CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
function isPreflight(request: FastifyRequest): boolean {
  return request.method === 'OPTIONS' && request.headers.origin !== undefined && request.headers['access-control-request-method'] !== undefined;
}

/** A browser navigating (not a script fetching JSON): it should get a page people can read. */
function wantsPage(request: FastifyRequest): boolean {
  return request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
}

function pageTitle(refusal: Refusal): string {
  switch (refusal.code) {
    case 'AUTH_REQUIRED':
      return 'This device is not paired';
    case 'INVALID_PAIRING_CODE':
      return 'This pairing link does not work';
    case 'TOO_MANY_ATTEMPTS':
      return 'Too many attempts';
    default:
      return 'Not allowed';
  }
}

/** The URL for a log line, with secrets (pairing codes) masked. */
export function redactedUrl(url: string): string {
  return url.replace(/([?&]code=)[^&]*/g, '$1***');
}
