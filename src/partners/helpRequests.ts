import { z } from 'zod';
import { helpReplies, helpRequestPost } from '../blocks/helpRequest.js';
import { HELP_BLOCK_ID, HELP_LIMITS } from '../blocks/ids.js';
import type { HelpRequestResult } from '../blocks/results.js';
import type { Clock } from '../clock.js';
import type { RequestContext } from '../core/requestContext.js';
import type { Db } from '../db/client.js';
import {
  claimHelpRequest,
  findHelpRequest,
  findHelpRequestBySourceView,
  type HelpRequestRow,
  insertHelpRequest,
} from '../db/repositories/helpRequests.js';
import { enqueue } from '../db/repositories/outbox.js';
import { partnerByName } from '../db/repositories/partners.js';
import { accountKey } from '../domain/accountMatch.js';
import { isInternalActor } from '../domain/actor.js';
import type { Logger } from '../logger.js';

export interface HelpRequestDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Where requests go; read at call time, since the start-up check may turn it off. */
  channelId: () => string | undefined;
  onOutboxWrite: () => void;
}

const text = (max: number, message: string) =>
  z
    .string()
    .transform((s) => s.trim())
    .pipe(z.string().min(1, message).max(max, `Keep it under ${max} characters.`));

const formSchema = z.object({
  [HELP_BLOCK_ID.account]: text(HELP_LIMITS.account, 'Name the account.'),
  [HELP_BLOCK_ID.ask]: text(HELP_LIMITS.ask, 'Say what help you need.'),
  [HELP_BLOCK_ID.partner]: z
    .string()
    .optional()
    .transform((s) => s?.trim() || undefined)
    .pipe(z.string().max(HELP_LIMITS.partner, `Keep it under ${HELP_LIMITS.partner} characters.`).optional()),
});

/** What a partner-help request answers: in blocks/results.ts, where the replies read it. */
export type { HelpRequestResult } from '../blocks/results.js';

export type HelpClaimResult =
  | { kind: 'forbidden' }
  | { kind: 'not_found' }
  | { kind: 'already_claimed'; request: HelpRequestRow }
  | { kind: 'claimed'; request: HelpRequestRow };

const postKey = (id: number) => `help:${id}:post`;

/** AE-initiated requests for partner help: stored, routed to partner marketing's channel, taken, counted. */
export function createHelpRequests(deps: HelpRequestDeps) {
  return {
    submit: (
      ctx: RequestContext,
      input: { sourceViewId: string; values: Record<string, string | undefined> },
    ): Promise<HelpRequestResult> => submit(deps, ctx, input),
    claim: (ctx: RequestContext, requestId: number): Promise<HelpClaimResult> => claim(deps, ctx, requestId),
    enabled: () => Boolean(deps.channelId()),
  };
}

async function submit(
  deps: HelpRequestDeps,
  ctx: RequestContext,
  input: { sourceViewId: string; values: Record<string, string | undefined> },
): Promise<HelpRequestResult> {
  if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) {
    deps.logger.warn(
      { userId: ctx.actor.userId, teamId: ctx.actor.teamId },
      'help request refused: external',
    );
    return { kind: 'forbidden' };
  }
  const channelId = deps.channelId();
  if (!channelId) return { kind: 'not_configured' };
  const parsed = formSchema.safeParse(input.values);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const block = String(issue.path[0] ?? HELP_BLOCK_ID.account);
      errors[block] ??= issue.message;
    }
    return { kind: 'invalid', errors };
  }
  const values = parsed.data;
  const account = values[HELP_BLOCK_ID.account];
  const partner = values[HELP_BLOCK_ID.partner];
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx) => {
    // Counted under the directory's partner when the name is one it knows (aliases included).
    const partnerKey = partner ? ((await partnerByName(tx, partner))?.key ?? accountKey(partner)) : null;
    const inserted = await insertHelpRequest(tx, {
      sourceViewId: input.sourceViewId,
      requestedByUserId: ctx.actor.userId,
      requestedByTeamId: ctx.actor.teamId ?? '',
      accountName: account,
      accountKey: accountKey(account),
      partnerOrg: partner ?? null,
      partnerKey,
      ask: values[HELP_BLOCK_ID.ask],
      status: 'open',
      createdAt: now,
    });
    if (!inserted) {
      const existing = await findHelpRequestBySourceView(tx, input.sourceViewId);
      if (!existing)
        throw new Error(`help request for view ${input.sourceViewId} neither inserted nor found`);
      return { request: existing, duplicate: true };
    }
    await enqueue(
      tx,
      [
        {
          method: 'chat.postMessage',
          dedupeKey: postKey(inserted.id),
          channel: channelId,
          recordAs: postKey(inserted.id),
          payload: { ...helpRequestPost(inserted), unfurl_links: false, unfurl_media: false },
        },
        {
          method: 'chat.postMessage',
          dedupeKey: `help:${inserted.id}:requester`,
          channel: inserted.requestedByUserId,
          payload: { text: helpReplies.sent(inserted, channelId) },
        },
      ],
      now,
    );
    return { request: inserted, duplicate: false };
  });
  if (!result.duplicate) {
    deps.logger.info({ helpRequestId: result.request.id, by: ctx.actor.userId }, 'partner help requested');
    deps.onOutboxWrite();
  }
  return { kind: 'sent', ...result };
}

/** Someone in partner marketing takes the request: once, whoever clicks first. */
async function claim(
  deps: HelpRequestDeps,
  ctx: RequestContext,
  requestId: number,
): Promise<HelpClaimResult> {
  if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) {
    deps.logger.warn(
      { userId: ctx.actor.userId, teamId: ctx.actor.teamId, requestId },
      'help claim refused: external',
    );
    return { kind: 'forbidden' };
  }
  if (!Number.isSafeInteger(requestId)) return { kind: 'not_found' };
  const now = deps.clock.now();
  const claimed = await deps.db.transaction(async (tx) => {
    const row = await claimHelpRequest(tx, requestId, ctx.actor.userId, now);
    if (!row) return undefined;
    await enqueue(
      tx,
      [
        {
          method: 'chat.update',
          dedupeKey: `help:${row.id}:claimed:post`,
          channel: deps.channelId() ?? '',
          targetMessageKey: postKey(row.id),
          payload: helpRequestPost(row),
        },
        {
          method: 'chat.postMessage',
          dedupeKey: `help:${row.id}:claimed:requester`,
          channel: row.requestedByUserId,
          payload: { text: helpReplies.claimed(row) },
        },
      ],
      now,
    );
    return row;
  });
  if (claimed) {
    deps.logger.info({ helpRequestId: claimed.id, by: ctx.actor.userId }, 'partner help request taken');
    deps.onOutboxWrite();
    return { kind: 'claimed', request: claimed };
  }
  const current = await findHelpRequest(deps.db, requestId);
  return current ? { kind: 'already_claimed', request: current } : { kind: 'not_found' };
}

export type HelpRequests = ReturnType<typeof createHelpRequests>;
