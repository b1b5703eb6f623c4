import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { followReplies } from '../../src/blocks/following.js';
import { ACTION_ID } from '../../src/blocks/ids.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, waitFor } from '../support/harness.js';
import { dmOf, handoffRow, slashReply, submit } from '../support/ownerFlow.js';
import {
  accept,
  clickOutcome,
  partnerHarnesses,
  partnerMessages,
  shown,
  threadReplies,
} from '../support/partnerFlow.js';
import { blockAction, declineSubmission } from '../support/payloads.js';
import { PARTNER_TEAM, people, TEAM } from '../support/people.js';
import { modalButton, type ProgramView, viewOpenedBy, viewText } from '../support/programFlow.js';

/**
 * Anyone of ours who may view a handoff may Follow it from its view (all its news, or its decisions only), and each
 * partner names internal partner managers (`/handoff partners managers`). Both hear of its decisions and, if they chose
 * so, its outcomes, in a short DM of their own, queued with the change; nobody who hears of it by their role (the
 * owner, the author, the AE) is told twice, and the partner never sees who follows.
 */

const start = partnerHarnesses();
/** Mo is RevOps: they may view any handoff, and keep the partner directory. */
const ENV = { REVOPS_USER_IDS: people.member.id };
/** An outcome waits for its undo window before anyone but its own people hears of it. */
const UNDO = { ...ENV, OUTCOME_UNDO_SECONDS: '60' };
const PARTNER = 'Meridian Cloud Consulting';

type User = { id: string; team_id: string };
const mo: User = { id: people.member.id, team_id: TEAM };
const sam: User = { id: people.otherAe.id, team_id: TEAM };
const pat: User = { id: people.author.id, team_id: TEAM };
const dana: User = { id: people.partner.id, team_id: PARTNER_TEAM };

/** `/handoff view <#>` typed by `user`: the modal it opened. */
async function openView(h: Harness, user: User, handoffId: number): Promise<ProgramView> {
  const triggerId = h.slack.issueTriggerId();
  const response = await h.command({
    text: `view ${handoffId}`,
    user_id: user.id,
    user_name: user.id.toLowerCase(),
    trigger_id: triggerId,
    response_url: h.slack.responseUrl(),
  });
  expect(response.status).toBe(200);
  return viewOpenedBy(h, 'views.open', triggerId);
}

/** Clicks a follow button of the view modal; resolves once the modal shows `expected`. */
async function clickInView(h: Harness, user: User, view: ProgramView, actionId: string, expected: string) {
  const id = buttonValue(view, actionId);
  await modalButton(h, user, view, actionId, id);
  return waitFor(
    () => {
      const now = h.slack.view(view.id) as unknown as ProgramView | undefined;
      return now && viewText(now).includes(expected) ? now : undefined;
    },
    6000,
    `the view showing “${expected}”`,
  );
}

function buttonValue(view: ProgramView, actionId: string): string {
  const button = view.blocks
    .flatMap((b) => b.elements ?? [])
    .find((e) => e.type === 'button' && e.action_id === actionId);
  if (!button?.value) throw new Error(`the view has no ${actionId} button`);
  return button.value;
}

/** A Follow click on the handoff (as an older view would send it); resolves once it is stored. */
async function followByClick(h: Harness, user: User, handoffId: number): Promise<void> {
  const response = await h.interact(
    blockAction({
      actionId: ACTION_ID.follow,
      value: String(handoffId),
      user,
      responseUrl: h.slack.responseUrl(),
    }),
  );
  expect(response.status).toBe(200);
  await waitFor(
    async () => (await followRows(h, handoffId)).some((r) => r.userId === user.id),
    6000,
    'the follow stored',
  );
}

const followRows = (h: Harness, handoffId: number) =>
  h.database.db
    .select()
    .from(h.tables.handoffFollowers)
    .where(eq(h.tables.handoffFollowers.handoffId, handoffId))
    .orderBy(asc(h.tables.handoffFollowers.userId));

/**
 * The watchers' DMs (a follower's or a partner manager's) this person got about the handoff: its title, then what
 * happened and when (the line why they are told comes with the first one only).
 */
