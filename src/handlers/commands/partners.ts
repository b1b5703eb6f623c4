import { commandReply } from '../../blocks/commandReplies.js';
import { partnerReply } from '../../blocks/partnerReplies.js';
import type { Permission } from '../../domain/permissions.js';
import type { CommandCall } from './call.js';

type Answer<T> = { kind: 'done'; value: T } | { kind: 'forbidden' } | { kind: 'invalid'; message: string };

/**
 * `/handoff partners [rename|alias|merge|domain|channel|confirm …]`: the partner directory. The directory checks who
 * may (domain/permissions.ts: `partners`, and `partnerChannels` for channel and confirm).
 */
export async function partnersCommand({ deps, ctx, words: typed }: CommandCall): Promise<string> {
  // A channel typed as Slack escapes it (<#C123|name>) carries a | of its own: keep only the id.
  const [verb = '', ...words] = typed
    .join(' ')
    .replace(/<#([CG][A-Z0-9]+)\|[^>]*>/g, '<#$1>')
    .trim()
    .split(/\s+/);
  const [first = '', second = ''] = words
    .join(' ')
    .split('|')
    .map((part) => part.trim());
  const answer = <T>(permission: Permission, result: Answer<T>, ok: (value: T) => string) =>
    result.kind === 'forbidden'
      ? commandReply.forbidden(permission)
      : result.kind === 'invalid'
        ? partnerReply.invalid(result.message)
        : ok(result.value);
  const p = deps.partners;
  switch (verb.toLowerCase()) {
    case '':
      return answer('partners', await p.list(ctx), (v) => partnerReply.list(v.partners, v.loose));
    case 'rename':
      return first && second
        ? answer('partners', await p.rename(ctx, first, second), partnerReply.renamed)
        : partnerReply.usage();
    case 'alias':
      return first && second
        ? answer('partners', await p.alias(ctx, first, second), (partner) =>
            partnerReply.aliased(partner, second),
          )
        : partnerReply.usage();
    case 'merge':
      return first && second
        ? answer('partners', await p.merge(ctx, first, second), (into) => partnerReply.merged(first, into))
        : partnerReply.usage();
    case 'domain':
      return first
        ? answer('partners', await p.setDomain(ctx, first, second), partnerReply.domain)
        : partnerReply.usage();
    case 'channel':
      return first && second
        ? answer('partnerChannels', await p.assignChannel(ctx, first, second), (v) =>
            partnerReply.channelAssigned(v.channelId, v.partner),
          )
        : partnerReply.usage();
    case 'confirm':
      return first
        ? answer('partnerChannels', await p.confirmChannel(ctx, first), (v) =>
            partnerReply.channelAssigned(v.channelId, v.partner),
          )
        : partnerReply.usage();
    default:
      return partnerReply.usage();
  }
}
