import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failureText } from '../../src/blocks/ephemerals.js';
import { ACCEPT_BLOCK_ID, ACTION_ID, CALLBACK_ID, PACKET_BLOCK_ID } from '../../src/blocks/ids.js';
import { decisions, drafts, handoffs, outbox } from '../../src/db/schema.js';
import { openAcceptModal, submitAccept } from '../support/acceptFlow.js';
import { healthOf } from '../support/edge-helpers.js';
import { aeUser, sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, startHarness, waitFor } from '../support/harness.js';
import {
  authorUser,
  clickOwnerButton,
  ephemeralAt,
  type OpenedModal,
  type SlackUser,
} from '../support/ownerFlow.js';
import {
  blockAction,
  confirmationsOn,
  declineSubmission,
  packetSubmission,
  reviewSubmission,
} from '../support/payloads.js';
import { people } from '../support/people.js';

const start = harnessPerTest();

/**
 * The database refusing writes while the app runs (a full disk, files made read-only): every request that needed a
 * write is told it did not go through, nothing is stored half, /healthz says so, and everything works again once
 * the fault clears, without a restart. The fault is SQLite's own: the app's connection is switched to
 * `query_only`, so every write fails with SQLITE_READONLY exactly as on a read-only file (which a test running as
 * root cannot make; the start-time drill in startRefusal.test.ts uses a real read-only file as another user).
 */
