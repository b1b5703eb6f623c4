import { commandReply } from '../../blocks/commandReplies.js';
import { partnerReply } from '../../blocks/partnerReplies.js';
import type { Permission } from '../../domain/permissions.js';
import type { CommandCall } from './call.js';

type Answer<T> = { kind: 'done'; value: T } | { kind: 'forbidden' } | { kind: 'invalid'; message: string };

/**
 * `/handoff partners [rename|alias|merge|domain|channel|confirm|managers|notify …]`: the partner directory. The
 * directory checks who may (domain/permissions.ts: `partners`, `partnerChannels` for channel and confirm, and for
 * notify a partner's own managers too).
 */
export async function partnersCommand({ deps, ctx, words: typed }: CommandCall): Promise<string> {
  // A channel or a person typed as Slack escapes them (<#C123|name>, <@U123|name>) carry a | of their own: keep the id.
  const [verb = '', ...words] = typed
    .join(' ')
    .replace(/<#([CG][A-Z0-9]+)\|[^>]*>/g, '<#$1>')
    .replace(/<@([UW][A-Z0-9]+)\|[^>]*>/g, '<@$1>')
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
    case 'managers': {
      // `managers <partner> | @a @b`, or without the |: the people start at the first one named.
      const [partner, people] = second ? [first, second] : splitPeople(first);
      return partner && people
        ? answer('partners', await p.setManagers(ctx, partner, people), partnerReply.managers)
        : partnerReply.usage();
    }
    case 'notify': {
      const [partner, choice] = second ? [first, second] : splitLast(first);
      return partner && choice
        ? answer('partners', await p.setNotify(ctx, partner, choice), partnerReply.notify)
        : partnerReply.usage();
    }
    default:
      return partnerReply.usage();
  }
}

/** `Meridian Cloud <@U1> <@U2>` → the partner's name and the people (from the first mention, id, email or `none`). */
function splitPeople(text: string): [string, string] {
  const at = text.search(/\s(?:<@|@|[UW](?=[A-Z0-9]*\d)[A-Z0-9]{2,}(?:\s|$)|\S+@\S+|[Nn][Oo][Nn][Ee]$)/);
  return at < 0 ? [text, ''] : [text.slice(0, at).trim(), text.slice(at).trim()];
}

/** `Meridian Cloud off` → the partner's name and its last word. */
function splitLast(text: string): [string, string] {
  const at = text.lastIndexOf(' ');
  return at < 0 ? [text, ''] : [text.slice(0, at).trim(), text.slice(at + 1).trim()];
}
