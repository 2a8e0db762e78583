import type { FastifyInstance } from 'fastify';

/** One registered route, as `GET /` lists it. */
export interface CatalogEntry {
  method: string;
  path: string;
  summary?: string;
}

/** What the catalog keeps of a route: enough to list it and to check it is described. */
export interface RegisteredRoute extends CatalogEntry {
  /** Hidden from the API description (`schema.hide`): static files of /docs, the UI catch-all. */
  hidden: boolean;
  /** Whether the route declares response schemas. */
  hasResponseSchema: boolean;
}

/**
 * Every route registered on an app, recorded by an `onRoute` hook installed before the first
 * route: `GET /` lists them (so a new route is listed without anyone editing a hand-made list),
 * and a test checks each one declares its answers.
 */
export class RouteCatalog {
  private readonly routes: RegisteredRoute[] = [];

  /** Starts recording; call before registering any route. */
  static install(app: FastifyInstance): RouteCatalog {
    const catalog = new RouteCatalog();
    catalogs.set(app, catalog);
    app.addHook('onRoute', (route) => {
      const schema = route.schema as { summary?: string; hide?: boolean; response?: unknown } | undefined;
      for (const method of [route.method].flat()) {
        catalog.routes.push({
          method,
          path: route.url,
          ...(schema?.summary ? { summary: schema.summary } : {}),
          hidden: schema?.hide === true,
          hasResponseSchema: schema?.response !== undefined,
        });
      }
    });
    return catalog;
  }

  /** Every route, HEAD and hidden ones included. */
  all(): readonly RegisteredRoute[] {
    return this.routes;
  }

  /** The public endpoints: no HEAD twins, nothing hidden, in registration order. */
  endpoints(): CatalogEntry[] {
    return this.routes.filter((route) => route.method !== 'HEAD' && !route.hidden).map(({ method, path, summary }) => ({ method, path, ...(summary ? { summary } : {}) }));
  }
}

const catalogs = new WeakMap<FastifyInstance, RouteCatalog>();

/** The catalog installed on an app (tests check every route is described), if any. */
export function routeCatalogOf(app: FastifyInstance): RouteCatalog | undefined {
  return catalogs.get(app);
}