describe('storage faults: nothing is reported done that was not saved', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.stop());

  const refuseWrites = (on: boolean) => h.database.sqlite.pragma(`query_only = ${on ? 'ON' : 'OFF'}`);
  const health = () => healthOf(h);

  it('an Accept, a decline or a withdraw that could not be saved says so; /healthz is 503 meanwhile; the next Accept after the fault works', async () => {
    const { handoff, dm, aeDm } = await sendHandoff(h);
    expect(await health()).toEqual({ status: 200, body: { ok: true, database: 'ok', slack: 'ok' } });

    refuseWrites(true);
    const responseUrl = h.slack.responseUrl();
    // The click only reads: it opens the accept modal. Its submit is the write, refused with an inline error.
    const modal = await openAcceptModal(h, {
      handoffId: handoff.id,
      user: aeUser,
      channelId: aeDm,
      messageTs: dm.ts,
      responseUrl,
    });
    const answer = await submitAccept(h, modal, { user: aeUser });
    expect(answer.response_action).toBe('errors');
    expect(answer.errors?.[ACCEPT_BLOCK_ID.step]).toContain('Nothing was saved or sent');
    expect(h.database.db.select().from(handoffs).get()?.status).toBe('sent');
    expect(h.database.db.select().from(decisions).all()).toHaveLength(0);
    expect(await health()).toEqual({ status: 503, body: { ok: false, database: 'unwritable', slack: 'ok' } });
    expect(h.logs.some((l) => String(l.msg).startsWith('the database refused a write'))).toBe(true);
    // A decline meanwhile says so inline in its modal; an owner action (withdraw) says it did not go through.
    const decline = await h.interact(
      declineSubmission({ handoffId: handoff.id, reason: 'timing', note: 'Not now', user: aeUser }),
    );
    expect(decline.status).toBe(200);
    const declined = (await decline.json()) as { response_action: string; errors: Record<string, string> };
    expect(declined.response_action).toBe('errors');
    expect(Object.values(declined.errors).join(' ')).toContain('Nothing was saved or sent');
    const { responseUrl: withdrawUrl } = await clickOwnerButton(
      h,
      ACTION_ID.withdraw,
      handoff.id,
      authorUser,
    );
    expect(await ephemeralAt(h, withdrawUrl)).toContain('That did not go through');

    refuseWrites(false);
    expect(h.database.db.select().from(handoffs).get()?.status).toBe('sent');
    expect(h.database.db.select().from(decisions).all()).toHaveLength(0);
    expect((await health()).status).toBe(200);
    // The modal stayed open with its entries: submitted again, the accept is recorded.
    expect(await submitAccept(h, modal, { user: aeUser })).toEqual({});
    expect(h.database.db.select().from(handoffs).get()?.status).toBe('accepted');
    expect(h.slack.responses.find((r) => r.url === responseUrl)).toBeUndefined();
  });

  it('an Accept click whose read fails is told it did not go through, not met with silence', async () => {
    const { handoff, dm, aeDm } = await sendHandoff(h);
    // The handoffs table gone from under the app (as a damaged file would): the click's read of the handoff fails.
    h.database.sqlite.exec('ALTER TABLE handoffs RENAME TO handoffs_away');
    const opened = h.slack.callsTo('views.open').length;
    const responseUrl = h.slack.responseUrl({ channel: aeDm, ts: dm.ts });
    const click = await h.interact(
      blockAction({
        actionId: ACTION_ID.accept,
        value: String(handoff.id),
        user: aeUser,
        channelId: aeDm,
        messageTs: dm.ts,
        triggerId: h.slack.issueTriggerId(),
        responseUrl,
      }),
    );
    expect(click.status).toBe(200);
    const toldText = await ephemeralAt(h, responseUrl);
    expect(toldText).toBe(failureText.failed);
    expect(h.slack.callsTo('views.open')).toHaveLength(opened);
    h.database.sqlite.exec('ALTER TABLE handoffs_away RENAME TO handoffs');
  });

  it('a packet (submit or send) while writes fail gets an inline error that nothing was sent, never "out of date"', async () => {
    refuseWrites(true);
    const submitted = await h.interact(packetSubmission());
    const first = (await submitted.json()) as { response_action: string; errors: Record<string, string> };
    expect(first.response_action).toBe('errors');
    expect(first.errors[PACKET_BLOCK_ID.accountName]).toContain('Nothing was saved or sent');
    refuseWrites(false);
    expect(h.database.db.select().from(drafts).all()).toHaveLength(0);

    // The review was stored; the Send fails.
    const pushed = (await (await h.interact(packetSubmission())).json()) as {
      view: { private_metadata: string; blocks: unknown[] };
    };
    const { draftId } = JSON.parse(pushed.view.private_metadata) as { draftId: number };
    refuseWrites(true);
    const sent = await h.interact(reviewSubmission({ draftId, confirm: confirmationsOn(pushed.view) }));
    const text = await sent.text();
    expect(text).not.toContain('out of date');
    expect(text).toMatch(/Nothing was saved or sent|did not go through/);
    refuseWrites(false);
    expect(h.database.db.select().from(handoffs).all()).toHaveLength(0);
    expect(
      h.database.db
        .select()
        .from(outbox)
        .all()
        .filter((r) => r.handoffId !== null),
    ).toHaveLength(0);

    // The same Send once the fault cleared goes through.
    const retried = await h.interact(reviewSubmission({ draftId, confirm: confirmationsOn(pushed.view) }));
    expect(await retried.json()).toEqual({ response_action: 'clear' });
    expect(h.database.db.select().from(handoffs).all()).toHaveLength(1);
  });

  it('a draft whose commit fails is not shown as saved: the first step answers with an error, not the review', async () => {
    // A commit that fails after the statement ran, as SQLITE_IOERR_WRITE does on a failing disk: a constraint
    // checked only at commit (a deferred foreign key) that every new draft breaks. better-sqlite3's `.get()` on an
    // autocommit INSERT … RETURNING hands back the row and drops the commit's error; `.all()` reports it.
    const { sqlite } = h.database;
    sqlite.exec(`
      create temp table commit_fault_parent (id integer primary key);
      create temp table commit_fault (parent integer references commit_fault_parent (id) deferrable initially deferred);
      create temp trigger commit_fault_on_draft after insert on main.drafts begin insert into commit_fault values (1); end;
    `);
    const submitted = await h.interact(packetSubmission());
    expect(submitted.status).toBe(200);
    const first = (await submitted.json()) as { response_action: string; errors?: Record<string, string> };
    expect(first.response_action).toBe('errors');
    expect(JSON.stringify(first.errors)).toContain('did not go through and nothing was changed');
    expect(h.database.db.select().from(drafts).all()).toHaveLength(0);

    sqlite.exec('drop trigger temp.commit_fault_on_draft');
    const again = (await (await h.interact(packetSubmission())).json()) as { response_action: string };
    expect(again.response_action).toBe('push');
    expect(h.database.db.select().from(drafts).all()).toHaveLength(1);
  });

  it('a click on the App Home (no response URL) while writes fail opens a small modal saying so', async () => {
    const { handoff } = await sendHandoff(h, { ownerUserId: people.author.id });
    refuseWrites(true);
    /** A button on the App Home, as Slack sends it: no response URL, a fresh trigger. */
    const homeClick = async (actionId: string, user: SlackUser) => {
      const triggerId = h.slack.issueTriggerId();
      const payload = blockAction({
        actionId,
        value: String(handoff.id),
        user,
        triggerId,
      }) as Record<string, unknown>;
      payload.container = { type: 'view', view_id: 'VHOME' };
      payload.view = { id: 'VHOME', type: 'home' };
      delete payload.response_url;
      const click = await h.interact(payload);
      expect(click.status).toBe(200);
      return waitFor(
        () => h.slack.callsTo('views.open').find((c) => c.args.trigger_id === triggerId),
        4000,
        'the modal',
      );
    };
    // Accept on the App Home only reads: it opens the accept modal, whose submit says so inline.
    const acceptOpened = await homeClick(ACTION_ID.accept, aeUser);
    const modal = acceptOpened.args.view as OpenedModal;
    expect(modal.callback_id).toBe(CALLBACK_ID.accept);
    const answer = await submitAccept(h, modal, { user: aeUser });
    expect(answer.response_action).toBe('errors');
    expect(answer.errors?.[ACCEPT_BLOCK_ID.step]).toContain('Nothing was saved or sent');
    // A button that writes when clicked (the owner's Withdraw) has nowhere else to say it: a small modal.
    const opened = await homeClick(ACTION_ID.withdraw, authorUser);
    refuseWrites(false);
    expect(JSON.stringify(opened.args.view)).toContain('That did not go through');
    expect(h.database.db.select().from(handoffs).get()?.status).toBe('sent');
  });
});

