import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_ID, ATTRIBUTION_REVIEW_BLOCK_ID, CALLBACK_ID } from '../../src/blocks/ids.js';
import { tablesOf } from '../../src/db/engine.js';
import type { HandoffRow } from '../../src/db/schema.js';
import {
  correctedEventsOf,
  correctionsOf,
  handoffNamed,
  sendFromReview,
  submitForReview,
  unpasted,
} from '../support/attributionFlow.js';
import { lightning, salesforceEnv, stopAll } from '../support/crmFlow.js';
import { FakeSalesforce } from '../support/fakeSalesforce.js';
import { type Harness, quiet, startHarness } from '../support/harness.js';
import {
  ADMIN,
  dmOf,
  homeClick,
  openedView,
  openHome,
  REVOPS,
  replyAt,
  type SlackUser,
  slash,
  submitView,
} from '../support/matrix.js';
import { handoffRow, outboxDrained, QUIET } from '../support/ownerFlow.js';
import { accept, opportunitySubmission } from '../support/partnerFlow.js';
import { viewSubmission } from '../support/payloads.js';
import { people, TEAM } from '../support/people.js';

/**
 * The CRM read-back contradicts the class chosen at entry, and may not change it itself (the record was linked when the
 * class was decided, or a person's correction stands): RevOps get one "Review attribution" item with the evidence in
 * their App Home, and Keep it or Change it with a reason, audited. Pat (the author) is in New York and sends on Tuesday
 * 3 November 2026: the partner's first action is that day.
 */
const SENT = '2026-11-03T15:00:00Z';
const revops: SlackUser = { id: REVOPS.id, team_id: TEAM };
const admin: SlackUser = { id: ADMIN.id, team_id: TEAM };

async function start(sf: FakeSalesforce): Promise<Harness> {
  const h = await startHarness({
    env: {
      ...QUIET,
      ...salesforceEnv(sf),
      ADMIN_USER_IDS: ADMIN.id,
      REVOPS_USER_IDS: REVOPS.id,
    },
    now: SENT,
  });
  h.slack.addUser(ADMIN);
  h.slack.addUser(REVOPS);
  return h;
}

/** A packet for an account Salesforce does not find: partner-sourced by the rule ("it found no opportunity"). */
async function sendSourced(h: Harness, account: string): Promise<HandoffRow> {
  const { view } = await submitForReview(h, unpasted(account, `${account.toLowerCase()}.example`));
  expect(await sendFromReview(h, view)).toEqual({ response_action: 'clear' });
  const handoff = await handoffNamed(h, account);
  if (!handoff) throw new Error(`${account} not sent`);
  expect(handoff).toMatchObject({ classification: 'partner_sourced', partnerTouchOn: '2026-11-03' });
  await accept(h, handoff.id);
  return handoff;
}

/** The AE links the record (Opportunity created); `atEntry`: as migration 0022 left a handoff linked before it. */
async function link(h: Harness, handoff: HandoffRow, id: string, atEntry: boolean): Promise<void> {
  const linked = await h.interact(opportunitySubmission({ handoffId: handoff.id, crm: lightning(id) }));
  expect(linked.status).toBe(200);
  expect(await handoffRow(h, handoff.id)).toMatchObject({ crmSystem: 'salesforce', crmRecordId: id });
  if (!atEntry) return;
  // Classified with its link known (the packet's dates, before the read-back kept what it was decided with).
  await h.database.db.transaction(async (tx) => {
    const { handoffs } = tablesOf(tx);
    await tx
      .update(handoffs)
      .set({ classifiedLink: `salesforce:${id}` })
      .where(eq(handoffs.id, handoff.id));
  });
}

async function poll(h: Harness): Promise<void> {
  h.clock.advance(301_000);
  await h.app.scheduler.runNow('crm-read-back');
}

const reviews = (h: Harness) =>
  h.database.db.select().from(h.tables.attributionReviews).orderBy(asc(h.tables.attributionReviews.id));

const homeText = async (h: Harness, userId: string) =>
  JSON.stringify((await openHome(h, userId)).args.view as unknown);

/** Keep or Change clicked in the App Home by `user`; the modal it opened (or undefined). */
async function clickDecision(h: Harness, actionId: string, reviewId: number, user: SlackUser) {
  const opens = h.slack.callsTo('views.open').length;
  const reply = await homeClick(h, actionId, String(reviewId), user);
  return { reply, opens };
}

