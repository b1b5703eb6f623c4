import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import { answerAE, askAuthor, nowOf, reads } from '../support/askFlow.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet } from '../support/harness.js';
import { openHome } from '../support/matrix.js';
import { buttonsOf, clickRefused, dmOf, ephemeralAt, handoffRow, json } from '../support/ownerFlow.js';
import {
  accept,
  aeSlackUser,
  click,
  ownerUser,
  partnerCalls,
  partnerHarnesses,
  shown,
} from '../support/partnerFlow.js';
import { people, TEAM } from '../support/people.js';

/**
 * Issue 51 item 4: the AE may ask for more business days before deciding, once per handoff. MORE_TIME_APPROVAL says
 * whether the owner gives them with one click (the default) or they are given at once; the owner is told either way.
 * The partner hears nothing.
 *
 * Jordan (the AE, Berlin) gets the packet Monday 23 November 15:00 Berlin, due Thursday 26 November 15:00; Olu owns it,
 * Pat wrote it.
 */

const start = partnerHarnesses();
const stamp = (iso: string) => `<!date^${Date.parse(iso) / 1000}^`;

const eventsOf = async (h: Harness, id: number) =>
  (
    await h.database.db
      .select()
      .from(h.tables.handoffEvents)
      .where(eq(h.tables.handoffEvents.handoffId, id))
      .orderBy(h.tables.handoffEvents.id)
  ).map((e) => ({ type: e.type, by: e.actorUserId, detail: e.detail }));

/** Jordan's "Need more time" (after Slack's confirm dialog); the ephemeral answer, if any, is at the returned URL. */
const askMoreTime = (h: Harness, id: number, user = aeSlackUser) => click(h, ACTION_ID.askMoreTime, id, user);

const ownersHandoff = (h: Harness) => sendHandoff(h, { ownerUserId: people.owner.id });