const watcherDms = (h: Harness, userId: string, handoffId: number) =>
  dmOf(h, userId).filter(
    (m) =>
      (m.text ?? '').startsWith(`Handoff #${handoffId} · `) &&
      new RegExp(`^#${handoffId} \\*[^\\n]*\\n[^\\n]* · <!date\\^`).test(
        (m.blocks?.[0] as { text?: { text?: string } } | undefined)?.text?.text ?? '',
      ),
  );

describe('following a handoff', () => {
  it('follows from the view modal; an accept then brings the follower one DM, in their own time zone, the owner who follows too one message; unfollowed, nothing more', async () => {
    const h = await start(ENV);
    const { handoff } = await sendHandoff(h);
    const view = await openView(h, mo, handoff.id);
    expect(viewText(view)).toContain('Follow it to hear of its decisions and outcomes');
    const followed = await clickInView(h, mo, view, ACTION_ID.follow, 'You follow this handoff');
    expect(viewText(followed)).toContain('decisions and outcomes');
    expect(await followRows(h, handoff.id)).toEqual([
      { installationId: 1, handoffId: handoff.id, userId: mo.id, notify: 'all', createdAt: h.clock.now() },
    ]);
    // The owner's own view offers no Follow (they hear of it anyway), and a Follow clicked anyway (an older view's)
    // adds nothing they would read twice.
    expect(handoff.ownerUserId).toBe(pat.id);
    const patView = await openView(h, pat, handoff.id);
    expect(() => buttonValue(patView, ACTION_ID.follow)).toThrow();
    await followByClick(h, pat, handoff.id);
    await quiet(h);
    const patBefore = dmOf(h, pat.id).length;

    await accept(h, handoff.id);
    await waitFor(() => watcherDms(h, mo.id, handoff.id).length === 1, 8000, "the follower's DM");
    await waitFor(() => threadReplies(h).length === 1, 8000, 'the acceptance reply');
    await quiet(h);
    const patAfter = dmOf(h, pat.id).slice(patBefore);
    expect(patAfter).toHaveLength(1);
    expect(shown(patAfter[0])).toContain(`#${handoff.id}`);
    expect(watcherDms(h, pat.id, handoff.id)).toEqual([]);
    const [told] = watcherDms(h, mo.id, handoff.id);
    expect(watcherDms(h, mo.id, handoff.id)).toHaveLength(1);
    expect(told?.text).toBe(
      `Handoff #${handoff.id} · ${handoff.accountName} (${handoff.partnerOrg}): accepted`,
    );
    // Internal: it names the AE; the date is a Slack token, shown in the reader's own time zone.
    expect(shown(told)).toContain(`Accepted by <@${people.ae.id}>`);
    expect(shown(told)).toMatch(/<!date\^\d+\^\{date_short_pretty\} at \{time\}\|/);
    expect(shown(told)).toContain('You follow this handoff (decisions and outcomes)');

    // Unfollowed, a follower hears nothing more.
    await clickInView(h, mo, followed, ACTION_ID.unfollow, 'Follow it to hear');
    expect((await followRows(h, handoff.id)).map((r) => r.userId)).toEqual([pat.id]);
    await clickOutcome(h, 'meeting_held', handoff.id);
    await waitFor(() => threadReplies(h).length === 2, 8000, 'the partner told of the meeting');
    await quiet(h);
    expect(watcherDms(h, mo.id, handoff.id)).toHaveLength(1);
  });

  it('a follower of the decisions only hears no outcome; a watcher of all hears it once its undo window ends', async () => {
    const h = await start(UNDO);
    const { handoff } = await sendHandoff(h);
    // Sam manages the partner, told of all.
    expect(await slashReply(h, mo, `partners managers ${PARTNER} ${sam.id}`)).toContain(`<@${sam.id}>`);
    const moView = await openView(h, mo, handoff.id);
    await clickInView(h, mo, moView, ACTION_ID.followDecisions, 'decisions only');
    // The author follows too (all, by a Follow of an older view): they hear by their role, so no follower's DM
    // comes to them.
    await followByClick(h, pat, handoff.id);
    expect((await followRows(h, handoff.id)).map((r) => [r.userId, r.notify])).toEqual([
      [pat.id, 'all'],
      [mo.id, 'decisions'],
    ]);
    await accept(h, handoff.id);
    await waitFor(() => watcherDms(h, mo.id, handoff.id).length === 1, 8000, 'the accept DM');
    await waitFor(() => threadReplies(h).length === 1, 8000, 'the acceptance reply');

    // Mo switches to all, then back to decisions only: the modal follows each choice.
    const again = await openView(h, mo, handoff.id);
    const all = await clickInView(h, mo, again, ACTION_ID.follow, 'its decisions and outcomes in your DMs');
    await clickInView(h, mo, all, ACTION_ID.followDecisions, 'its decisions only in your DMs');

    await clickOutcome(h, 'meeting_held', handoff.id);
    await quiet(h);
    expect(watcherDms(h, sam.id, handoff.id)).toHaveLength(1);
    h.clock.advance(60_000);
    await waitFor(() => threadReplies(h).length === 2, 8000, 'the partner told of the meeting');
    await waitFor(() => watcherDms(h, sam.id, handoff.id).length === 2, 8000, 'the meeting told to Sam');
    await quiet(h);
    expect(shown(watcherDms(h, sam.id, handoff.id)[1])).toContain(`Meeting held by <@${people.ae.id}>`);
    // Why Sam is told, and how to stop, was said in the first DM about it, not again (issue 77 item 19).
    expect(shown(watcherDms(h, sam.id, handoff.id)[0])).toContain('You are a partner manager');
    expect(shown(watcherDms(h, sam.id, handoff.id)[1])).not.toContain('You are a partner manager');
    expect(watcherDms(h, mo.id, handoff.id)).toHaveLength(1);
    expect(watcherDms(h, pat.id, handoff.id)).toEqual([]);
  });

  it('an expiry while the AE was away reads to a follower as to everyone: not their silence', async () => {
    const h = await start(ENV);
    const { handoff } = await sendHandoff(h);
    const view = await openView(h, mo, handoff.id);
    await clickInView(h, mo, view, ACTION_ID.follow, 'You follow this handoff');
    h.slack.setStatus(people.ae.id, {
      text: 'Out of office',
      emoji: ':airplane:',
      expiration: new Date('2027-01-04T08:00:00Z'),
    });
    await h.app.scheduler.runNow('response-window-sweep');
    await quiet(h);
    h.clock.set((await handoffRow(h, handoff.id)).dueAt);
    await h.app.scheduler.runNow('response-window-sweep');
    await waitFor(() => watcherDms(h, mo.id, handoff.id).length === 1, 8000, "the follower's DM");
    const told = shown(watcherDms(h, mo.id, handoff.id)[0]);
    // The touch log's words, which the history, the owner's notice and the metrics share.
    expect(told).toContain(`Expired while <@${people.ae.id}> was away (not counted as silence)`);
    expect(told).not.toMatch(/did not answer in time|no answer from/);
  });
});

