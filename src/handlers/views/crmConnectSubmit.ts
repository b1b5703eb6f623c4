import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { commandReply } from '../../blocks/commandReplies.js';
import { crmConnectedView } from '../../blocks/crmConnect.js';
import { crmCredentialBlockId } from '../../blocks/ids.js';
import { CRM_CREDENTIALS } from '../../domain/crmCredentials.js';
import { type CrmSystem, isCrmSystem } from '../../domain/crmFacts.js';
import { may } from '../../domain/permissions.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const systemIn = (metadata: string): CrmSystem | undefined => {
  try {
    const { system } = JSON.parse(metadata) as { system?: unknown };
    return isCrmSystem(system) ? system : undefined;
  } catch {
    return undefined;
  }
};

/**
 * The CRM form's Connect: the admin is checked again, each credential's shape, then the CRM itself; what
 * is refused is said under its field, and nothing is stored. Connected, the form says so and the workspace's app is
 * built again with it.
 */
export function crmConnectSubmit(deps: HandlerDeps) {
  return async ({ ack, body, view }: Args) => {
    const system = systemIn(view.private_metadata ?? '');
    const ctx = requestContext(body, deps);
    const { ownCrm } = deps;
    if (!system || !ownCrm || !may(deps.roles, ctx, 'crm')) {
      await ack();
      await deps.replies.ephemeral(undefined, commandReply.forbidden('crm'), body.user.id);
      return;
    }
    const given = Object.fromEntries(
      CRM_CREDENTIALS[system].map((field) => {
        const input = view.state?.values?.[crmCredentialBlockId(field.key)]?.value as
          | { value?: unknown }
          | undefined;
        return [field.key, typeof input?.value === 'string' ? input.value : undefined];
      }),
    );
    const refused = await ownCrm.connect(system, given, ctx.actor.userId);
    if (Object.keys(refused).length > 0) {
      const errors = Object.entries(refused).map(([key, message]) => [crmCredentialBlockId(key), message]);
      await ack({ response_action: 'errors', errors: Object.fromEntries(errors) });
      return;
    }
    await ack({ response_action: 'update', view: crmConnectedView(system) });
  };
}
