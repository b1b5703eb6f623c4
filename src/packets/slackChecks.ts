import {
  channelProblemText,
  emptyPoolText,
  packetFieldText,
  SLACK_UNAVAILABLE,
  userProblemText,
} from '../blocks/packetReplies.js';
import { type DirectoryChannel, DirectoryUnavailableError, type DirectoryUser } from '../core/directory.js';
import type { RequestContext } from '../core/requestContext.js';
import { awayFrom, type SlackStatus } from '../domain/absence.js';
import { guestRefusal, NO_GUESTS } from '../domain/guests.js';
import type { Packet, PacketErrors, PacketInput } from '../domain/packet.js';
import type { PacketServiceDeps, ReviewAbsence, SlackChannelFacts } from './types.js';

/**
 * What the packet names, checked with Slack (users.info, users.profile.get, conversations.info, team.info): the
 * people and the partner channel, the AE's absence and cover, and the next AE of a pool.
 */

type SlackDeps = Pick<PacketServiceDeps, 'directory' | 'logger' | 'guests'>;

/** A lookup's answer, or that Slack could not be asked (any other error is thrown). */
async function settle<T>(lookup: Promise<T> | undefined): Promise<{ value?: T; unavailable?: unknown }> {
  if (!lookup) return {};
  try {
    return { value: await lookup };
  } catch (error) {
    if (!(error instanceof DirectoryUnavailableError)) throw error;
    return { unavailable: error.cause };
  }
}

/** The AE and the owner the packet names must be other people than the author and each other. */
function peopleErrors(packet: Partial<Packet>, ctx: RequestContext): PacketErrors {
  const { aeUserId, ownerUserId } = packet;
  if (aeUserId && aeUserId === ctx.actor.userId) return { aeUserId: packetFieldText.aeIsAuthor };
  if (aeUserId && ownerUserId === aeUserId) return { ownerUserId: packetFieldText.ownerIsAe };
  return {};
}

/**
 * Checks with Slack what the packet names: the AE and the owner must be real, internal people, and the app must be
 * able to post in the partner channel (otherwise the partner would never hear back). Only the fields that are well
 * formed are looked up (a malformed one has its own error already); each problem is reported on its own field, in
 * one round. A lookup Slack cannot answer now asks to submit again, on that field.
 */
export async function checkWithSlack(deps: SlackDeps, packet: Partial<Packet>, ctx: RequestContext) {
  const { directory } = deps;
  const guests = deps.guests ?? NO_GUESTS;
  const errors = peopleErrors(packet, ctx);
  const { aeUserId, ownerUserId, partnerChannelId } = packet;
  const ownerIsAuthor = ownerUserId === ctx.actor.userId;
  const [author, ae, owner, channel, aeStatus] = await Promise.all([
    // The author themself: a guest sends only when an admin allows it (the owner's lookup when they are the owner).
    settle(ownerIsAuthor ? undefined : directory.lookupUser(ctx.actor.userId)),
    settle(aeUserId && !errors.aeUserId ? directory.lookupUser(aeUserId) : undefined),
    settle(ownerUserId && !errors.ownerUserId ? directory.lookupUser(ownerUserId) : undefined),
    settle(partnerChannelId ? directory.lookupChannel(partnerChannelId) : undefined),
    // Whether the AE is away (their Slack status): read with the rest, shown in the review. Unknown if Slack fails.
    aeUserId && !errors.aeUserId && directory.status
      ? directory.status(aeUserId).catch(() => undefined)
      : Promise.resolve(undefined),
  ]);
  if (aeUserId && !errors.aeUserId && !ae.unavailable) {
    errors.aeUserId = userProblemText(ae.value, 'ae', ctx.internalTeamIds, guests);
  }
  if (ownerUserId && !errors.ownerUserId && !owner.unavailable && !ownerIsAuthor) {
    errors.ownerUserId = userProblemText(owner.value, 'owner', ctx.internalTeamIds, guests);
  }
  if (partnerChannelId && !channel.unavailable) errors.partnerChannelId = channelProblemText(channel.value);
  const facts =
    channel.value && !errors.partnerChannelId
      ? await settle(channelFacts(deps, channel.value, ctx.internalTeamIds))
      : {};
  // Slack could not answer: on the field it was about (the author as owner is not a finding of its own, so the AE's
  // field says it when both lookups failed).
  const unavailable: [keyof PacketErrors, unknown][] = [
    ['aeUserId', ae.unavailable],
    ['ownerUserId', ownerIsAuthor && ae.unavailable ? undefined : owner.unavailable],
    ['partnerChannelId', channel.unavailable ?? facts.unavailable],
  ];
  for (const [field, cause] of unavailable) {
    if (cause === undefined) continue;
    errors[field] ??= SLACK_UNAVAILABLE;
    deps.logger.warn({ err: cause, field, aeUserId }, 'Slack lookup failed during packet validation');
  }
  for (const key of Object.keys(errors) as (keyof PacketErrors)[]) {
    if (errors[key] === undefined) delete errors[key];
  }
  return {
    errors,
    /** Why the author may not send (a guest, unless an admin allows guests to); said on its own, not on a field. */
    authorRefusal: guestRefusal(ownerIsAuthor ? owner.value : author.value, 'author', guests),
    ae: ae.value,
    aeStatus,
    ownerName: owner.value?.name ?? ownerUserId ?? '',
    channel: channel.value,
    facts: facts.value ?? null,
  };
}

