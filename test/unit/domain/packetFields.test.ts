import type { InputBlock } from '@slack/types';
import { getTableColumns } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_ID, PACKET_FORM_BLOCK_ID } from '../../../src/blocks/ids.js';
import { packetModal } from '../../../src/blocks/packetModal.js';
import { type AppDatabase, openDatabase } from '../../../src/db/client.js';
import { firstInstallationOf, ownRow } from '../../../src/db/owned.js';
import { type HandoffRow, handoffs } from '../../../src/db/schema.js';
import { findInternalText } from '../../../src/domain/internalText.js';
import {
  EDITABLE_FIELDS,
  EXPORTED_FIELDS,
  FIELD_NAMES,
  FLAG_FIELDS,
  LOCKED_FIELDS,
  PACKET_FIELDS,
  PARTNER_VISIBLE,
  type PacketField,
  packetSchema,
  parsePacket,
} from '../../../src/domain/packet.js';
import type { InputKind } from '../../../src/domain/packetRules.js';
import { partnerSafeUpdate } from '../../../src/domain/partnerSafe.js';
import { scorePacket } from '../../../src/domain/scoring.js';
import { readPacketForm } from '../../../src/handlers/views/packetForm.js';
import { changedFields, lockedChanges } from '../../../src/packets/edits.js';
import { CSV_COLUMNS, touchLogCsv } from '../../../src/revops/exportCsv.js';
import { handoff } from '../blocks/fixtures.js';

/**
 * The packet field registry (src/domain/packetFields.ts) drives its consumers: each check below goes over the
 * registry's fields, so a field the schema, the form reader, the modal, the edit diff, the CSV, the partner-visible
 * check or the scoring does not handle as its entry says fails here, naming the field.
 */

const TODAY = '2026-03-02';
const kindOf = (field: PacketField): InputKind => PACKET_FIELDS[field].rule.input;
const ownInput = (field: PacketField) => 'at' in PACKET_FIELDS[field].form && kindOf(field) !== 'flag';
const optionOf = (field: PacketField) => {
  const { form } = PACKET_FIELDS[field];
  return 'option' in form ? form.option : '';
};
type FormValues = Parameters<typeof readPacketForm>[0];

/** A value of each kind, as the modal's state holds it and as the form reader reads it back. */
const SAMPLE: Record<InputKind, { state: Record<string, unknown>; read: unknown }> = {
  text: { state: { type: 'plain_text_input', value: 'Typed words' }, read: 'Typed words' },
  number: { state: { type: 'number_input', value: '4' }, read: '4' },
  link: {
    state: { type: 'url_text_input', value: 'https://example.com/notes' },
    read: 'https://example.com/notes',
  },
  date: { state: { type: 'datepicker', selected_date: '2026-03-05' }, read: '2026-03-05' },
  user: { state: { type: 'users_select', selected_user: 'U0PERSON' }, read: 'U0PERSON' },
  channel: { state: { type: 'conversations_select', selected_conversation: 'C0CHAN' }, read: 'C0CHAN' },
  flag: { state: { type: 'checkboxes', selected_options: [] }, read: true },
};

/** A stored value other than the fixture's, for each kind. */
const OTHER: Record<InputKind, (before: unknown) => unknown> = {
  text: (before) => `${String(before ?? '')} changed`,
  number: (before) => Number(before) + 1,
  link: () => 'https://changed.example.com/notes',
  date: () => '2026-03-09',
  user: () => 'U0CHANGED',
  channel: () => 'C0CHANGED',
  flag: (before) => !before,
};

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

