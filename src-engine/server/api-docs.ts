import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { addSharedSchemas } from './schemas/shared-schemas.js';

/** Where the OpenAPI 3 document is served. */
export const OPENAPI_PATH = '/openapi.json';
/** Where Swagger UI is served. */
export const DOCS_PATH = '/docs';

/**
 * The policy of the Swagger UI pages: its own scripts, styles and images, and fetches of the
 * document from this origin; nothing inline, nothing from elsewhere (the online validator badge
 * is off), no framing. No 'unsafe-inline' either: Swagger UI sets styles through the DOM, and the
 * one style element it adds is allowed by its hash (Chromium reported it as blocked without).
 */
export const DOCS_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Describes the API from the routes' own schemas: registers the shared schemas, @fastify/swagger
 * (it records every route registered after it), the document at {@link OPENAPI_PATH} and Swagger
 * UI at {@link DOCS_PATH}. Call before registering routes.
 */
export function installApiDocs(app: FastifyInstance, version: string): void {
  addSharedSchemas(app);
  app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Background Task Monitor API',
        version,
        description:
          'Submit background tasks and watch them. Loopback clients need nothing; other devices pair (GET /pair) or send Authorization: Bearer TOKEN (the API token). Errors are { code, message, status: "Error", timestamp }. The WebSocket /ws is described in docs/asyncapi.yaml.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The API token (DATA_DIR/token): the holder is the owner' } } },
    },
    // Shared schemas keep their names (TaskDto, ErrorBody) in the document's components.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json['$id'] === 'string' ? json['$id'] : `def-${i}`) },
  });
  app.register(swaggerUi, { routePrefix: DOCS_PATH, staticCSP: DOCS_CSP, uiConfig: { validatorUrl: null, deepLinking: false } });
  // A plugin, so it loads after @fastify/swagger and is described too (see buildServer).
  app.register(
    fastifyPlugin(async () => {
      app.get(
        OPENAPI_PATH,
        { schema: { summary: 'This API, described as OpenAPI 3', tags: ['info'], response: { 200: { type: 'object', additionalProperties: true } } } },
        () => app.swagger(),
      );
    }),
  );
}
