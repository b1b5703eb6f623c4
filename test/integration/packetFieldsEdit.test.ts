import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_ID, CALLBACK_ID } from '../../src/blocks/ids.js';
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
import { sendHandoff } from '../support/flow.js';
import { type Harness, startHarness } from '../support/harness.js';
import { confirmationsOn, reviewSubmission, viewSubmission } from '../support/payloads.js';
import { people } from '../support/people.js';

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
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.stop());

  it('stores each new value and names each field in the edited mark, in the packet order', async () => {
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
