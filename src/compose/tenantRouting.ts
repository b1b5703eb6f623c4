import { installedFor } from '../db/repositories/installations.js';
import { namedIds } from '../handlers/installation.js';
import { installationFor, requestSource, routeIndex } from '../install/routing.js';
import type { Tenant } from './tenant.js';
import type { StartOptions } from './types.js';

/**
 * Which tenant serves a request on an OAuth install: the router's index of the tenants running here, then the
 * installations another replica stored since, then a revocation another replica heard (install/routing.ts reads who
 * acts and where).
 */

/**
 * The tenant of the installation a request is for (install/routing.ts: who acts and where, by Slack's own reading),
 * or undefined when no installation in force is its.
 */
export function tenantRouter(tenants: TenantMap) {
  let index: { version: number; find: (body: unknown) => Tenant | undefined } | undefined;
  return {
    tenantFor(body: unknown): Tenant | undefined {
      // Indexed by the ids requests name, built again only when a tenant starts or stops.
      if (index?.version !== tenants.version) {
        const routes = routeIndex([...tenants.values()].map((t) => ({ ...t.wired.startup.workspace, t })));
        index = { version: tenants.version, find: (b) => routes.find(requestSource(b))?.t };
      }
      return index.find(body);
    },
  };
}

/** The tenants by installation key, counting its changes (the router's index follows them). */
export class TenantMap extends Map<string, Tenant> {
  version = 0;
  override set(key: string, tenant: Tenant): this {
    this.version += 1;
    return super.set(key, tenant);
  }
  override delete(key: string): boolean {
    this.version += 1;
    return super.delete(key);
  }
}

/**
 * A request no tenant here serves may be for an installation another replica stored since this one started (an
 * install, a reinstall), or one whose start here is still to come (compose/tenants.ts `startEach`): read from the
 * database, its tenant started here (or its start in flight joined), then it serves the request.
 */
export function adopterOf(
  given: StartOptions,
  tenants: Map<string, Tenant>,
  start: (installKey: string) => Promise<void>,
): (body: unknown) => Promise<Tenant | undefined> {
  return async (body) => {
    const source = requestSource(body);
    const rows = (await installedFor(given.db, source)).filter(
      (r) => r.sealed !== null && !tenants.has(r.installKey),
    );
    const served = rows.map((r) => ({
      teamId: r.teamId ?? undefined,
      enterpriseId: r.enterpriseId ?? undefined,
      isEnterpriseInstall: r.isEnterpriseInstall,
      installKey: r.installKey,
    }));
    const found = installationFor(source, served);
    if (!found) return undefined;
    await start(found.installKey);
    given.logger.info(
      { installation: found.installKey },
      'serving an installation at its first request here',
    );
    return tenants.get(found.installKey);
  };
}

/** The tenant that serves a request: its installation's, in force (undefined, logged: none here). */
export function servingOf(
  router: ReturnType<typeof tenantRouter>,
  adopt: ReturnType<typeof adopterOf>,
  logger: StartOptions['logger'],
) {
  return async (body: unknown): Promise<Tenant | undefined> => {
    const tenant =
      router.tenantFor(body) ??
      (await adopt(body).catch((error: unknown) => {
        logger.error({ err: error, ...namedIds(body) }, 'an installation could not be served');
        return undefined;
      }));
    // Uninstalled, or its token revoked, as another replica may have heard it: read at each request (one row). A
    // token deployment's installation is served still (what it stores waits for a restart with a new token).
    const revoked =
      tenant?.served.installs.reinstallable && (await tenant.wired.clients.connection.revokedNow());
    if (tenant && !revoked) return tenant;
    logger.warn(
      { ...namedIds(body), why: revoked ? 'uninstalled or its token revoked' : 'no installation in force' },
      'a Slack request for another installation of the app: ignored',
    );
    return undefined;
  };
}
