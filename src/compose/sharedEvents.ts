import type { App } from '@slack/bolt';
import { findChannelBinding } from '../db/repositories/partners.js';
import { namedIds } from '../handlers/installation.js';
import {
  createEventAuthorizations,
  type EventAuthorization,
  sharedEventContext,
} from '../install/eventAuthorizations.js';
import type { BackgroundWork } from '../runtime/background.js';
import type { Tenant } from './tenant.js';
import type { TenantMap, tenantRouter } from './tenantRouting.js';
import type { StartOptions } from './types.js';

/**
 * An event in a channel several installations see (a Slack Connect channel between two workspaces that installed the
 * app) reaches the app once, naming one installation: the tenant it names has it first (and acknowledges it); then
 * each other tenant that sees it gets it too, naming its own installation, after the acknowledgement:
 * - with SLACK_AUTHORIZATIONS_TOKEN, those Slack lists for the event (install/eventAuthorizations.ts);
 * - without it, those whose rows bind the event's channel to a partner, so a partner channel another organization
 *   joined is held on every side (fail closed); a warning names the setting.
 */
export function sharedEvents(
  given: StartOptions,
  { tenants, router }: { tenants: TenantMap; router: ReturnType<typeof tenantRouter> },
  lifecycle: BackgroundWork,
  handTo: (tenant: Tenant, event: Parameters<App['processEvent']>[0]) => Promise<void>,
) {
  const { logger } = given;
  const authorizations = createEventAuthorizations(given.config, logger);
  const ownAuthorization = (tenant: Tenant): EventAuthorization => {
    const { workspace } = tenant.wired.startup;
    return {
      team_id: workspace.isEnterpriseInstall ? null : (workspace.teamId ?? null),
      ...(workspace.enterpriseId ? { enterprise_id: workspace.enterpriseId } : {}),
      is_enterprise_install: workspace.isEnterpriseInstall === true,
      ...(workspace.botUserId ? { user_id: workspace.botUserId } : {}),
      is_bot: true,
    };
  };
  /** The other tenants that see the event, each with the authorization that names it. */
  const othersOf = async (body: Record<string, unknown>, first: Tenant, eventContext: string) => {
    const others = new Map<Tenant, EventAuthorization>();
    if (authorizations) {
      for (const authorization of await authorizations.list(eventContext)) {
        const claim = {
          type: 'event_callback',
          api_app_id: body.api_app_id,
          authorizations: [authorization],
        };
        const tenant = router.tenantFor(claim);
        if (tenant && tenant !== first && !others.has(tenant)) others.set(tenant, authorization);
      }
      return others;
    }
    const channel = (body.event as { channel?: unknown } | undefined)?.channel;
    if (typeof channel !== 'string') return others;
    for (const tenant of tenants.values())
      if (tenant !== first && (await findChannelBinding(tenant.db, channel)))
        others.set(tenant, ownAuthorization(tenant));
    if (others.size > 0)
      logger.warn(
        { ...namedIds(body), why: 'SLACK_AUTHORIZATIONS_TOKEN is not set' },
        'an event in a shared channel: handed to the installations whose partner channel it is; any other that sees the channel was not told',
      );
    return others;
  };
  const handOn = async (body: Record<string, unknown>, first: Tenant, eventContext: string) => {
    for (const [tenant, authorization] of await othersOf(body, first, eventContext))
      await handTo(tenant, {
        body: { ...body, authorizations: [authorization] },
        ack: async () => {},
      });
  };
  return {
    handOn(body: unknown, first: Tenant): void {
      const eventContext = sharedEventContext(body);
      if (eventContext === undefined || tenants.size < 2) return;
      lifecycle.run('an event in a shared channel handed to the other installations that see it', () =>
        handOn(body as Record<string, unknown>, first, eventContext),
      );
    },
  };
}
