import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ACCEPT_BLOCK_ID,
  ACTION_ID,
  CALLBACK_ID,
  NOTE_BLOCK_ID,
  PACKET_BLOCK_ID,
} from '../../src/blocks/ids.js';
import { tablesOf } from '../../src/db/engine.js';
import { findScorecard } from '../../src/db/repositories/packets.js';
import type { HandoffRow } from '../../src/db/schema.js';
import {
  EDITABLE_FIELDS,
  type EditableField,
  FIELD_NAMES,
  PACKET_FIELDS,
  type PacketField,
} from '../../src/domain/packet.js';
import type { InputKind } from '../../src/domain/packetRules.js';
import { packetOf } from '../../src/packets/edits.js';
import { acceptHandoff, openAcceptModal, submitAccept } from '../support/acceptFlow.js';
import { aeUser, editHandoff, sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, quiet, startHarness, waitFor } from '../support/harness.js';
import { ephemeralAt, type OpenedModal } from '../support/ownerFlow.js';
import {
  blockAction,
  confirmationsOn,
  type PacketValues,
  reviewSubmission,
  viewSubmission,
} from '../support/payloads.js';
import { people } from '../support/people.js';
import { signal } from '../support/signal.js';

const author = { id: people.author.id, team_id: people.author.team_id };

