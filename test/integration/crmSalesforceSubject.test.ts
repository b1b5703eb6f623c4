import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { account, drive, salesforceApp, stopAll } from '../support/crmFlow.js';
import type { FakeSalesforce } from '../support/fakeSalesforce.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, waitFor } from '../support/harness.js';
import { outboxDrained } from '../support/ownerFlow.js';
import { accept } from '../support/partnerFlow.js';

/**
 * Issue 54 item 6: a Task subject longer than Salesforce's 255 characters is cut between two characters as a reader
 * sees them, never inside an emoji, so that after a lost answer the look (`SELECT Id FROM Task WHERE … Subject =
 * …`) finds the Task the first attempt wrote, and no second one is written. Through the real receiver and outbox.
 */

/** A family emoji: three people joined by zero-width joiners, eight UTF-16 units, one character to its reader. */
const FAMILY = '👩‍👩‍👧';

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('a Salesforce Task subject cut at an emoji, after a lost answer', () => {
  let sf: FakeSalesforce;
  let h: Harness;

  beforeAll(async () => {
    ({ sf, h } = await salesforceApp({ env: { OUTBOX_UNCERTAIN_WAIT_MS: '300' } }));
  });
  afterAll(() => stopAll(h, sf));

  it('writes the Task once: the retry finds it by its cut subject', async () => {
    const opp = sf.addOpportunity({ name: 'Emoji renewal' });
    const { handoff } = await sendHandoff(h, { crmOpportunity: opp, ...account('Tailspin') });
    await waitFor(() => sf.tasks().some((t) => t.WhatId === opp), 8000, 'the Task for the send');
    await outboxDrained(h);

    // The AE's name as kept on the handoff, long enough that the acceptance's subject reaches 255 characters in the
    // middle of the family emoji (the accepted event is the next one logged: its reference is known).
    const [last] = await h.database.db
      .select({ id: h.tables.handoffEvents.id })
      .from(h.tables.handoffEvents)
      .orderBy(desc(h.tables.handoffEvents.id))
      .limit(1);
    const tail = ` (ref cosell${handoff.id}e${(last?.id ?? 0) + 1})`;
    const head = `Co-sell handoff #${handoff.id} accepted by `;
    // Four units of the emoji fit: a cut by code units would keep "👩‍" and a joiner, a cut by code points too.
    const padding = 'Jordan Seller '.padEnd(255 - tail.length - head.length - 4, 'x');
    const aeName = `${padding}${FAMILY} and team 🎉`;
    await h.database.db.transaction(async (tx) => {
      await tx
        .update(tablesOf(tx).handoffs)
        .set({ aeName })
        .where(eq(tablesOf(tx).handoffs.id, handoff.id));
    });

    // Salesforce creates the Task, and its answer is lost on the way back.
    sf.fail({ method: 'POST', path: /\/sobjects\/Task$/ }, { status: 503, afterProcessing: true });
    await accept(h, handoff.id);
    await drive(
      h,
      () => h.logs.some((l) => String(l.msg).includes('already had this activity')),
      'the lost Task found by its subject',
    );
    await outboxDrained(h);

    const tasks = sf.tasks().filter((t) => t.WhatId === opp);
    expect(tasks).toHaveLength(2);
    const subject = String(tasks[1]?.Subject);
    expect(subject).toBe(`${head}${padding}${tail}`);
    expect(subject.length).toBeLessThanOrEqual(255);
    expect(subject).not.toMatch(loneSurrogate);
    expect(subject).not.toContain('\u200D');
    // The look asked for that very subject (and found the Task, so the retry wrote nothing).
    const looks = sf.queries().filter((q) => q.startsWith('SELECT Id FROM Task WHERE'));
    expect(looks.some((q) => q.includes(padding))).toBe(true);
    expect(sf.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/sobjects/Task'))).toHaveLength(2);
  });
});