describe('followers named for someone else', () => {
  it('an admin names Sam to follow a handoff: Sam is told and hears its decisions; only admins name others', async () => {
    // Olu (the handoff's owner) is an admin here.
    const h = await start({ ...ENV, ADMIN_USER_IDS: people.owner.id });
    const olu: User = { id: people.owner.id, team_id: TEAM };
    const { handoff } = await sendHandoff(h);
    // Only admins name others (the authorization matrix). Nobody of another organization follows.
    expect(await slashReply(h, olu, `follow ${handoff.id} <@${dana.id}|dana>`)).toBe(
      `<@${dana.id}> is not in our workspace: choose people of our own workspaces. Nothing was changed.`,
    );

    expect(await slashReply(h, olu, `follow ${handoff.id} <@${sam.id}|sam> decisions`)).toBe(
      followReplies.named(handoff.id, sam.id, 'decisions'),
    );
    expect((await followRows(h, handoff.id)).map((r) => [r.userId, r.notify])).toEqual([
      [sam.id, 'decisions'],
    ]);
    const told = await waitFor(
      () => dmOf(h, sam.id).find((m) => shown(m).includes('made you a follower')),
      8000,
      'Sam told',
    );
    expect(told.text).toBe(
      `Handoff #${handoff.id} · ${handoff.accountName} (${handoff.partnerOrg}): you follow it now`,
    );
    expect(shown(told)).toContain(
      `:eyes: <@${olu.id}> made you a follower of #${handoff.id} *${handoff.accountName}* (via ${handoff.partnerOrg}): you hear of its decisions only in your DMs. \`/handoff unfollow ${handoff.id}\` stops it.`,
    );

    await accept(h, handoff.id);
    await waitFor(() => watcherDms(h, sam.id, handoff.id).length === 1, 8000, "the follower's DM");

    // Sam may not view the handoff, yet stops following it himself.
    expect(await slashReply(h, sam, `unfollow ${handoff.id}`)).toBe(followReplies.done(handoff.id, null));
    expect(await followRows(h, handoff.id)).toEqual([]);
    // Anyone who may view it follows it themselves by the command too.
    expect(await slashReply(h, mo, `follow ${handoff.id}`)).toBe(followReplies.done(handoff.id, 'all'));
    expect((await followRows(h, handoff.id)).map((r) => [r.userId, r.notify])).toEqual([[mo.id, 'all']]);
    // The admin takes someone off: they are told.
    expect(await slashReply(h, olu, `unfollow ${handoff.id} ${mo.id}`)).toBe(
      followReplies.unnamed(handoff.id, mo.id),
    );
    expect(await followRows(h, handoff.id)).toEqual([]);
    await waitFor(
      () => dmOf(h, mo.id).some((m) => shown(m).includes(`took you off the followers of #${handoff.id} `)),
      8000,
      'Mo told',
    );
  });
});

