import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../error-catalog.js';
import type { AccessControl } from './access-control.js';
import { PAIR_PATH, pairingQrCode, pairingUrl } from './pairing-url.js';
import { refusalPage } from './refusal-page.js';
import { accessRequestOf, redactedUrl, refuse } from './request-guard.js';
import { isOwner } from './request-principal.js';
import { ERROR_RESPONSES, objectOf } from '../schemas/shared-schemas.js';

/** What the access routes need besides the policy. */
export interface AccessRouteContext {
  access: AccessControl;
  /** Base URLs other devices can open (empty when the server listens on loopback only). */
  shareableBaseUrls: () => string[];
}

const deviceSchema = objectOf({
  id: { type: 'string' },
  name: { type: 'string', description: 'From its User-Agent, e.g. "Firefox on Android"' },
  createdAt: { type: 'string', format: 'date-time' },
  lastSeenAt: { type: 'string', format: 'date-time' },
  lastAddress: { type: 'string' },
});
const html = { type: 'string', description: 'A short HTML page' } as const;
const nullableString = { type: ['string', 'null'] } as const;

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;

/**
 * `GET /pair?code=...` pairs the browser that opens it; `GET /api/devices`, `DELETE
 * /api/devices/:id` and `GET /api/pairing` are the owner's (loopback or API token) device
 * management. Paired devices themselves may not list or revoke devices.
 */
export function registerAccessRoutes(app: FastifyInstance, { access, shareableBaseUrls }: AccessRouteContext): void {
  // GET only: fastify would otherwise answer HEAD with this handler too, and a HEAD (a link
  // checker, a preview bot) must never spend the code meant for a person.
  app.get<{ Querystring: { code?: string } }>(
    PAIR_PATH,
    {
      exposeHeadRoute: false,
      schema: {
        summary: 'Pair this browser with a one-time code (device cookie), then go to /',
        tags: ['access'],
        querystring: { type: 'object', properties: { code: { type: 'string', maxLength: 256 } } },
        response: { 303: html, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const outcome = await access.redeemPairingCode(accessRequestOf(request), request.query.code);
      if (!outcome.ok) return refuse(request, reply, outcome.refusal);
      request.log.info({ deviceId: outcome.device.id, device: outcome.device.name, remoteAddress: outcome.device.lastAddress, url: redactedUrl(request.url) }, 'paired a device');
      if (!outcome.saved) request.log.error({ deviceId: outcome.device.id }, 'the paired device could not be saved: it must pair again after a restart');
      // See Other: the browser follows with a GET of the UI, now carrying its device cookie.
      return reply.code(303).header('Set-Cookie', outcome.setCookie).header('Location', '/').type('text/html; charset=utf-8').send(pairedPage());
    },
  );

  const owner = { tags: ['access'], security: [{ bearer: [] }] };
  app.get('/api/devices', { schema: { ...owner, summary: 'Paired devices (owner only)', response: { 200: objectOf({ items: { type: 'array', items: deviceSchema } }), ...ERROR_RESPONSES } } }, (request, reply) => {
    if (!isOwner(request)) return ownerOnly(request, reply);
    return { items: access.devices.list() };
  });

  app.delete<{ Params: { id: string } }>('/api/devices/:id', { schema: { ...owner, summary: 'Revoke a paired device (owner only)', params: idParams, response: { 200: objectOf({ id: { type: 'string' }, revoked: { type: 'boolean' } }), ...ERROR_RESPONSES } } }, async (request, reply) => {
    if (!isOwner(request)) return ownerOnly(request, reply);
    const { found, saved } = await access.devices.revoke(request.params.id);
    if (!found) return sendError(reply, 'NOT_FOUND', `No paired device with id ${request.params.id}`);
    request.log.info({ deviceId: request.params.id }, 'revoked a paired device');
    if (!saved) {
      request.log.error({ deviceId: request.params.id }, 'the revocation could not be saved');
      return sendError(reply, 'STORAGE_FAILED', 'The device is revoked until the server restarts, but this could not be saved: revoke it again later');
    }
    return { id: request.params.id, revoked: true };
  });

  const pairingSchema = objectOf({
    lanReachable: { type: 'boolean', description: 'False when the server listens on loopback only' },
    url: nullableString,
    urls: { type: 'array', items: { type: 'string' } },
    qrCode: { ...nullableString, description: 'SVG data URL of the first pairing URL' },
    pairedDevices: { type: 'integer' },
  });
  app.get('/api/pairing', { schema: { ...owner, summary: 'The current pairing URL(s) and QR code (owner only)', response: { 200: pairingSchema, ...ERROR_RESPONSES } } }, async (request, reply) => {
    if (!isOwner(request)) return ownerOnly(request, reply);
    const urls = shareableBaseUrls().map((base) => pairingUrl(base, access.pairing.current));
    return {
      /** False when the server listens on loopback only: no other device could reach it. */
      lanReachable: urls.length > 0,
      url: urls[0] ?? null,
      urls,
      qrCode: urls[0] ? await pairingQrCode(urls[0], 'svg-data-url') : null,
      pairedDevices: access.devices.size,
    };
  });
}

function ownerOnly(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return refuse(request, reply, { code: 'OWNER_ONLY', message: 'Only the owner (on this machine, or with the API token) may manage paired devices' });
}

/** Body of the 303, for the rare client that does not follow redirects. */
function pairedPage(): string {
  return refusalPage('Paired', ['This device is now paired. Open the monitor at /.']).html;
}
