import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../error-catalog.js';
import { API_CSP, presetBaseSecurityHeaders } from './security-headers.js';
import { httpTimeouts, type ServerLimits } from './server-limits.js';

/**
 * Fastify constructor options that harden the server: the HTTP timeouts (slowloris, trickled
 * bodies) and an answer for the errors fastify's router raises before any hook runs (a malformed
 * percent-encoding, a path segment longer than the router allows). Those would otherwise go out
 * in fastify's own shape, echoing the input, without our security headers.
 */
export function fastifyHardening(limits: ServerLimits) {
  return {
    ...httpTimeouts(limits),
    frameworkErrors: (error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply) => {
      presetBaseSecurityHeaders(reply);
      reply.header('Content-Security-Policy', API_CSP).header('Cache-Control', 'no-store');
      request.log.info({ code: error.code }, 'refused a malformed URL');
      const message = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A part of the URL path is too long' : 'The URL is not valid';
      return sendError(reply, 'VALIDATION_FAILED', message);
    },
  };
}