const decisionSubmission = (reviewId: number, decision: string, note: string | null, user: SlackUser) =>
  viewSubmission({
    callbackId: CALLBACK_ID.attributionReview,
    privateMetadata: JSON.stringify({ reviewId, decision }),
    values: {
      [ATTRIBUTION_REVIEW_BLOCK_ID]: { [ACTION_ID.value]: { type: 'plain_text_input', value: note } },
    },
    user,
  });

describe('Review attribution', () => {
  let h: Harness | undefined;
  let sf: FakeSalesforce | undefined;
  afterEach(async () => {
    await stopAll(h, sf);
    h = sf = undefined;
  });

  it('a record linked at entry created before the first action: one item with the evidence; Keep closes it audited', async () => {
    sf = await FakeSalesforce.start();
    h = await start(sf);
    const renewal = sf.addOpportunity({ name: 'Litware renewal', createdDate: '2026-10-26' });
    const later = sf.addOpportunity({ name: 'Fabrikam pilot', createdDate: '2026-11-05' });
    const litware = await sendSourced(h, 'Litware');
    const fabrikam = await sendSourced(h, 'Fabrikam');
    await link(h, litware, renewal, true);
    // The CRM agrees: created after the partner's first action, partner-sourced as it is.
    await link(h, fabrikam, later, true);

    await poll(h);
    const [item, ...others] = await reviews(h);
    expect(others).toEqual([]);
    expect(item).toMatchObject({
      handoffId: litware.id,
      status: 'open',
      decidedBy: null,
      evidence: {
        crm: 'Salesforce',
        system: 'salesforce',
        recordId: renewal,
        recordName: 'Litware renewal',
        createdOn: '2026-10-26',
        touchOn: '2026-11-03',
        ruleClass: 'partner_influenced',
        classification: 'partner_sourced',
        setBy: 'rule',
        ambiguous: false,
      },
    });
    if (!item) throw new Error('no item');
    // The class is not touched: credit is fixed at entry.
    expect(await handoffRow(h, litware.id)).toMatchObject({ classification: 'partner_sourced' });
    expect(await correctionsOf(h, litware.id)).toEqual([]);

    // A second poll opens no other.
    await poll(h);
    expect(await reviews(h)).toHaveLength(1);

    // RevOps read it in words, with the two buttons; an AE's Home says nothing of it.
    const home = await homeText(h, REVOPS.id);
    expect(home).toContain(
      `Handoff #${litware.id} (Litware, Meridian Cloud Consulting): sent as partner-sourced by the rule. Salesforce says its opportunity “Litware renewal” was created on 2026-10-26, before the partner's first action on 2026-11-03: the rule would make it partner-influenced.`,
    );
    expect(home).toContain('Keep partner-sourced');
    expect(home).toContain('Change to partner-influenced');
    expect(home).not.toContain('Fabrikam pilot');
    const aeHome = await homeText(h, people.ae.id);
    expect(aeHome).not.toContain('Review attribution');
    expect(aeHome).not.toContain(ACTION_ID.reviewKeep);

    // Who else may not Keep or Change it, and what they read (a forged click, a forged submission): the
    // authorization matrix.
    // RevOps: Keep opens the modal that asks why; no reason is refused; with one, the item is closed, audited.
    const byRevops = await clickDecision(h, ACTION_ID.reviewKeep, item.id, revops);
    const modal = await openedView(h, byRevops.opens, CALLBACK_ID.attributionReview);
    expect(JSON.parse(modal.private_metadata)).toEqual({ reviewId: item.id, decision: 'keep' });
    expect(await submitView(h, decisionSubmission(item.id, 'keep', '   ', revops))).toMatchObject({
      body: { response_action: 'errors' },
    });
    h.clock.advance(60_000);
    const why = 'The partner brought the renewal back from a lost state: sourced stands.';
    expect(await submitView(h, decisionSubmission(item.id, 'keep', why, revops))).toEqual({
      via: 'inline',
      body: {},
    });
    expect((await reviews(h))[0]).toMatchObject({
      status: 'kept',
      decidedBy: REVOPS.id,
      decidedAt: h.clock.now(),
      note: why,
    });
    expect(await handoffRow(h, litware.id)).toMatchObject({ classification: 'partner_sourced' });
    expect(await correctionsOf(h, litware.id)).toEqual([]);
    // Decided: not offered again, and the same evidence opens none.
    expect(await homeText(h, REVOPS.id)).not.toContain('Litware renewal');
    await poll(h);
    expect(await reviews(h)).toHaveLength(1);
    await outboxDrained(h);
  });

  it("a person's correction stands against a record linked later: Change corrects the class as /handoff classify does", async () => {
    sf = await FakeSalesforce.start();
    h = await start(sf);
    const contoso = await sendSourced(h, 'Contoso');
    // RevOps corrected it by hand; then the AE links an opportunity created after the partner's first action.
    h.clock.advance(3_600_000);
    const typed = await slash(
      h,
      `classify ${contoso.id} influenced The account team was already working it.`,
      {
        user_id: REVOPS.id,
        team_id: TEAM,
      },
    );
    expect(await replyAt(h, typed)).toContain('is now *Partner-influenced*');
    await quiet(h);
    const expansion = sf.addOpportunity({ name: 'Contoso expansion', createdDate: '2026-11-10' });
    h.clock.advance(7 * 86_400_000);
    await link(h, contoso, expansion, false);
    await poll(h);
    // Not changed by the read-back (the person's correction stands): an item instead.
    expect(await handoffRow(h, contoso.id)).toMatchObject({ classification: 'partner_influenced' });
    const [item] = await reviews(h);
    expect(item).toMatchObject({
      status: 'open',
      evidence: { setBy: 'correction', correctedBy: REVOPS.id, ruleClass: 'partner_sourced' },
    });
    if (!item) throw new Error('no item');
    expect(await homeText(h, ADMIN.id)).toContain(
      `Handoff #${contoso.id} (Contoso, Meridian Cloud Consulting): partner-influenced by a person's correction (<@${REVOPS.id}>). Salesforce says its opportunity “Contoso expansion” was created on 2026-11-10, after the partner's first action on 2026-11-03: the rule would make it partner-sourced.`,
    );
    await outboxDrained(h);
    const aeDm = () => dmOf(h as Harness, people.ae.id)[0];
    expect(JSON.stringify(aeDm()?.blocks)).toContain('partner-influenced');

    // An admin changes it: the same path as /handoff classify, and every message follows.
    const byAdmin = await clickDecision(h, ACTION_ID.reviewChange, item.id, admin);
    const modal = await openedView(h, byAdmin.opens, CALLBACK_ID.attributionReview);
    expect(JSON.parse(modal.private_metadata)).toEqual({ reviewId: item.id, decision: 'change' });
    const why = 'The expansion is new business the partner opened.';
    expect(await submitView(h, decisionSubmission(item.id, 'change', why, admin))).toEqual({
      via: 'inline',
      body: {},
    });
    expect(await handoffRow(h, contoso.id)).toMatchObject({
      classification: 'partner_sourced',
      classificationReason: `Corrected by RevOps: Review attribution #${item.id}: ${why}`,
    });
    expect((await correctionsOf(h, contoso.id)).at(-1)).toMatchObject({
      fromClassification: 'partner_influenced',
      toClassification: 'partner_sourced',
      reason: `Review attribution #${item.id}: ${why}`,
      correctedByUserId: ADMIN.id,
    });
    expect((await correctedEventsOf(h, contoso.id)).at(-1)).toMatchObject({
      actorUserId: ADMIN.id,
      detail: { from: 'partner_influenced', to: 'partner_sourced' },
    });
    expect((await reviews(h))[0]).toMatchObject({ status: 'corrected', decidedBy: ADMIN.id, note: why });
    await outboxDrained(h);
    expect(JSON.stringify(aeDm()?.blocks)).toContain('partner-sourced');
    // The class now agrees with the CRM: nothing more to review.
    await poll(h);
    expect(await reviews(h)).toHaveLength(1);
    // Decided already: a second click says so, and opens nothing.
    const again = await clickDecision(h, ACTION_ID.reviewKeep, item.id, revops);
    await quiet(h);
    expect(h.slack.callsTo('views.open')).toHaveLength(again.opens);
    await outboxDrained(h);
  });
});