describe('the packet field registry', () => {
  it('is the zod schema: one key per field, and each required field is refused when missing', () => {
    expect(Object.keys(packetSchema(TODAY).shape)).toEqual(FIELD_NAMES);
    const result = parsePacket({}, TODAY);
    expect(result.ok).toBe(false);
    const missing = result.ok ? [] : Object.keys(result.errors);
    expect(missing.sort()).toEqual(FIELD_NAMES.filter((f) => PACKET_FIELDS[f].rule.required).sort());
  });

  it('is stored in the handoffs column of its name in snake_case', () => {
    const columns: Record<string, { name: string } | undefined> = getTableColumns(handoffs);
    for (const field of FIELD_NAMES) expect([field, columns[field]?.name]).toEqual([field, snake(field)]);
  });

  it('is what the form reader reads: every field from its own block, by its kind', () => {
    const values: Record<string, Record<string, unknown>> = {};
    for (const field of FIELD_NAMES) {
      const sample = SAMPLE[kindOf(field)];
      const state =
        kindOf(field) === 'flag'
          ? { ...sample.state, selected_options: [{ value: optionOf(field) }] }
          : sample.state;
      values[PACKET_FIELDS[field].blockId] = { [ACTION_ID.value]: state };
    }
    const read = readPacketForm(values as FormValues);
    expect(Object.keys(read)).toEqual(FIELD_NAMES);
    for (const field of FIELD_NAMES)
      expect([field, read[field]]).toEqual([field, SAMPLE[kindOf(field)].read]);
  });

  it('reads every flag from the one "Confirmed" group of the modal', () => {
    for (const field of FLAG_FIELDS) {
      const values: Record<string, Record<string, unknown>> = {
        [PACKET_FORM_BLOCK_ID.confirmations]: {
          [ACTION_ID.value]: { type: 'checkboxes', selected_options: [{ value: optionOf(field) }] },
        },
      };
      const read = readPacketForm(values as FormValues);
      expect(FLAG_FIELDS.filter((f) => read[f] === true)).toEqual([field]);
    }
  });

  it('is what the modal asks: an input per field placed in a section, the flags as boxes of one group', () => {
    const view = packetModal({
      authorUserId: 'U0AUTHOR',
      // An opportunity with dates: the attribution dates are shown too.
      prefill: { crmOpportunity: 'OPP-1', opportunityCreatedOn: '2026-01-05', partnerTouchOn: '2026-01-10' },
    });
    const inputs = view.blocks.filter((b): b is InputBlock => b.type === 'input');
    const ids = inputs.map((b) => b.block_id);
    for (const field of FIELD_NAMES.filter(ownInput)) expect(ids).toContain(PACKET_FIELDS[field].blockId);
    const group = inputs.find((b) => b.block_id === PACKET_FORM_BLOCK_ID.confirmations);
    const options = group?.element.type === 'checkboxes' ? group.element.options.map((o) => o.value) : [];
    expect(options).toEqual(FLAG_FIELDS.map(optionOf));
    const edit = packetModal({ authorUserId: 'U0AUTHOR', prefill: {}, edit: { handoffId: 1 } });
    const editIds = edit.blocks.map((b) => b.block_id);
    for (const field of LOCKED_FIELDS) expect(editIds).not.toContain(PACKET_FIELDS[field].blockId);
  });

  it('is the edit diff: a changed editable field is named by its label, a changed locked one is refused', () => {
    const h = handoff({ accountDomain: 'northwind.com', opportunityCreatedOn: '2026-01-05' });
    for (const field of EDITABLE_FIELDS) {
      const change = { [field]: OTHER[kindOf(field)](h[field]) };
      expect([field, changedFields(h, change)]).toEqual([field, [PACKET_FIELDS[field].label]]);
    }
    for (const field of LOCKED_FIELDS) {
      const value = OTHER[kindOf(field)](h[field]);
      expect([field, changedFields(h, { [field]: value })]).toEqual([field, []]);
      const { edit } = PACKET_FIELDS[field];
      expect(lockedChanges(h, { [field]: value })[field]).toBe('locked' in edit ? edit.locked : undefined);
    }
  });

  describe('the touch-log CSV', () => {
    let database: AppDatabase | undefined;
    afterEach(() => database?.sqlite.close());

    it('has a column for every exported field, holding its stored value', async () => {
      database = openDatabase(':memory:');
      // Plain values (no comma, quote or formula sign), so each cell is the stored text as it is.
      const { id: _id, ...row } = handoff({ partnerId: null, crmOpportunity: 'OPP-123 stage 2' });
      const db = firstInstallationOf(database.db);
      const stored: HandoffRow = await db.transaction((tx) =>
        tx.insert(handoffs).values(ownRow(tx, row)).returning().get(),
      );
      const range = { since: new Date('2026-03-01T00:00:00Z'), until: new Date('2026-03-03T00:00:00Z') };
      const [header, line] = (await touchLogCsv(db, range)).csv.split('\r\n');
      expect(header?.split(',')).toEqual([...CSV_COLUMNS]);
      // One column per name: a field placed twice (by hand and from the registry) would hide one of them.
      expect(new Set(CSV_COLUMNS).size).toBe(CSV_COLUMNS.length);
      const cells = Object.fromEntries(CSV_COLUMNS.map((name, i) => [name, line?.split(',')[i]]));
      for (const field of EXPORTED_FIELDS) {
        const { csv } = PACKET_FIELDS[field];
        expect([field, cells[csv]]).toEqual([field, String(stored[field] ?? '')]);
      }
    });
  });

  it('says which fields the partner reads: those of the partner-safe projection, each checked for internal text', () => {
    const projected = Object.keys(partnerSafeUpdate(handoff(), 'accepted'));
    expect(FIELD_NAMES.filter((f) => projected.includes(f))).toEqual(PARTNER_VISIBLE);
    for (const field of PARTNER_VISIBLE) {
      const found = findInternalText({ [field]: 'Internal only: our margin is 20%' });
      expect([field, found.map((f) => f.field)]).toEqual([field, [field]]);
    }
  });

  it('says which fields the score reads: exactly those scorePacket reads', () => {
    const read = new Set<string>();
    const watched = (packet: HandoffRow) =>
      new Proxy(packet, {
        get(target, key, receiver) {
          if (typeof key === 'string') read.add(key);
          return Reflect.get(target, key, receiver);
        },
      });
    const ctx = { today: TODAY, ownerName: 'Pat Author', maxWindowDays: 5 };
    const bands = { ready: 15, fix: 10 };
    scorePacket(watched(handoff({ accountDomain: 'northwind.com' })), ctx, bands);
    const sparse = handoff({ partnerContactRole: null, evidenceUrl: null, partnerNextMoveDate: null });
    scorePacket(watched(sparse), ctx, bands);
    const scored = FIELD_NAMES.filter((f) => {
      const spec = PACKET_FIELDS[f];
      return 'scored' in spec && spec.scored.length > 0;
    });
    expect(FIELD_NAMES.filter((f) => read.has(f))).toEqual(scored);
  });
});
