import { commandReply } from '../../blocks/commandReplies.js';
import { crmConnectModal, crmReplies } from '../../blocks/crmConnect.js';
import { type CrmSystem, isCrmSystem } from '../../domain/crmFacts.js';
import { may } from '../../domain/permissions.js';
import type { CommandCall } from './call.js';

const systemOf = (word: string): CrmSystem | undefined => {
  const system = word.toLowerCase();
  return isCrmSystem(system) ? system : undefined;
};

/**
 * `/handoff crm`, admins only: which CRM serves this workspace; `/handoff crm salesforce|hubspot` opens the
 * form that connects the company's own (crm/ownCrm.ts); `/handoff crm off <crm>` disconnects it.
 */
export async function crmCommand({
  deps,
  ctx,
  words,
  usage,
  openModal,
}: CommandCall): Promise<string | undefined> {
  if (!may(deps.roles, ctx, 'crm')) return commandReply.forbidden('crm');
  const { ownCrm } = deps;
  if (!ownCrm) return crmReplies.fromSettings;
  const [first = '', second = ''] = words;
  if (first === '') {
    const { own, deployment } = await ownCrm.status();
    return crmReplies.status(own, deployment, deps.settings.get('defaultTimeZone'));
  }
  const off = ['off', 'disconnect', 'remove'].includes(first.toLowerCase());
  const system = systemOf(off ? second : first);
  if (!system || words.length > (off ? 2 : 1)) return usage();
  if (off)
    return (await ownCrm.disconnect(system, ctx.actor.userId))
      ? crmReplies.disconnected(system)
      : crmReplies.notConnected(system);
  await openModal(crmConnectModal(system));
  return undefined;
}
