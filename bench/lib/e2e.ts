/**
 * Drives handoffs through the app's receiver as Slack would: the packet modal submitted, the review's Send, then the
 * AE's decision (7 in 10 accept through the accept modal, 3 decline through the decline modal), `concurrency` at a
 * time.
 */
import Database from 'better-sqlite3';
import { ACCEPT_BLOCK_ID, ACTION_ID, CALLBACK_ID } from '../../src/blocks/ids.js';
import {
  declineSubmission,
  packetSubmission,
  reviewSubmission,
  viewSubmission,
} from '../../test/support/payloads.js';
import { postInteraction } from '../../test/support/signing.js';
import { type Cast, TEAM } from './cast.js';
import { SIGNING_SECRET, workdayAWeekOn } from './payloads.js';

export interface Driven {
  requests: number;
  accepted: number;
  declined: number;
  /** Posts the busiest conversation had to receive (Slack paces about one per second per conversation). */
  busiestConversation: number;
}

export async function driveHandoffs(opts: {
  url: string;
  dbPath: string;
  cast: Cast;
  count: number;
  concurrency: number;
}): Promise<Driven> {
  const { cast } = opts;
  const db = new Database(opts.dbPath, { readonly: true, fileMustExist: true });
  const findHandoff = db.prepare('SELECT id FROM handoffs WHERE source_view_id = ?');
  const result: Driven = { requests: 0, accepted: 0, declined: 0, busiestConversation: 0 };
  // The first step's date of every accept: a week on, today or later in any AE's calendar.
  const weekOn = workdayAWeekOn();
  const posts = new Map<string, number>();
  const count = (conversation: string, n: number) =>
    posts.set(conversation, (posts.get(conversation) ?? 0) + n);

  const interact = async (payload: unknown) => {
    result.requests += 1;
    const res = await postInteraction(`${opts.url}/slack/events`, SIGNING_SECRET, payload);
    if (res.status !== 200) throw new Error(`HTTP ${res.status} from the app: ${await res.text()}`);
    const text = await res.text();
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };

  async function one(i: number): Promise<void> {
    const ae = cast.aes[i % cast.aes.length];
    const author = cast.authors[(i * 7) % cast.authors.length];
    const partner = cast.partners[(i * 13) % cast.partners.length];
    if (!ae || !author || !partner) throw new Error('empty cast');
    const viewId = `VE2E${i}`;
    const user = { id: author.id, team_id: TEAM };
    const pushed = await interact(
      packetSubmission({
        viewId,
        user,
        values: {
          accountName: `Bench Account ${i}`,
          accountDomain: `bench-account-${i}.example`,
          crmOpportunity: `OPP-B${i}`,
          partnerOrg: partner.org,
          aeUserId: ae.id,
          ownerUserId: author.id,
          partnerChannelId: partner.channel.id,
        },
      }),
    );
    const view = pushed.view as { private_metadata?: string } | undefined;
    const { draftId } = JSON.parse(view?.private_metadata ?? '{}') as { draftId?: number };
    if (pushed.response_action !== 'push' || draftId === undefined)
      throw new Error(`packet ${i} was not taken to the review: ${JSON.stringify(pushed).slice(0, 500)}`);
    const sent = await interact(reviewSubmission({ draftId, user }));
    if (sent.response_action !== 'clear') throw new Error(`Send of ${i} answered ${JSON.stringify(sent)}`);
    const row = findHandoff.get(viewId) as { id: number } | undefined;
    if (!row) throw new Error(`handoff ${viewId} was acknowledged but is not stored`);
    const aeUser = { id: ae.id, team_id: TEAM };
    if (i % 10 < 7) {
      // Accept: the accept modal submitted with its defaults (issue 51: the click itself only opens it).
      await interact(
        viewSubmission({
          user: aeUser,
          callbackId: CALLBACK_ID.accept,
          privateMetadata: JSON.stringify({ handoffId: row.id }),
          values: {
            [ACCEPT_BLOCK_ID.step]: {
              [ACTION_ID.value]: { type: 'plain_text_input', value: 'Intro call with the partner' },
            },
            [ACCEPT_BLOCK_ID.due]: { [ACTION_ID.value]: { type: 'datepicker', selected_date: weekOn } },
            [ACCEPT_BLOCK_ID.value]: { [ACTION_ID.value]: { type: 'number_input', value: null } },
          },
        }),
      );
      result.accepted += 1;
    } else {
      await interact(declineSubmission({ handoffId: row.id, user: aeUser, reason: 'timing' }));
      result.declined += 1;
    }
    // The AE's DM; the author (who is also the owner) hears of the send and of the decision; the partner thread.
    count(ae.id, 1);
    count(author.id, 2);
    count(partner.channel.id, 1);
  }

  let next = 0;
  const worker = async () => {
    while (next < opts.count) {
      const i = next;
      next += 1;
      await one(i);
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
  } finally {
    db.close();
  }
  result.busiestConversation = Math.max(...posts.values());
  return result;
}