describe('a slash command whose write fails after Slack got its answer', () => {
  it('is told on its response URL that it did not go through (not through the outbox, a write too)', async () => {
    const h = await start({ env: { REVOPS_USER_IDS: people.author.id } });
    h.database.sqlite.pragma('query_only = ON');
    const responseUrl = h.slack.responseUrl();
    const answer = await h.command({
      text: 'reseller add Northwind Logistics | Contoso Resale',
      user_id: people.author.id,
      response_url: responseUrl,
    });
    expect(answer.status).toBe(200);
    const reply = await waitFor(() => h.slack.responses.find((r) => r.url === responseUrl), 4000, 'a reply');
    expect(String(reply.body.text)).toContain('That did not go through');
    h.database.sqlite.pragma('query_only = OFF');
  });
});

describe('a bot token Slack no longer accepts', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.stop());

  it('tells people the app is disconnected (not that they were slow), turns /healthz red, and recovers without a restart', async () => {
    h.slack.fail('*', { error: 'token_revoked' });
    const responseUrl = h.slack.responseUrl();
    const command = await h.command({ text: 'Northwind', response_url: responseUrl });
    expect(command.status).toBe(200);
    const reply = await waitFor(() => h.slack.responses.find((r) => r.url === responseUrl), 4000, 'a reply');
    expect(String(reply.body.text)).toContain('disconnected from Slack');
    expect(String(reply.body.text)).not.toContain('too long');

    const red = await fetch(`${h.baseUrl}/healthz`);
    expect(red.status).toBe(503);
    expect(await red.json()).toEqual({ ok: false, database: 'ok', slack: 'disconnected' });
    expect(h.logs.some((l) => String(l.msg).startsWith('Slack refused the bot token'))).toBe(true);

    // The token works again (an admin fixed the install): the next call Slack accepts reconnects.
    h.slack.clearFailures();
    await h.command({ text: 'Northwind' });
    await waitFor(() => h.slack.callsTo('views.open').some((c) => c.ok), 4000, 'the form to open');
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
  });
});
