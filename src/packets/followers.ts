import { followNamedNotice } from '../blocks/following.js';
import type { Clock } from '../clock.js';
import type { RequestContext } from '../core/requestContext.js';
import type { Db } from '../db/client.js';
import { follow, followOf, unfollow } from '../db/repositories/followers.js';
import { findHandoff } from '../db/repositories/handoffs.js';
import { enqueue } from '../db/repositories/outbox.js';
import { isInternalActor } from '../domain/actor.js';
import type { FollowChoice } from '../domain/following.js';
import { may, type ProgramRoles } from '../domain/permissions.js';
import type { Logger } from '../logger.js';
import { holderProblem, type PersonLookups, personNamed } from '../program/people.js';
import type { Lookup } from './lookup.js';

export interface FollowersDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Who may view a handoff (`/handoff view`'s rules): they, and only they, may follow it. */
  lookup: Pick<Lookup, 'visible'>;
  /** Who names followers for someone else (`followersFor`). */
  roles: ProgramRoles;
  /** Who a command names (users.info, users.lookupByEmail), and whom a plain `@name` may mean. */
  people: PersonLookups;
  /** Says a DM was queued (the outbox worker sends it). */
  onOutboxWrite: () => void;
}

/** What following (or not) for oneself answers. */
export type OwnFollowResult =
  | { kind: 'done'; following: FollowChoice | null }
  /** Someone outside our workspaces: never stored, whatever they sent. */
  | { kind: 'external' }
  /** No such handoff, or not one this person may view (told apart from nothing, as View is). */
  | { kind: 'not_found' };

export type FollowResult =
  | OwnFollowResult
  /** Naming someone else without `followersFor`. */
  | { kind: 'forbidden' }
  /** The person named is nobody, or not one of ours. */
  | { kind: 'invalid'; message: string };

/**
 * Follow and Unfollow: anyone of ours who may view a handoff may follow it, to hear of its
 * decisions (and, if they choose, its outcomes) in their DMs (packets/watchers.ts). Nobody outside our workspaces
 * may, and the partner never learns who does. An admin names someone else to follow it, or takes them off
 * (`/handoff follow <#> @person`): the same follow, the person told by DM; someone followed so may
 * stop it even without the right to view the handoff.
 */
/** Follows (a choice) or unfollows (null) for `userId`; tells them by DM when `by` someone else. */
async function writeFollow(
  deps: FollowersDeps,
  handoffId: number,
  userId: string,
  choice: FollowChoice | null,
  by?: string,
): Promise<boolean> {
  const at = deps.clock.now();
  const h = by ? await findHandoff(deps.db, handoffId) : undefined;
  const changed = await deps.db.transaction(async (tx) => {
    const was = (await followOf(tx, handoffId, userId))?.notify ?? null;
    if (was === choice) return false;
    if (choice) await follow(tx, { handoffId, userId, notify: choice, at });
    else await unfollow(tx, handoffId, userId);
    if (h && by) {
      const notice = followNamedNotice({ by, handoff: h, following: choice });
      await enqueue(
        tx,
        [
          {
            method: 'chat.postMessage',
            dedupeKey: `handoff:${handoffId}:follow-named:${userId}:${at.getTime()}`,
            channel: userId,
            handoffId,
            audience: 'internal',
            payload: { text: notice.text, blocks: notice.blocks, unfurl_links: false, unfurl_media: false },
          },
        ],
        at,
      );
    }
    return true;
  });
  if (changed && by) deps.onOutboxWrite();
  if (changed)
    deps.logger.info({ handoffId, userId, choice, by }, choice ? 'handoff followed' : 'handoff unfollowed');
  return changed;
}

export function createFollowers(deps: FollowersDeps) {
  async function allowed(ctx: RequestContext, handoffId: number): Promise<OwnFollowResult | undefined> {
    if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) return { kind: 'external' };
    if (!(await deps.lookup.visible(ctx, handoffId))) return { kind: 'not_found' };
    return undefined;
  }

  const write = (handoffId: number, userId: string, choice: FollowChoice | null, by?: string) =>
    writeFollow(deps, handoffId, userId, choice, by);

  return {
    /** Follows the handoff with this choice (or changes the choice). */
    async follow(ctx: RequestContext, handoffId: number, choice: FollowChoice): Promise<OwnFollowResult> {
      const refused = await allowed(ctx, handoffId);
      if (refused) return refused;
      await write(handoffId, ctx.actor.userId, choice);
      return { kind: 'done', following: choice };
    },
    /** Stops following: whoever may view the handoff, or follows it already (named by an admin). */
    async unfollow(ctx: RequestContext, handoffId: number): Promise<OwnFollowResult> {
      const refused = await allowed(ctx, handoffId);
      const follows =
        refused?.kind === 'not_found' &&
        Number.isSafeInteger(handoffId) &&
        (await followOf(deps.db, handoffId, ctx.actor.userId)) !== undefined;
      if (refused && !follows) return refused;
      await write(handoffId, ctx.actor.userId, null);
      return { kind: 'done', following: null };
    },
    /**
     * An admin's follow for someone else (`word`: a mention, member ID, email, or a plain `@name` of someone the
     * program names): `choice` null takes them off. The person is told by DM of a change.
     */
    async followFor(
      ctx: RequestContext,
      handoffId: number,
      word: string,
      choice: FollowChoice | null,
    ): Promise<FollowResult & { userId?: string }> {
      if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) return { kind: 'external' };
      // Refused before anyone is looked up, or the handoff: the answer says nothing of either.
      if (!may(deps.roles, ctx, 'followersFor')) return { kind: 'forbidden' };
      const refused = await allowed(ctx, handoffId);
      if (refused) return refused;
      const named = await personNamed(deps.people, word);
      if ('problem' in named) return { kind: 'invalid', message: named.problem };
      const problem = holderProblem(named.user, `<@${named.user.id}>`, ctx.internalTeamIds);
      if (problem) return { kind: 'invalid', message: problem };
      const userId = named.user.id;
      await write(handoffId, userId, choice, userId === ctx.actor.userId ? undefined : ctx.actor.userId);
      return { kind: 'done', following: choice, userId };
    },
    /**
     * What the reader follows the handoff for (null: not), to offer Follow or Unfollow; undefined: neither, as its AE,
     * owner and author are told of it anyway (a follow would add nothing).
     */
    async followingOf(
      userId: string,
      h: { id: number; aeUserId: string; ownerUserId: string; authorUserId: string },
    ): Promise<FollowChoice | null | undefined> {
      const following = (await followOf(deps.db, h.id, userId))?.notify ?? null;
      if (following === null && [h.aeUserId, h.ownerUserId, h.authorUserId].includes(userId))
        return undefined;
      return following;
    },
  };
}

export type Followers = ReturnType<typeof createFollowers>;
