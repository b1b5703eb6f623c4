import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { tablesOf } from '../../../src/db/engine.js';
import { firstInstallationOf } from '../../../src/db/owned.js';
import { columnOfField, HANDOFF_WORDS, PERSONAL_DATA } from '../../../src/db/personalData.js';
import { removePacketText } from '../../../src/db/repositories/retention.js';
import { PACKET_FIELDS, PACKET_WORD_FIELDS } from '../../../src/domain/packetFields.js';
import { REMOVED_TEXT } from '../../../src/domain/retention.js';
import { addHandoff } from '../../contract/seed.js';
import { freshDatabase } from '../../support/unitrest-freshDatabase.js';

/**
 * The packet's words follow its field registry (domain/packetFields.ts `words`): each field that holds a person's
 * words is one data retention takes out and the privacy statement and the erasure know, from that one entry.
 */
const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const snake = columnOfField;

describe("the packet's words, from the field registry", () => {
  it('are personal data that retention ages, each by its column, and taken out as its entry says; the rest of the packet stays', async () => {
    const handoffs = PERSONAL_DATA.handoffs;
    for (const { name } of PACKET_WORD_FIELDS) {
      expect(handoffs?.personal, name).toContain(snake(name));
      expect(handoffs?.ageing?.columns, name).toContain(snake(name));
    }
    expect(HANDOFF_WORDS).toEqual(expect.arrayContaining(['first_step', 'routing_reason']));
    const database = freshDatabase('packet-words-');
    closers.push(() => {
      database.close();
    });
    const db = firstInstallationOf(database.db);
    const at = new Date('2026-11-23T14:00:00Z');
    const written = Object.fromEntries(PACKET_WORD_FIELDS.map((f) => [f.name, `${f.name} by Ada Lovelace`]));
    const id = await addHandoff(db, at, { status: 'declined', ...written });
    await db.transaction((tx) => removePacketText(tx, [id], at));
    const tables = tablesOf(db);
    const [row] = await db.select().from(tables.handoffs).where(eq(tables.handoffs.id, id));
    for (const field of PACKET_WORD_FIELDS)
      expect(row?.[field.name], field.name).toBe(field.words === 'removed' ? REMOVED_TEXT : null);
    // A field without words (the account the metrics keep) is as it was.
    expect(PACKET_FIELDS.accountName.words).toBeNull();
    expect(row?.accountName).not.toBe(REMOVED_TEXT);
  });
});