/** Partner marketing fixes a packet the AE has not answered yet: the AE's DM changes in place, marked as edited. */
describe('edit while undecided', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.stop());

  const row = async (id: number) =>
    (
      await h.database.db
        .select()
        .from(h.tables.handoffs)
        .where(eq(h.tables.handoffs.id, id))
        .orderBy(h.tables.handoffs.id)
    )[0];

  /** Clicks Edit as `user`; returns the modal opened (or undefined) and the ephemeral URL. */
  async function clickEdit(id: number, user = author) {
    const triggerId = h.slack.issueTriggerId();
    const responseUrl = h.slack.responseUrl();
    const click = await h.interact(
      blockAction({ actionId: ACTION_ID.edit, value: String(id), user, triggerId, responseUrl }),
    );
    expect(click.status).toBe(200);
    return { triggerId, responseUrl };
  }

  const submitEdit = (id: number, values: PacketValues, user = author) => editHandoff(h, id, values, user);

  /** Clicks Accept on a message whose button carries `value` (`12:e1`: version 1) and returns the modal it opened. */
  async function openAcceptFrom(value: string, channelId: string): Promise<OpenedModal> {
    const triggerId = h.slack.issueTriggerId();
    const click = await h.interact(
      blockAction({ actionId: ACTION_ID.accept, value, user: aeUser, channelId, triggerId }),
    );
    expect(click.status).toBe(200);
    const opened = await waitFor(
      () => h.slack.callsTo('views.open').find((c) => c.args.trigger_id === triggerId),
      4000,
      'the accept modal',
    );
    const modal = opened.args.view as OpenedModal;
    expect(modal.callback_id).toBe(CALLBACK_ID.accept);
    return modal;
  }

  it('opens the packet prefilled, saves the change, updates the AE DM in place with an edited mark, keeps the deadline', async () => {
    const { handoff, dm, aeDm } = await sendHandoff(h);
    const { triggerId } = await clickEdit(handoff.id);
    const open = await waitFor(
      () => h.slack.callsTo('views.open').find((c) => c.args.trigger_id === triggerId),
      4000,
      'the edit form',
    );
    const form = open.args.view as { title: { text: string }; private_metadata: string; blocks: unknown[] };
    expect(form.title.text).toBe(`Edit handoff #${handoff.id}`);
    expect(JSON.parse(form.private_metadata)).toEqual({ editOf: handoff.id, editCount: 0 });
    expect(JSON.stringify(form.blocks)).toContain('Accept the introduction and bring the demo.');

    h.clock.set(new Date(handoff.sentAt.getTime() + 3_600_000));
    const { first, saved } = await submitEdit(handoff.id, {
      sellerNextMove: 'Accept the introduction and bring the invoice reconciliation demo on Thursday.',
    });
    expect(first.view?.submit?.text).toBe('Save changes');
    // Saved: the modal says so, and what changed.
    expect(saved?.response_action).toBe('update');
    expect(JSON.stringify(saved)).toContain('Changes saved');
    expect(JSON.stringify(saved)).toContain('Seller next move');

    const after = await row(handoff.id);
    expect(after).toMatchObject({ status: 'sent', editCount: 1, editedFields: ['Seller next move'] });
    expect(after?.dueAt.getTime()).toBe(handoff.dueAt.getTime());
    expect(after?.sellerNextMove).toContain('on Thursday');
    // The edited packet's scorecard replaced the one it was sent with.
    const card = await findScorecard(h.database.db, handoff.id);
    expect(card?.scoredAt).toEqual(new Date(handoff.sentAt.getTime() + 3_600_000));
    expect(card?.components).toHaveLength(9);
    const logged = await h.database.db
      .select()
      .from(h.tables.handoffEvents)
      .where(eq(h.tables.handoffEvents.type, 'edited'))
      .orderBy(h.tables.handoffEvents.id);
    expect(logged).toHaveLength(1);
    expect(logged[0]?.detail).toEqual({ fields: ['Seller next move'] });
    expect(logged[0]?.actorUserId).toBe(people.author.id);

    // The same message, changed in place: the new text and what changed.
    const updated = await waitFor(
      () => {
        const m = h.slack.messages(aeDm).find((x) => x.ts === dm.ts);
        return m && JSON.stringify(m.blocks).includes('on Thursday') && m;
      },
      8000,
      'the AE DM updated in place',
    );
    const text = JSON.stringify(updated.blocks);
    expect(text).toContain('Edited');
    expect(text).toContain('Seller next move');
    expect(h.slack.messages(aeDm).filter((m) => JSON.stringify(m.blocks).includes('Northwind'))).toHaveLength(
      1,
    );
    // An in-place change notifies nobody: a reply under the packet tells the AE who changed what.
    const reply = await waitFor(
      () => h.slack.messages(aeDm).find((m) => m.thread_ts === dm.ts),
      8000,
      'the reply under the AE DM',
    );
    // Its notification text names the handoff (item 33: read on a lock screen without the packet above it).
    expect(reply.text).toBe(
      `Handoff #${handoff.id} · Northwind Logistics (Meridian Cloud Consulting): :pencil2: <@${people.author.id}> edited this packet: Seller next move. The message above shows the new version; the deadline has not moved.`,
    );
  });

  it('of an edit and an Accept racing, exactly one wins and the other is told', async () => {
    const { handoff, aeDm } = await sendHandoff(h);
    // The AE opens the accept modal on the first version; the edit lands before they submit it.
    const opened = await openAcceptModal(h, { handoffId: handoff.id, user: aeUser, channelId: aeDm });
    await submitEdit(handoff.id, {
      warmPath: 'Dana meets the Northwind ops director monthly and will introduce the AE.',
    });
    expect((await row(handoff.id))?.editCount).toBe(1);
    // The modal from the older version is refused, inline.
    const refused = await submitAccept(h, opened, { user: aeUser });
    expect(refused.response_action).toBe('errors');
    expect(String(refused.errors?.[ACCEPT_BLOCK_ID.step])).toContain('was edited a moment ago (Warm path)');
    // Plain words in a modal (no mrkdwn asterisks), and what to do: this form answers the older version for good.
    expect(String(refused.errors?.[ACCEPT_BLOCK_ID.step])).toMatch(
      /^Handoff #\d+ \(Northwind Logistics\) was edited .* close this, read the packet as it is now in my DM, and answer there\.$/,
    );
    // An Accept from the older message (its buttons carry version 0) is refused at once, and opens no modal.
    const modalsBefore = h.slack.callsTo('views.open').length;
    const stale = h.slack.responseUrl();
    await h.interact(
      blockAction({
        actionId: ACTION_ID.accept,
        value: String(handoff.id),
        user: aeUser,
        channelId: aeDm,
        responseUrl: stale,
        triggerId: h.slack.issueTriggerId(),
      }),
    );
    const refusal = await waitFor(() => h.slack.responses.find((r) => r.url === stale), 4000, 'the refusal');
    expect(String(refusal.body.text)).toContain('was edited a moment ago (Warm path)');
    expect(h.slack.callsTo('views.open')).toHaveLength(modalsBefore);
    expect(await h.database.db.select().from(h.tables.decisions)).toHaveLength(0);
    // From the message as it is now (version 1), the Accept is recorded.
    const current = await openAcceptFrom(`${handoff.id}:e1`, aeDm);
    expect(await submitAccept(h, current, { user: aeUser })).toEqual({});
    expect((await row(handoff.id))?.status).toBe('accepted');

    // The decision lands first: the edit is not applied, and the author is told.
    const second = await sendHandoff(h, { accountName: 'Contoso Freight', accountDomain: 'contoso.com' });
    expect(await acceptHandoff(h, { handoffId: second.handoff.id, user: aeUser })).toEqual({});
    const late = await submitEdit(second.handoff.id, {
      sellerNextMove: 'Call the ops director before the demo.',
    });
    expect(JSON.stringify(late)).toContain('can no longer be edited');
    // What to do instead is the app's own note, not "write to the AE directly" (the Home offers the note).
    expect(JSON.stringify(late)).toContain(
      'To tell the AE something, use “Note to the AE” on it in your App Home.',
    );
    expect(await row(second.handoff.id)).toMatchObject({ status: 'accepted', editCount: 0 });
  });

  it('an edit that commits while the Accept waits for its turn to write still wins: nothing is recorded', async () => {
    const { handoff, aeDm } = await sendHandoff(h);
    // The AE opened the accept modal on version 0 (the click only reads); the race is its submit.
    const modal = await openAcceptModal(h, { handoffId: handoff.id, user: aeUser, channelId: aeDm });
    // The app's own database (its installation's view, which its services write through): the one to watch.
    const [tenant] = h.app.tenants();
    if (!tenant) throw new Error('the app serves no installation');
    const { db } = tenant;
    const transaction = db.transaction.bind(db);
    // Another transaction edits the packet and holds on before committing: on SQLite it holds the turn, on Postgres
    // the row. The Accept's check reads what is committed (version 0) and passes; its decision asks for the next
    // turn (SQLite) or waits for the row (Postgres). Only then does the edit commit. The edit is written before the
    // submit is sent, so on Postgres the decision's update cannot reach the row first (the test's own race otherwise).
    const decisionAsked = signal();
    const editWritten = signal();
    const released = signal();
    const held = transaction(async (tx) => {
      await tx
        .update(tablesOf(tx).handoffs)
        .set({ editCount: 1 })
        .where(eq(tablesOf(tx).handoffs.id, handoff.id));
      editWritten.fire();
      await released.fired;
    });
    await editWritten.fired;
    // The decision's own transaction (the submit writes others before it: the request's bookkeeping).
    db.transaction = (fn) => {
      if (new Error().stack?.includes('core/handoffs.ts')) decisionAsked.fire();
      return transaction(fn);
    };
    const submitted = submitAccept(h, modal, { user: aeUser });
    await decisionAsked.fired;
    db.transaction = transaction;
    released.fire();
    await held;
    const answer = await submitted;
    expect(answer.response_action).toBe('errors');
    expect(String(answer.errors?.[ACCEPT_BLOCK_ID.step])).toContain('was edited a moment ago');
    expect(await db.select().from(tablesOf(db).decisions).orderBy(tablesOf(db).decisions.id)).toHaveLength(0);
    expect(await row(handoff.id)).toMatchObject({ status: 'sent', editCount: 1 });
  });

  it('refuses what an edit cannot change, and anyone who may not edit; a form opened before another edit was saved is refused; Save pressed twice is saved once; dates the form does not show are kept', async () => {
    const { handoff } = await sendHandoff(h, { crmOpportunity: null, opportunityCreatedOn: null });
    const stored = await row(handoff.id);
    const refused = await submitEdit(handoff.id, { aeUserId: people.otherAe.id, responseWindowDays: '5' });
    expect(refused.first.response_action).toBe('errors');
    expect(refused.first.errors?.[PACKET_BLOCK_ID.aeUserId]).toContain('use Reassign');
    expect(refused.first.errors?.[PACKET_BLOCK_ID.responseWindowDays]).toContain('use Extend');
    expect((await row(handoff.id))?.editCount).toBe(0);
    // Someone who may not even view it is not told it exists, nor who owns it.
    const { responseUrl } = await clickEdit(handoff.id, {
      id: people.member.id,
      team_id: people.member.team_id,
    });
    expect(await ephemeralAt(h, responseUrl)).toContain(`could not find handoff #${handoff.id}`);
    expect(h.slack.callsTo('views.open')).toHaveLength(0);

    // A day later, two forms were opened on version 0; the first saved wins.
    h.clock.advance(26 * 3600_000);
    // As the real form: no opportunity, so the attribution dates are not on it (null).
    const first = await editHandoff(
      h,
      handoff.id,
      {
        warmPath: 'Dana meets the ops director monthly and will introduce the AE.',
        partnerTouchOn: null,
        opportunityCreatedOn: null,
      },
      author,
      0,
    );
    expect(first.saved?.response_action).toBe('update');
    // The same Save again (a double submit): saved (nothing more to change), not "someone else edited it".
    expect(await first.saveAgain?.()).toEqual({ response_action: 'clear' });
    expect((await row(handoff.id))?.editCount).toBe(1);
    const second = await editHandoff(
      h,
      handoff.id,
      { sellerNextMove: 'Call the ops director before the demo.' },
      author,
      0,
    );
    expect(second.first.errors?.[PACKET_BLOCK_ID.accountName]).toContain(
      'edited by someone else after you opened this form',
    );
    const after = await row(handoff.id);
    expect(after?.editCount).toBe(1);
    expect(after?.warmPath).toContain('ops director monthly');
    // The partner's first action was not on the form: it keeps its date, and is not reported as changed.
    expect(after?.partnerTouchOn).toBe(stored?.partnerTouchOn);
    expect(after?.editedFields).toEqual(['Warm path']);
  });

  it('after the AE answered, Edit becomes a note to the AE: a reply under their packet, in the touch log, never to the partner; once per modal', async () => {
    const { handoff, aeDm, dm } = await sendHandoff(h);
    expect(await acceptHandoff(h, { handoffId: handoff.id, user: aeUser })).toEqual({});
    // The list offers View only (it is never brought up to date); View offers Note to the AE, no Edit.
    const listUrl = h.slack.responseUrl();
    await h.command({ text: 'list', user_id: people.author.id, response_url: listUrl });
    const list = await waitFor(() => h.slack.responses.find((r) => r.url === listUrl), 4000, 'the list');
    expect(JSON.stringify(list.body.blocks)).not.toContain(ACTION_ID.edit);
    const viewTrigger = h.slack.issueTriggerId();
    await h.interact(
      blockAction({
        actionId: ACTION_ID.view,
        value: String(handoff.id),
        user: author,
        triggerId: viewTrigger,
      }),
    );
    const viewed = await waitFor(
      () => h.slack.callsTo('views.open').find((c) => c.args.trigger_id === viewTrigger),
      4000,
      'the view',
    );
    const ids = JSON.stringify(viewed.args.view);
    expect(ids).toContain(ACTION_ID.note);
    expect(ids).not.toContain(`"action_id":"${ACTION_ID.edit}"`);

    const triggerId = h.slack.issueTriggerId();
    await h.interact(
      blockAction({ actionId: ACTION_ID.note, value: String(handoff.id), user: author, triggerId }),
    );
    const open = await waitFor(
      () => h.slack.callsTo('views.open').find((c) => c.args.trigger_id === triggerId),
      4000,
      'the note modal',
    );
    expect((open.args.view as { callback_id: string }).callback_id).toBe(CALLBACK_ID.note);
    const noteSubmission = (viewId: string, text: string, user = author) =>
      viewSubmission({
        callbackId: CALLBACK_ID.note,
        viewId,
        privateMetadata: JSON.stringify({ handoffId: handoff.id }),
        values: { [NOTE_BLOCK_ID]: { [ACTION_ID.value]: { type: 'plain_text_input', value: text } } },
        user,
      });
    const note = 'Dana says the <!channel> ops director prefers Thursday mornings.';
    const sent = await h.interact(noteSubmission('V0NOTE0', note));
    // The modal says it went, and where the AE reads it; closing it closes View under it too.
    const confirmed = (await sent.json()) as { response_action: string; view: { clear_on_close: boolean } };
    expect(confirmed.response_action).toBe('update');
    expect(confirmed.view.clear_on_close).toBe(true);
    expect(JSON.stringify(confirmed.view)).toContain(`is on its way to <@${people.ae.id}>`);
    const reply = await waitFor(
      () =>
        h.slack.messages(aeDm).find((m) => m.thread_ts === dm.ts && String(m.text).includes('added a note')),
      8000,
      'the note under the AE packet',
    );
    // Escaped: the note cannot ping a channel.
    expect(reply.text).toContain('&lt;!channel&gt;');
    const logged = () =>
      h.database.db
        .select()
        .from(h.tables.handoffEvents)
        .where(eq(h.tables.handoffEvents.type, 'note_added'))
        .orderBy(h.tables.handoffEvents.id);
    expect((await logged()).map((e) => e.actorUserId)).toEqual([people.author.id]);
    expect(JSON.stringify(h.slack.messages('C0PARTNER'))).not.toContain('ops director prefers');

    // Someone who is not on the handoff cannot write one.
    const member = { id: people.member.id, team_id: people.member.team_id };
    const refused = await h.interact(noteSubmission('V0NOTEMO', 'Hi', member));
    expect(JSON.stringify(await refused.json())).toContain('Only the author, the owner or an admin');

    // A note is posted once for its modal: a double submit (two at once), a retry of the same delivery and the same
    // view replayed later change nothing; another modal is another note.
    const once = noteSubmission('V0NOTE1', 'Dana prefers Thursday mornings.');
    const answers = await Promise.all([h.interact(once), h.interact(once)]);
    answers.push(
      await h.interact(once, {
        headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
      }),
    );
    answers.push(await h.interact(noteSubmission('V0NOTE1', 'Dana prefers Thursday mornings.')));
    for (const answer of answers) expect(answer.status).toBe(200);
    await h.interact(noteSubmission('V0NOTE2', 'And she asked for the SOC 2 report.'));
    const notes = () =>
      h.slack.messages(aeDm).filter((m) => m.thread_ts === dm.ts && String(m.text).includes('added a note'));
    await waitFor(() => (notes().length === 3 ? notes() : undefined), 8000, 'the notes');
    await quiet(h);
    expect(notes().map((m) => String(m.text).replace(/^.*added a note: /, ''))).toEqual([
      'Dana says the &lt;!channel&gt; ops director prefers Thursday mornings.',
      'Dana prefers Thursday mornings.',
      'And she asked for the SOC 2 report.',
    ]);
    expect(await logged()).toHaveLength(3);
  });
});

