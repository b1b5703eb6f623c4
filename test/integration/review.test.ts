import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PACKET_BLOCK_ID, REVIEW_BLOCK_ID } from '../../src/blocks/ids.js';
import { findScorecard } from '../../src/db/repositories/packets.js';
import { type PushedReview, pickOf, sentEventOf } from '../support/attributionFlow.js';
import { type Harness, quiet, startHarness, waitFor } from '../support/harness.js';
import { inlineErrors } from '../support/ib2-answers.js';
import { declineSubmission, northwind } from '../support/payloads.js';
import { channels, people } from '../support/people.js';
import {
  correctionRows,
  draftRows,
  handoffRows,
  hasReasonBox,
  headerOf,
  lastHandoff,
  messageCalls,
  ownerUser,
  REVIEW_ENV,
  resellerRows,
  reviewPacket,
  revopsUser,
  sendPacket,
  sendReview,
  slash,
  submitPacket,
  visibleText,
  weakPacket,
} from '../support/reviewFlow.js';

/** The AE's DM for a handoff, once the outbox has delivered it. */
const aeDmOf = (h: Harness, handoffId: number) =>
  waitFor(
    () =>
      h.slack
        .messages(h.slack.dmChannelFor(people.ae.id))
        .find((m) => JSON.stringify(m.blocks).includes(`Handoff #${handoffId} `)),
    8000,
    `the AE DM of handoff #${handoffId}`,
  );