describe('partner managers', () => {
  it('RevOps names them; a manager gets the decline; they choose what they hear; the partner sees none of it', async () => {
    const h = await start(ENV);
    const { handoff } = await sendHandoff(h);
    // Only RevOps and admins name them (the authorization matrix). Someone of another organization never is.
    expect(await slashReply(h, mo, `partners managers ${PARTNER} <@${dana.id}|dana>`)).toContain(
      'is not in our workspace',
    );
    expect(await slashReply(h, mo, `partners managers ${PARTNER} @sam`)).toContain(
      'Slack sends a name typed',
    );
    const named = await slashReply(h, mo, `partners managers ${PARTNER} <@${sam.id}|sam>`);
    expect(named).toContain(`partner manager <@${sam.id}> (told of decisions and outcomes)`);
    const entries = await h.database.db
      .select()
      .from(h.tables.programLog)
      .where(eq(h.tables.programLog.kind, 'partner'));
    expect(entries).toEqual([
      expect.objectContaining({ key: String(handoff.partnerId), actor: mo.id, body: { managers: [sam.id] } }),
    ]);
    expect(await slashReply(h, mo, 'partners')).toContain(`partner manager <@${sam.id}>`);
    // A follower of the handoff too (Mo): each gets their own DM, nobody two.
    const view = await openView(h, mo, handoff.id);
    await clickInView(h, mo, view, ACTION_ID.follow, 'You follow this handoff');

    expect(await submit(h, declineSubmission({ handoffId: handoff.id, reason: 'timing' }))).toEqual({});
    await waitFor(() => watcherDms(h, sam.id, handoff.id).length === 1, 8000, "the partner manager's DM");
    await waitFor(() => watcherDms(h, mo.id, handoff.id).length === 1, 8000, "the follower's DM");
    await quiet(h);
    const told = watcherDms(h, sam.id, handoff.id)[0];
    expect(shown(told)).toContain(`Declined by <@${people.ae.id}>`);
    expect(shown(told)).toContain(`You are a partner manager of ${PARTNER}`);
    expect(watcherDms(h, sam.id, handoff.id)).toHaveLength(1);

    // The partner's own manager chooses what they hear (anyone else of ours may not: the authorization matrix).
    expect(await slashReply(h, sam, `partners notify ${PARTNER} | decisions`)).toContain(
      '(told of decisions only)',
    );
    const [latest] = await h.database.db
      .select()
      .from(h.tables.programLog)
      .where(eq(h.tables.programLog.kind, 'partner'))
      .orderBy(asc(h.tables.programLog.id))
      .then((rows) => rows.slice(-1));
    expect(latest).toMatchObject({ actor: sam.id, body: { managers: [sam.id], notify: 'decisions' } });

    // The partner channel's posts say nothing of who follows or manages.
    const partnerText = partnerMessages(h).map(shown).join('\n');
    expect(partnerMessages(h).length).toBeGreaterThan(0);
    for (const secret of [mo.id, sam.id, 'follow', 'partner manager'])
      expect(partnerText, secret).not.toContain(secret);
  });
});