export type SlackChecked = Awaited<ReturnType<typeof checkWithSlack>>;

/**
 * Why this person may not write a handoff: a workspace guest, unless an admin allows guests to send (asked before the
 * packet opens; the submission checks again). Undefined when they may, or when Slack cannot say now (the
 * submission's own lookup then decides).
 */
export async function authorRefusal(deps: SlackDeps, userId: string): Promise<string | undefined> {
  const author = await settle(deps.directory.lookupUser(userId));
  return guestRefusal(author.value, 'author', deps.guests ?? NO_GUESTS);
}

/** The organizations in the channel other than ours, with their names (team.info). */
async function channelFacts(
  deps: SlackDeps,
  channel: DirectoryChannel,
  internal: readonly string[],
): Promise<SlackChannelFacts> {
  const teamIds = channel.sharedTeamIds.filter((id) => !internal.includes(id));
  // Slack says it is shared but not with whom (an old answer, a pending invite): still one unknown organization.
  if (teamIds.length === 0 && channel.isExternallyShared) teamIds.push('unknown');
  const names = await Promise.all(
    teamIds.map((id) => (id === 'unknown' ? undefined : deps.directory.teamName(id))),
  );
  return {
    id: channel.id,
    name: channel.name,
    external: teamIds.map((teamId, i) => ({ teamId, teamName: names[i] })),
  };
}

/**
 * The AE's absence as the review shows it: away by their status or the days away they gave, or a cover named (which
 * the author may send to; it does not make the AE away). A cover who is the author or
 * the owner (the packet refuses either as its AE), or not a person of ours, is not offered.
 */
export async function absenceOf(
  deps: Pick<PacketServiceDeps, 'directory' | 'away' | 'covers'>,
  ae: DirectoryUser | undefined,
  status: SlackStatus | undefined,
  people: { authorUserId: string; ownerUserId: string },
  now: Date,
): Promise<ReviewAbsence | undefined> {
  if (!ae) return undefined;
  // Away by their status, or on the days away they gave with their cover (a cover alone is no absence).
  const away =
    (deps.away ? awayFrom(status, deps.away, now) : undefined) ??
    (await deps.covers?.awayNow(ae.id, ae.timeZone));
  const named = await deps.covers?.activeFor(ae.id, ae.timeZone);
  let cover: ReviewAbsence['cover'] = null;
  if (named && named.coverUserId !== people.authorUserId && named.coverUserId !== people.ownerUserId) {
    const person = await deps.directory.lookupUser(named.coverUserId).catch(() => undefined);
    if (person && !person.isBot && !person.deleted)
      cover = {
        id: person.id,
        teamId: person.teamId,
        name: person.name,
        timeZone: person.timeZone,
        until: named.until,
      };
  }
  if (!away && !cover) return undefined;
  return { status: away?.status ?? null, until: away?.until?.toISOString() ?? null, cover };
}

/**
 * The next AE of the pool the packet names: not with an AE named too, a pool of the policy file, and someone in it
 * who can take it now (else the field says who was skipped).
 */
export async function fromPoolOf(
  deps: Pick<PacketServiceDeps, 'pools' | 'logger'>,
  pool: string,
  input: PacketInput,
  authorUserId: string,
): Promise<
  | {
      kind: 'ok';
      person: DirectoryUser;
      title: string;
      skipped: { user: string; why: string }[];
      why?: string;
    }
  | { kind: 'invalid'; message: string }
> {
  if (input.aeUserId) return { kind: 'invalid', message: packetFieldText.aeAndPool };
  const named = deps.pools?.list().find((choice) => choice.id === pool);
  if (!deps.pools || !named) return { kind: 'invalid', message: packetFieldText.unknownPool };
  const owner = typeof input.ownerUserId === 'string' && input.ownerUserId ? input.ownerUserId : authorUserId;
  let picked: Awaited<ReturnType<NonNullable<PacketServiceDeps['pools']>['next']>>;
  try {
    picked = await deps.pools.next(pool, { authorUserId, ownerUserId: owner });
  } catch (error) {
    deps.logger.warn({ err: error, pool }, 'could not read a pool for a packet');
    return { kind: 'invalid', message: SLACK_UNAVAILABLE };
  }
  if (!picked.person) return { kind: 'invalid', message: emptyPoolText(named.name, picked.skipped.length) };
  const why = picked.why ? { why: picked.why } : {};
  return { kind: 'ok', person: picked.person, title: named.name, skipped: picked.skipped, ...why };
}