describe('the review step before a handoff is sent', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ env: REVIEW_ENV });
  });
  afterEach(() => h.stop());

  describe('score, readiness and attribution', () => {
    it('shows a complete packet as 18/18 with every reason, sends nothing until Send, then stores and DMs the score', async () => {
      const { review, text } = await reviewPacket(h);

      expect(review.title.text).toBe('Review handoff');
      expect(review.submit?.text).toBe('Send to AE');
      expect(review.close?.text).toBe('Back to edit');
      expect(headerOf(review)).toBe('18/18 · Ready to hand off');
      for (const line of [
        "✅ *Target account logic* 2/2: strong: on the AE's priority list, identified by CRM opportunity or domain, and the trigger says why now",
        '✅ *Partner context* 2/2: strong: a named person with a role, and why the partner matters here (prior work, footprint or relationship)',
        '✅ *Relationship path* 2/2: strong: names the partner contact, who they know at the account and how the introduction happens',
        "✅ *Buyer problem* 2/2: strong: the trigger is in the buyer's words and the joint value is spelled out",
        '✅ *Partner offer* 2/2: strong: dated within two weeks and agreed in writing',
        '✅ *Next action* 2/2: strong: one concrete action',
        '✅ *Owner* 2/2: strong: one named person owns the next move, due Fri 4 Dec',
        '✅ *Acceptance criteria* 2/2: strong: accepting means taking the seller next move; accept or decline within 3 business days',
        '✅ *Proof* 2/2: strong: a specific evidence link that says what it points to',
      ]) {
        expect(text).toContain(line);
      }
      expect(text).toContain(
        [
          '*Readiness*',
          '✅ The seller next move is concrete and doable this week',
          "✅ The account is on the AE's priority list",
          '✅ The partner agreed their next move in writing',
          '✅ The evidence link supports the claims',
          '✅ The channel-conflict check is done and noted',
        ].join('\n'),
      );
      expect(text).not.toContain('⬜');
      expect(text).toContain(
        "*Attribution*: Partner-influenced\nThe opportunity existed on 2026-09-14, before or on the partner's first action on 2026-10-20.",
      );
      expect(text).toContain('No other open or recent handoff and no registered reseller on this account.');
      expect(text).toContain(`to <@${people.ae.id}>`);
      expect(text).toContain('a Slack Connect channel shared with the partner');
      expect(hasReasonBox(review)).toBe(false);

      // Reviewing is not sending: nothing stored as a handoff, nothing posted anywhere.
      await quiet(h);
      expect(await handoffRows(h)).toHaveLength(0);
      expect(messageCalls(h)).toHaveLength(0);
      expect(await draftRows(h)).toHaveLength(1);

      const { draftId } = JSON.parse(review.private_metadata) as { draftId: number };
      expect(await sendReview(h, draftId)).toEqual({ response_action: 'clear' });
      // A repeated Send of the draft that went gets the same closed modal, and stores nothing more.
      expect(await sendReview(h, draftId)).toEqual({ response_action: 'clear' });

      const [handoff, ...others] = await handoffRows(h);
      expect(others).toHaveLength(0);
      if (!handoff) throw new Error('no handoff stored');
      expect(handoff).toMatchObject({
        status: 'sent',
        score: 18,
        scoreBand: 'ready',
        classification: 'partner_influenced',
        classificationReason:
          "The opportunity existed on 2026-09-14, before or on the partner's first action on 2026-10-20.",
        overrideReason: null,
        accountKey: 'northwind logistics',
        accountDomain: 'northwind.com',
      });
      // The scorecard reviewed is stored beside the handoff (its own table), scored when it was sent.
      expect(handoff.scorecard).toBeNull();
      const card = await findScorecard(h.database.db, handoff.id);
      expect(card?.scoredAt).toEqual(handoff.sentAt);
      expect(card?.components.map((c) => [c.id, c.score])).toEqual([
        ['target_account', 2],
        ['partner_context', 2],
        ['relationship_path', 2],
        ['buyer_problem', 2],
        ['partner_offer', 2],
        ['next_action', 2],
        ['owner', 2],
        ['acceptance_criteria', 2],
        ['proof', 2],
      ]);
      expect(card?.components.every((c) => c.reason.startsWith('strong: '))).toBe(true);

      const dm = await aeDmOf(h, handoff.id);
      expect(JSON.stringify(dm.blocks)).toContain('packet *18/18* (Ready to hand off) · partner-influenced');
    });

    it('counts its own clean conflict check: a strong packet with no risk note is ready, for the author and the AE alike', async () => {
      const { review, text, draftId } = await reviewPacket(h, { riskNote: null });
      expect(text).toContain('No other open or recent handoff and no registered reseller on this account.');
      expect(text).toContain(
        '✅ The channel-conflict check is done: the app found no other partner and no registered reseller on this account',
      );
      expect(text).not.toContain('⬜');
      expect(headerOf(review)).toBe('18/18 · Ready to hand off');

      expect(await sendReview(h, draftId)).toEqual({ response_action: 'clear' });
      const [handoff] = await handoffRows(h);
      if (!handoff) throw new Error('no handoff stored');
      expect(handoff).toMatchObject({ riskNote: null, findings: [], score: 18 });
      const dm = await aeDmOf(h, handoff.id);
      expect(JSON.stringify(dm.blocks)).toContain('packet *18/18* (Ready to hand off) · partner-influenced');
    });

    it('classifies a packet with no CRM opportunity, or one created after the partner acted, as partner-sourced', async () => {
      // Without a CRM, the class is said to come from the packet alone, not that no opportunity existed.
      const { text, review } = await reviewPacket(h, { crmOpportunity: null, opportunityCreatedOn: null });
      expect(text).toContain(
        '*Attribution*: Partner-sourced\nNo CRM checked: the class comes from the packet alone, which names no existing opportunity.',
      );
      expect(text).not.toContain('No opportunity existed');
      expect(pickOf(review as PushedReview)).toBeUndefined();
      const handoff = await sendPacket(h, { crmOpportunity: null, opportunityCreatedOn: null });
      expect(handoff).toMatchObject({ classification: 'partner_sourced', attribution: { basis: 'packet' } });
      expect((await sentEventOf(h, handoff.id))?.detail).not.toHaveProperty('attribution');
      const dm = await aeDmOf(h, handoff.id);
      expect(JSON.stringify(dm.blocks)).toContain('· partner-sourced');
      // So is an opportunity created after the partner first acted.
      const { text: after } = await reviewPacket(h, {
        opportunityCreatedOn: '2026-10-21',
        partnerTouchOn: '2026-10-20',
      });
      expect(after).toContain(
        "*Attribution*: Partner-sourced\nThe opportunity was created on 2026-10-21, after the partner's first action on 2026-10-20.",
      );
    });
  });

  describe('edit and return', () => {
    it('replaces the draft when the same packet view is submitted again, keeps nothing from an invalid one, and sends the edited version once', async () => {
      const viewId = 'V0PACKETEDIT';
      const first = await reviewPacket(h, {}, { viewId });
      expect(headerOf(first.review)).toBe('18/18 · Ready to hand off');

      // Back to edit (Slack keeps the input), remove the evidence link, submit the same packet view again.
      const second = await reviewPacket(h, { evidenceUrl: null }, { viewId });
      expect(second.draftId).toBe(first.draftId);
      // Not "Ready to hand off" beside an open readiness item (issue 50 item 20).
      expect(headerOf(second.review)).toBe('16/18 · Strong, not ready: 1 readiness item open');
      expect(second.text).toContain('❌ *Proof* 0/2: missing: no evidence link');
      expect(second.text).toContain('⬜ The evidence link supports the claims');
      expect(await draftRows(h)).toHaveLength(1);
      // An invalid resubmission keeps nothing: the inline error comes back and the draft stays as it was.
      const { answer } = await submitPacket(h, { evidenceUrl: 'not a link' }, { viewId });
      expect(answer).toEqual(
        inlineErrors({ [PACKET_BLOCK_ID.evidenceUrl]: 'Use a full link starting with https:// or http://.' }),
      );
      expect(await draftRows(h)).toEqual([
        expect.objectContaining({
          id: first.draftId,
          content: expect.objectContaining({ scorecard: expect.objectContaining({ total: 16 }) }),
        }),
      ]);
      await quiet(h);
      expect(await handoffRows(h)).toHaveLength(0);
      expect(messageCalls(h)).toHaveLength(0);

      expect(await sendReview(h, second.draftId)).toEqual({ response_action: 'clear' });
      const stored = await handoffRows(h);
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ evidenceUrl: null, score: 16, scoreBand: 'ready' });
      const card = await findScorecard(h.database.db, stored[0]?.id ?? 0);
      expect(card?.components.find((c) => c.id === 'proof')).toEqual({
        id: 'proof',
        score: 0,
        reason: 'missing: no evidence link',
      });
      const dm = await aeDmOf(h, stored[0]?.id ?? 0);
      const dmJson = JSON.stringify(dm.blocks);
      // One verdict: the AE reads what the author read, not the bare band (issue 77 item 8).
      expect(dmJson).toContain('packet *16/18* (Strong, not ready: 1 readiness item open)');
      expect(dmJson).not.toContain('Ready to hand off');
      expect(dmJson).toContain('_No evidence link_');
      await quiet(h);
      expect(h.slack.messages(h.slack.dmChannelFor(people.ae.id))).toHaveLength(1);
    });
  });

  describe('below the lowest band', () => {
    it('asks why it should go anyway, refuses Send without a reason and records the reason', async () => {
      // A window over the program's longest is refused in the form, not scored weak after it (issue 77 item 19).
      const long = await submitPacket(h, { ...weakPacket, responseWindowDays: '8' });
      expect(long.answer).toEqual(
        inlineErrors({ [PACKET_BLOCK_ID.responseWindowDays]: 'The window is at most 5 business days.' }),
      );
      const { review, draftId, text } = await reviewPacket(h, weakPacket);
      expect(headerOf(review)).toBe('7/18 · Keep building');
      for (const line of [
        "⚠️ *Target account logic* 1/2: weak: not confirmed on the AE's priority list",
        '⚠️ *Partner context* 1/2: weak: partner contact has no role',
        '❌ *Relationship path* 0/2: missing: the warm path names nobody on the partner side',
        '⚠️ *Buyer problem* 1/2: weak: generic trigger, with no words from the buyer (asked, said, needs…)',
        "⚠️ *Partner offer* 1/2: weak: the partner's next move has no date",
        '⚠️ *Next action* 1/2: weak: vague (follow up, reach out…); name the concrete action',
        '⚠️ *Owner* 1/2: weak: the next move the owner chases has no date',
        '⚠️ *Acceptance criteria* 1/2: weak: accepting would mean a vague move (follow up, reach out…); say what the AE commits to',
        '❌ *Proof* 0/2: missing: no evidence link',
      ]) {
        expect(text).toContain(line);
      }
      expect(text).toContain('⬜ The seller next move is concrete and doable this week');
      expect(text).toContain("⬜ The account is on the AE's priority list");
      expect(text).toContain('⬜ The partner agreed their next move in writing');
      expect(text).toContain('⬜ The evidence link supports the claims');
      expect(text).toContain('✅ The channel-conflict check is done and noted');
      expect(hasReasonBox(review)).toBe(true);
      expect(text).toContain(
        'Why send it anyway?\nThis packet is below the lowest band. The reason is recorded with the handoff.',
      );

      // A blank reason (Slack lets spaces through a required input) is refused inline; nothing is stored.
      expect(await sendReview(h, draftId, { overrideReason: '   ' })).toEqual(
        inlineErrors({
          [REVIEW_BLOCK_ID.override]:
            'This packet is below the lowest band. Say why it should go anyway, or go back and strengthen it.',
        }),
      );
      await quiet(h);
      expect(await handoffRows(h)).toHaveLength(0);
      expect(messageCalls(h)).toHaveLength(0);

      const reason = 'Dana asked for speed: the ops director meets the AE on Thursday either way.';
      expect(await sendReview(h, draftId, { overrideReason: reason })).toEqual({ response_action: 'clear' });
      expect(await handoffRows(h)).toEqual([
        expect.objectContaining({ score: 7, scoreBand: 'keep_building', overrideReason: reason }),
      ]);
      const dm = await aeDmOf(h, (await lastHandoff(h)).id);
      expect(JSON.stringify(dm.blocks)).toContain('packet *7/18* (Keep building)');
    });

    it('does not ask for a reason, or record one, in the fix band', async () => {
      // 7 + strong relationship path (2) + a dated partner move (owner strong, +1) = 10: the lowest "Fix" score.
      const { review, draftId } = await reviewPacket(h, {
        ...weakPacket,
        warmPath: northwind.warmPath,
        partnerNextMoveDate: northwind.partnerNextMoveDate,
      });
      expect(headerOf(review)).toBe('10/18 · Fix the weak parts');
      expect(hasReasonBox(review)).toBe(false);
      expect(await sendReview(h, draftId)).toEqual({ response_action: 'clear' });
      expect(await lastHandoff(h)).toMatchObject({ score: 10, scoreBand: 'fix', overrideReason: null });
    });
  });

  describe('channel conflict', () => {
    it('requires the risk note when another partner has an open handoff on the same account, then lists it', async () => {
      const other = await sendPacket(h, {
        accountName: 'Northwind Logistics, Inc.',
        accountDomain: null,
        partnerOrg: 'Contoso Partners',
        partnerChannelId: null, // not on Slack Connect: #ext-meridian is Meridian's
      });
      const draftsBefore = (await draftRows(h)).length;

      const meridian = { accountName: 'The Northwind Logistics', accountDomain: null };
      const { answer } = await submitPacket(h, { ...meridian, riskNote: null });
      expect(answer).toEqual(
        inlineErrors({
          [PACKET_BLOCK_ID.riskNote]: `Channel conflict: Contoso Partners is already on it (handoff #${other.id}). Note how the conflict and the credit are settled before sending.`,
        }),
      );
      expect(await draftRows(h)).toHaveLength(draftsBefore);

      const { review, draftId, text } = await reviewPacket(h, {
        ...meridian,
        riskNote: 'Contoso introduced the finance team; Meridian the ops team. Alliances split credit 50/50.',
      });
      expect(text).toContain(
        `*On this account*\n• *Channel conflict*: handoff #${other.id} Northwind Logistics, Inc. via Contoso Partners, waiting for the AE (AE <@${people.ae.id}>)`,
      );
      expect(hasReasonBox(review)).toBe(false);
      expect(await sendReview(h, draftId)).toEqual({ response_action: 'clear' });
      expect(await lastHandoff(h)).toMatchObject({
        accountName: 'The Northwind Logistics',
        accountKey: 'northwind logistics',
        partnerOrg: 'Meridian Cloud Consulting',
        overrideReason: null,
      });
      expect(await handoffRows(h)).toHaveLength(2);
    });

    it('stops a send when another partner arrived on the account after the review, until the conflict is noted', async () => {
      const { draftId } = await reviewPacket(h, { riskNote: null }, { viewId: 'V0MERIDIAN' });
      await sendPacket(h, {
        partnerOrg: 'Contoso Partners',
        partnerChannelId: null, // not on Slack Connect: #ext-meridian is Meridian's
        riskNote: 'Meridian may also be on it; credit via ops.',
      });
      const answer = await sendReview(h, draftId);
      expect(answer.response_action).toBe('update');
      expect(JSON.stringify(answer.view)).toContain('Go back and note the conflict first.');
      expect((await handoffRows(h)).map((row) => row.partnerOrg)).toEqual(['Contoso Partners']);
    });
  });

  describe('duplicates', () => {
    it('lists an open handoff of the same partner on the account as a duplicate and sends only with a reason', async () => {
      const first = await sendPacket(h);
      const { review, draftId, text } = await reviewPacket(h, { accountName: 'northwind logistics ltd.' });
      expect(text).toContain(
        `• *Duplicate*: handoff #${first.id} Northwind Logistics via Meridian Cloud Consulting, waiting for the AE (AE <@${people.ae.id}>)`,
      );
      expect(hasReasonBox(review)).toBe(true);
      expect(text).toContain('This duplicates an open handoff. The reason is recorded with the handoff.');

      expect(await sendReview(h, draftId, { overrideReason: ' ' })).toEqual(
        inlineErrors({
          [REVIEW_BLOCK_ID.override]:
            'This looks like a duplicate of an open handoff. Say why it should go anyway, or go back.',
        }),
      );
      expect(await handoffRows(h)).toHaveLength(1);

      const reason = 'A second buying centre: the finance team, with its own budget.';
      expect(await sendReview(h, draftId, { overrideReason: reason })).toEqual({ response_action: 'clear' });
      expect(await handoffRows(h)).toHaveLength(2);
      expect(await lastHandoff(h)).toMatchObject({
        accountName: 'northwind logistics ltd.',
        overrideReason: reason,
      });
    });

    it('is not a duplicate once the earlier handoff is closed and the same partner is not counted as a conflict', async () => {
      const first = await sendPacket(h);
      const declined = await h.interact(declineSubmission({ handoffId: first.id, note: 'Not now.' }));
      expect(declined.status).toBe(200);
      await waitFor(async () => (await handoffRows(h))[0]?.status === 'declined', 8000, 'the decline');
      const { review, text } = await reviewPacket(h);
      expect(text).not.toContain('*Duplicate*');
      expect(text).not.toContain('*Channel conflict*');
      expect(hasReasonBox(review)).toBe(false);
    });

    it('catches a duplicate sent by someone else between the review and Send, and lets the author give a reason', async () => {
      const viewId = 'V0PACKETRACE';
      const mine = await reviewPacket(h, {}, { viewId });
      expect(mine.text).toContain('No other open or recent handoff');
      expect(hasReasonBox(mine.review)).toBe(false);

      // Meanwhile a colleague sends the same account and partner.
      const theirs = await sendPacket(h, {}, { user: ownerUser });
      expect(theirs.authorUserId).toBe(people.owner.id);

      const answer = await sendReview(h, mine.draftId);
      expect(answer.response_action).toBe('update');
      expect(answer.view?.title.text).toBe('Not sent');
      expect(visibleText(answer.view)).toBe(
        'This looks like a duplicate of an open handoff. Say why it should go anyway, or go back. Go back, submit the packet again, and give the reason in the review.',
      );
      expect(await handoffRows(h)).toHaveLength(1);

      // Back, and the same packet view submitted again: the review now shows the duplicate and asks why.
      const again = await reviewPacket(h, {}, { viewId });
      expect(again.draftId).toBe(mine.draftId);
      expect(again.text).toContain(`• *Duplicate*: handoff #${theirs.id} Northwind Logistics`);
      expect(hasReasonBox(again.review)).toBe(true);
      const reason = 'Pat and Olu talked: Pat keeps the ops motion, the AE sees both.';
      expect(await sendReview(h, again.draftId, { overrideReason: reason })).toEqual({
        response_action: 'clear',
      });
      expect(await handoffRows(h)).toHaveLength(2);
      expect(await lastHandoff(h)).toMatchObject({ authorUserId: people.author.id, overrideReason: reason });
    });
  });

  describe('account matching by domain', () => {
    it('matches "NW Logistics" at https://www.northwind.com with an open handoff at northwind.com', async () => {
      const first = await sendPacket(h);
      const { review, text } = await reviewPacket(h, {
        accountName: 'NW Logistics',
        accountDomain: 'https://www.northwind.com',
      });
      expect(text).toContain(
        `• *Duplicate*: handoff #${first.id} Northwind Logistics via Meridian Cloud Consulting`,
      );
      expect(hasReasonBox(review)).toBe(true);

      // Another partner on the same domain is a conflict: the risk note is required.
      const { answer } = await submitPacket(h, {
        accountName: 'NW Logistics',
        accountDomain: 'eu.shop.northwind.com',
        partnerOrg: 'Contoso Partners',
        partnerChannelId: null, // not on Slack Connect: #ext-meridian is Meridian's
        riskNote: null,
      });
      expect(answer.errors?.[PACKET_BLOCK_ID.riskNote]).toContain(
        `Meridian Cloud Consulting is already on it (handoff #${first.id})`,
      );

      // Not a different registrable domain, nor a different name without a domain.
      for (const values of [
        { accountName: 'NW Logistics', accountDomain: 'northwind.com.au' },
        { accountName: 'NW Logistics', accountDomain: null },
        { accountName: 'Northwind', accountDomain: null },
      ]) {
        const { text, review } = await reviewPacket(h, values);
        expect(text, JSON.stringify(values)).toContain('No other open or recent handoff');
        expect(hasReasonBox(review)).toBe(false);
      }
    });
  });

  describe('registered resellers', () => {
    it('lets RevOps register a reseller, refuses others, lists it to anyone and flags another partner as a conflict', async () => {
      expect(
        await slash(h, 'reseller add Northwind Logistics | Contoso Resellers', { id: people.author.id }),
      ).toBe('Only RevOps or an admin can do that. Nothing was changed.');
      expect(await resellerRows(h)).toHaveLength(0);
      expect(await slash(h, 'reseller list')).toBe('No reseller is registered yet.');

      expect(await slash(h, 'reseller add Northwind Logistics | Contoso Resellers', revopsUser)).toBe(
        "Registered *Contoso Resellers* as a reseller on *Northwind Logistics*. Another partner's handoff on it will be flagged as a channel conflict.",
      );
      expect(await resellerRows(h)).toEqual([
        expect.objectContaining({
          accountKey: 'northwind logistics',
          accountName: 'Northwind Logistics',
          resellerKey: 'contoso resellers',
          resellerName: 'Contoso Resellers',
          addedByUserId: people.member.id,
        }),
      ]);
      expect(
        await slash(h, 'reseller add Northwind Logistics, Inc. | Contoso Resellers Ltd', revopsUser),
      ).toBe('*Contoso Resellers Ltd* was already registered on *Northwind Logistics, Inc.*.');

      expect(await slash(h, 'reseller list', { id: people.author.id })).toBe(
        '• *Northwind Logistics*: Contoso Resellers',
      );
      expect(await slash(h, 'reseller list The Northwind Logistics', { id: people.ae.id })).toBe(
        '• *Northwind Logistics*: Contoso Resellers',
      );
      // The reseller's own handoff on its account is not flagged.
      const own = await reviewPacket(h, { partnerOrg: 'Contoso Resellers Ltd', riskNote: null });
      expect(own.text).toContain(
        'No other open or recent handoff and no registered reseller on this account.',
      );
      expect(hasReasonBox(own.review)).toBe(false);

      const { answer } = await submitPacket(h, { riskNote: null });
      expect(answer).toEqual(
        inlineErrors({
          [PACKET_BLOCK_ID.riskNote]:
            'Channel conflict: Contoso Resellers is a registered reseller. Note how the conflict and the credit are settled before sending.',
        }),
      );
      expect(await handoffRows(h)).toHaveLength(0);

      const { review, draftId, text } = await reviewPacket(h, {
        riskNote: 'Contoso Resellers holds the licence; Meridian implements. Alliances confirmed credit.',
      });
      expect(text).toContain('• *Registered reseller*: Contoso Resellers on Northwind Logistics');
      expect(hasReasonBox(review)).toBe(false);
      expect(await sendReview(h, draftId)).toEqual({ response_action: 'clear' });
      expect(await handoffRows(h)).toHaveLength(1);
    });
  });

  describe('classification corrections', () => {
    it('lets RevOps correct a classification with an audit record, refuses others, bare, malformed and unknown corrections, posts nothing', async () => {
      const handoff = await sendPacket(h);
      expect(handoff.classification).toBe('partner_influenced');
      expect(await slash(h, `classify ${handoff.id} sideways because`, revopsUser)).toBe(
        'Usage: `/handoff classify <handoff #> sourced|influenced <why>`',
      );
      expect(await slash(h, 'classify 999 sourced a reason', revopsUser)).toBe(
        'There is no classified handoff #999. Nothing was changed.',
      );
      const dmBefore = await aeDmOf(h, handoff.id);
      await quiet(h);
      const callsBefore = messageCalls(h).length;

      const reason = "The opportunity was reopened from closed-lost after Meridian's introduction.";
      expect(await slash(h, `classify ${handoff.id} sourced ${reason}`, { id: people.author.id })).toBe(
        'Only RevOps or an admin can do that. Nothing was changed.',
      );
      expect(await slash(h, `classify ${handoff.id} sourced`, revopsUser)).toBe(
        'Say why: the reason is kept in the audit record. Nothing was changed.',
      );
      expect(await slash(h, `classify ${handoff.id} influenced ${reason}`, revopsUser)).toBe(
        `Handoff #${handoff.id} is already partner-influenced. Nothing was changed.`,
      );
      expect((await lastHandoff(h)).classification).toBe('partner_influenced');
      expect(await correctionRows(h)).toHaveLength(0);

      h.clock.advance(2 * 3_600_000);
      expect(await slash(h, `classify #${handoff.id} sourced ${reason}`, revopsUser)).toBe(
        `Handoff #${handoff.id} is now *Partner-sourced* (was Partner-influenced). The correction is recorded with your name, the time and your reason.`,
      );
      expect(await lastHandoff(h)).toMatchObject({ classification: 'partner_sourced', status: 'sent' });
      expect(await correctionRows(h)).toEqual([
        expect.objectContaining({
          handoffId: handoff.id,
          fromClassification: 'partner_influenced',
          toClassification: 'partner_sourced',
          reason,
          correctedByUserId: people.member.id,
          correctedAt: new Date('2026-11-23T16:00:00Z'),
        }),
      ]);

      // An internal correction: nothing new is posted and nothing reaches the partner channel; the messages that
      // show the handoff (the AE's packet states its classification) are brought up to date in place.
      await quiet(h);
      const since = messageCalls(h).slice(callsBefore);
      expect(since.map((c) => c.method)).toEqual(since.map(() => 'chat.update'));
      expect(h.slack.messages(channels.partner.id)).toHaveLength(0);
      const [dmNow] = h.slack.messages(h.slack.dmChannelFor(people.ae.id));
      expect(h.slack.messages(h.slack.dmChannelFor(people.ae.id))).toHaveLength(1);
      expect(dmNow?.ts).toBe(dmBefore?.ts);
      expect(JSON.stringify(dmNow?.blocks)).toContain('partner-sourced');
      expect(JSON.stringify(dmBefore?.blocks)).toContain('partner-influenced');
    });
  });
});