/** A day later than an ISO date. */
const dayAfter = (iso: unknown) =>
  new Date(Date.parse(`${String(iso)}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** A valid new value for each kind of editable field, from the stored one (a web domain is text of its own). */
const REVISED: Partial<Record<InputKind, (before: unknown) => unknown>> = {
  text: (before) => (before ? `${String(before)} (revised)` : 'Revised with the edit.'),
  link: (before) => `${String(before ?? 'https://docs.example.com/notes')}-revised`,
  date: dayAfter,
  flag: (before) => !before,
};
const revised = (field: EditableField, before: unknown) =>
  field === 'accountDomain' ? 'northwind-logistics.com' : REVISED[PACKET_FIELDS[field].rule.input]?.(before);

/** How an input of each kind holds a value in view.state.values (each field in its own block). */
const STATE: Record<InputKind, (value: unknown, field: PacketField) => Record<string, unknown>> = {
  text: (value) => ({ type: 'plain_text_input', value }),
  number: (value) => ({ type: 'number_input', value }),
  link: (value) => ({ type: 'url_text_input', value }),
  date: (value) => ({ type: 'datepicker', selected_date: value }),
  user: (value) => ({ type: 'users_select', selected_user: value }),
  channel: (value) => ({ type: 'conversations_select', selected_conversation: value }),
  flag: (value, field) => {
    const { form } = PACKET_FIELDS[field];
    const option = 'option' in form ? form.option : '';
    return {
      type: 'checkboxes',
      selected_options: value === true ? [{ text: { type: 'plain_text', text: option }, value: option }] : [],
    };
  },
};

/** The packet form's state with every field of the registry in its own block. */
const stateOf = (values: Record<PacketField, unknown>) =>
  Object.fromEntries(
    FIELD_NAMES.map((field) => [
      PACKET_FIELDS[field].blockId,
      { [ACTION_ID.value]: STATE[PACKET_FIELDS[field].rule.input](values[field], field) },
    ]),
  );

/**
 * Every field the registry says is editable is saved by an edit, through the real form, review and Save: a field the
 * form, the schema or the edit save (packets/editSave.ts) left out would be silently dropped, and fails here.
 */
describe('an edit of every editable packet field', () => {
  const start = harnessPerTest();

  it('stores each new value and names each field in the edited mark, in the packet order', async () => {
    const h = await start();
    const { handoff } = await sendHandoff(h);
    const values: Record<string, unknown> = Object.fromEntries(
      EDITABLE_FIELDS.map((f) => [f, revised(f, handoff[f])]),
    );
    const user = { id: people.author.id, team_id: people.author.team_id };
    const submitted = await h.interact(
      viewSubmission({
        callbackId: CALLBACK_ID.packet,
        privateMetadata: JSON.stringify({ editOf: handoff.id, editCount: handoff.editCount }),
        values: stateOf({ ...packetOf(handoff), ...values }),
        user,
      }),
    );
    const review = (await submitted.json()) as {
      response_action: string;
      view: { private_metadata: string; blocks: unknown[] };
    };
    expect(review).toMatchObject({ response_action: 'push' });
    const { draftId } = JSON.parse(review.view.private_metadata) as { draftId: number };
    const saved = await h.interact(
      reviewSubmission({ draftId, confirm: confirmationsOn(review.view), user }),
    );
    expect(JSON.stringify(await saved.json())).toContain('Changes saved');
    const after = (
      await h.database.db
        .select()
        .from(h.tables.handoffs)
        .where(eq(h.tables.handoffs.id, handoff.id))
        .orderBy(h.tables.handoffs.id)
    )[0] as HandoffRow;
    for (const field of EDITABLE_FIELDS) expect([field, after[field]]).toEqual([field, values[field]]);
    expect(after.editedFields).toEqual(EDITABLE_FIELDS.map((f) => PACKET_FIELDS[f].label));
  });
});
