import type { Clock } from '../clock.js';
import type { RequestContext } from '../core/requestContext.js';
import type { Db } from '../db/client.js';
import { follow, followOf, unfollow } from '../db/repositories/followers.js';
import { isInternalActor } from '../domain/actor.js';
import type { FollowChoice } from '../domain/following.js';
import type { Logger } from '../logger.js';
import type { Lookup } from './lookup.js';

export interface FollowersDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Who may view a handoff (`/handoff view`'s rules): they, and only they, may follow it. */
  lookup: Pick<Lookup, 'visible'>;
}

export type FollowResult =
  | { kind: 'done'; following: FollowChoice | null }
  /** Someone outside our workspaces: never stored, whatever they sent. */
  | { kind: 'external' }
  /** No such handoff, or not one this person may view (told apart from nothing, as View is). */
  | { kind: 'not_found' };

/**
 * Follow and Unfollow (issue 53 item 6): anyone of ours who may view a handoff may follow it, to hear of its
 * decisions (and, if they choose, its outcomes) in their DMs (packets/watchers.ts). Nobody outside our workspaces
 * may, and the partner never learns who does.
 */
export function createFollowers(deps: FollowersDeps) {
  async function allowed(ctx: RequestContext, handoffId: number): Promise<FollowResult | undefined> {
    if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) return { kind: 'external' };
    if (!(await deps.lookup.visible(ctx, handoffId))) return { kind: 'not_found' };
    return undefined;
  }

  return {
    /** Follows the handoff with this choice (or changes the choice). */
    async follow(ctx: RequestContext, handoffId: number, choice: FollowChoice): Promise<FollowResult> {
      const refused = await allowed(ctx, handoffId);
      if (refused) return refused;
      const at = deps.clock.now();
      await deps.db.transaction((tx) =>
        follow(tx, { handoffId, userId: ctx.actor.userId, notify: choice, at }),
      );
      deps.logger.info({ handoffId, userId: ctx.actor.userId, choice }, 'handoff followed');
      return { kind: 'done', following: choice };
    },
    async unfollow(ctx: RequestContext, handoffId: number): Promise<FollowResult> {
      const refused = await allowed(ctx, handoffId);
      if (refused) return refused;
      const was = await deps.db.transaction((tx) => unfollow(tx, handoffId, ctx.actor.userId));
      if (was) deps.logger.info({ handoffId, userId: ctx.actor.userId }, 'handoff unfollowed');
      return { kind: 'done', following: null };
    },
    /** What this person follows the handoff for (null: they do not follow it). */
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