describe('more time before deciding', () => {
  it('is asked of the owner, who gives it with one click; the AE is told and the deadline moves', async () => {
    const h = await start();
    const { handoff, dm } = await ownersHandoff(h);
    await quiet(h);
    h.clock.set(new Date('2026-11-25T10:00:00Z'));
    await askMoreTime(h, handoff.id);
    await quiet(h);
    expect(await handoffRow(h, handoff.id)).toMatchObject({
      moreTime: 'asked',
      moreTimeDays: 2,
      dueAt: handoff.dueAt,
      cycle: handoff.cycle,
    });
    // Olu is asked, their one click first among their buttons.
    const request = dmOf(h, people.owner.id).find((m) => shown(m).includes('asks for'));
    expect(request?.text).toBe(
      `Handoff #${handoff.id} · Northwind Logistics (Meridian Cloud Consulting): Jordan Seller asks for 2 more business days to answer.`,
    );
    expect(shown(request)).toContain(
      `<@${people.ae.id}> asks for *2 more business days* to answer handoff #${handoff.id}`,
    );
    expect(shown(request)).toContain('Give them with one click; until you do, they have until');
    expect(buttonsOf(request)).toEqual([
      ACTION_ID.grantMoreTime,
      ACTION_ID.reassign,
      ACTION_ID.extend,
      ACTION_ID.withdraw,
    ]);
    // Jordan's packet says it waits for Olu, and no longer offers it.
    expect(reads(h, people.ae.id, dm.ts)).toContain(
      `You asked for 2 more business days: <@${people.owner.id}> gives them with one click; until then the deadline stands.`,
    );
    expect(buttonsOf(nowOf(h, people.ae.id, dm.ts))).toEqual([
      ACTION_ID.accept,
      ACTION_ID.decline,
      ACTION_ID.askQuestion,
    ]);
    expect(json((await openHome(h, people.owner.id)).args.view)).toContain('asks for 2 more business days');

    // Olu gives them: the deadline moves two business days, to Monday 30 November 15:00 Berlin.
    h.clock.set(new Date('2026-11-25T11:00:00Z'));
    await click(h, ACTION_ID.grantMoreTime, handoff.id, ownerUser);
    await quiet(h);
    const given = await handoffRow(h, handoff.id);
    expect(given).toMatchObject({ moreTime: 'granted', cycle: handoff.cycle + 1 });
    expect(given.dueAt.toISOString()).toBe('2026-11-30T14:00:00.000Z');
    const told = dmOf(h, people.ae.id).find((m) => shown(m).includes('gave you'));
    expect(shown(told)).toContain(
      `<@${people.owner.id}> gave you *2 more business days* on handoff #${handoff.id}`,
    );
    expect(shown(told)).toContain(`Please answer by *${stamp('2026-11-30T14:00:00Z')}`);
    expect(reads(h, people.ae.id, dm.ts)).toContain(`please answer by *${stamp('2026-11-30T14:00:00Z')}`);
    expect(buttonsOf(nowOf(h, people.ae.id, dm.ts))).toEqual([
      ACTION_ID.accept,
      ACTION_ID.decline,
      ACTION_ID.askQuestion,
    ]);
    // Olu's request, in place: who gave it and until when; their buttons stay there, without the one click.
    const now = reads(h, people.owner.id, request?.ts);
    expect(now).toContain('you gave them');
    expect(now).toContain(`<@${people.ae.id}> now has until *${stamp('2026-11-30T14:00:00Z')}`);
    expect(buttonsOf(nowOf(h, people.owner.id, request?.ts))).toEqual([
      ACTION_ID.reassign,
      ACTION_ID.extend,
      ACTION_ID.withdraw,
    ]);
    expect(await eventsOf(h, handoff.id)).toEqual([
      expect.objectContaining({ type: 'sent' }),
      { type: 'more_time_asked', by: people.ae.id, detail: { days: 2, approval: 'owner' } },
      { type: 'more_time_granted', by: people.owner.id, detail: { days: 2 } },
    ]);

    // Once per handoff: a second request and a second click are refused, and change nothing.
    expect(await ephemeralAt(h, await askMoreTime(h, handoff.id))).toBe(
      `More time was already asked for on handoff #${handoff.id} *Northwind Logistics*: once per handoff. The owner <@${people.owner.id}> can still extend it. Nothing was changed.`,
    );
    expect(await clickRefused(h, ACTION_ID.grantMoreTime, handoff.id, ownerUser)).toBe(
      `Handoff #${handoff.id} *Northwind Logistics* is already given the more time its AE asked for. Nothing was changed.`,
    );
    await quiet(h);
    expect(await eventsOf(h, handoff.id)).toHaveLength(3);
    expect(partnerCalls(h)).toEqual([]);
  });

  it('with MORE_TIME_APPROVAL=auto is given at once, and the owner is told', async () => {
    const h = await start({ MORE_TIME_APPROVAL: 'auto', MORE_TIME_DAYS: '3' });
    const { handoff, dm } = await ownersHandoff(h);
    await askMoreTime(h, handoff.id);
    await quiet(h);
    const given = await handoffRow(h, handoff.id);
    expect(given.moreTime).toBe('granted');
    // Three business days more: Tuesday 1 December 15:00 Berlin.
    expect(given.dueAt.toISOString()).toBe('2026-12-01T14:00:00.000Z');
    expect(await eventsOf(h, handoff.id)).toEqual([
      expect.objectContaining({ type: 'sent' }),
      { type: 'more_time_asked', by: people.ae.id, detail: { days: 3, approval: 'auto' } },
      { type: 'more_time_granted', by: null, detail: { days: 3 } },
    ]);
    const toAe = dmOf(h, people.ae.id).find((m) => shown(m).includes('given at once'));
    expect(shown(toAe)).toContain(
      `You have *3 more business days*, given at once, on handoff #${handoff.id}`,
    );
    const toOwner = dmOf(h, people.owner.id).find((m) => shown(m).includes('3 more business days'));
    expect(toOwner?.text).toContain('Jordan Seller took 3 more business days to answer.');
    expect(shown(toOwner)).toContain(
      `<@${people.ae.id}> asked for *3 more business days* to answer handoff #${handoff.id} *Northwind Logistics* (via Meridian Cloud Consulting): given at once`,
    );
    expect(shown(toOwner)).toContain(`now has until *${stamp('2026-12-01T14:00:00Z')}`);
    expect(buttonsOf(toOwner)).toEqual([ACTION_ID.reassign, ACTION_ID.extend, ACTION_ID.withdraw]);
    expect(reads(h, people.ae.id, dm.ts)).toContain(`please answer by *${stamp('2026-12-01T14:00:00Z')}`);
    expect(partnerCalls(h)).toEqual([]);
  });

  it('refuses it to anyone but the AE, the one click to anyone but the owner or an admin, and both once decided', async () => {
    const h = await start();
    const { handoff } = await ownersHandoff(h);
    const member = { id: people.member.id, team_id: TEAM };
    expect(await ephemeralAt(h, await askMoreTime(h, handoff.id, ownerUser))).toBe(
      `Only <@${people.ae.id}>, the account executive named on handoff #${handoff.id} *Northwind Logistics*, can ask before deciding. Nothing was changed.`,
    );
    await askMoreTime(h, handoff.id);
    await quiet(h);
    expect(await clickRefused(h, ACTION_ID.grantMoreTime, handoff.id, member)).toBe(
      `Only the owner of handoff #${handoff.id}, <@${people.owner.id}>, or an admin can do that. Nothing was changed.`,
    );
    await accept(h, handoff.id);
    await quiet(h);
    expect(await clickRefused(h, ACTION_ID.grantMoreTime, handoff.id, ownerUser)).toBe(
      `Handoff #${handoff.id} *Northwind Logistics* is accepted, so it can no longer be given more time. Nothing was changed.`,
    );
    // The request reads as what it was, with where the handoff stands now, and offers nothing.
    const request = dmOf(h, people.owner.id).find((m) => shown(m).includes('asks for'));
    expect(shown(request)).toContain('*Now:* accepted by');
    expect(buttonsOf(request)).toEqual([]);
    expect((await eventsOf(h, handoff.id)).map((e) => e.type)).toEqual([
      'sent',
      'more_time_asked',
      'accepted',
    ]);
  });

  it('given while the clock is paused, it waits with it: the answer adds the paused time to the longer deadline', async () => {
    const h = await start();
    const { handoff } = await ownersHandoff(h);
    h.clock.set(new Date('2026-11-26T10:00:00Z'));
    const question = await askAuthor(h, handoff.id, 'Who signs?');
    await askMoreTime(h, handoff.id);
    await quiet(h);
    h.clock.set(new Date('2026-11-26T11:00:00Z'));
    await click(h, ACTION_ID.grantMoreTime, handoff.id, ownerUser);
    await quiet(h);
    const given = await handoffRow(h, handoff.id);
    expect(given).toMatchObject({ pausedAt: new Date('2026-11-26T10:00:00Z'), nextReminderAt: null });
    expect(given.dueAt.toISOString()).toBe('2026-11-30T14:00:00.000Z');
    // The AE's notice does not name a deadline while the clock is paused.
    expect(shown(dmOf(h, people.ae.id).find((m) => shown(m).includes('gave you')))).not.toContain(
      'Please answer by',
    );
    // Monday 10:00 Berlin: 15 business hours paused, added to Monday 15:00: Wednesday 2 December 14:00 Berlin.
    h.clock.set(new Date('2026-11-30T09:00:00Z'));
    await answerAE(h, question.id, 'The CFO.');
    await quiet(h);
    expect((await handoffRow(h, handoff.id)).dueAt.toISOString()).toBe('2026-12-02T13:00:00.000Z');
    expect(partnerCalls(h)).toEqual([]);
  });
});
