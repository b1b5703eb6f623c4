import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_ID, CALLBACK_ID, OUTCOME_ACTION_PREFIX, OUTCOME_BLOCK_ID } from '../../src/blocks/ids.js';
import { userText } from '../../src/blocks/mrkdwn.js';
import type { HandoffRow } from '../../src/db/schema.js';
import { CLASSIFICATION_LABEL } from '../../src/domain/attribution.js';
import { isoDateIn } from '../../src/domain/businessDays.js';
import { DECLINE_REASON_CODES } from '../../src/domain/decline.js';
import {
  checkFirstStep,
  ESTIMATED_VALUE_MAX,
  FIRST_STEP_MAX,
  FIRST_STEP_MAX_DAYS_AHEAD,
  stepDate,
} from '../../src/domain/firstStep.js';
import { LOST_REASON_CODES, nextOutcomes, type Outcome } from '../../src/domain/outcomes.js';
import { FIELD_LIMITS } from '../../src/domain/packet.js';
import { type FillerField, partnerFiller } from '../../src/domain/partnerFiller.js';
import { BAND_LABEL } from '../../src/domain/scoring.js';
import { openAcceptModal, type StepTyped, submitAccept, workingDayFrom } from '../support/acceptFlow.js';
import type { RecordedCall } from '../support/fakeSlack.js';
import { submitAndSend } from '../support/flow.js';
import { type Harness, startHarness, waitFor } from '../support/harness.js';
import { stringsIn } from '../support/matrixStrings.js';
import { noise as userNoise } from '../support/noise.js';
import { handoffRow, outboxDrained, reassignSubmission, submit } from '../support/ownerFlow.js';
import { valueForms } from '../support/partnerViewChecks.js';
import { blockAction, declineSubmission, type PacketValues, viewSubmission } from '../support/payloads.js';
import { channels, people, TEAM } from '../support/people.js';
import { seedOf } from '../support/seed.js';

/**
 * Partner-safe through the real app (issue 5): random packets whose internal fields carry per-run markers go
 * through /handoff's modal and review, then a random short sequence of real, signed interactions (accept or
 * decline, reassign, withdraw, outcome buttons and modals); once the outbox has drained, no Slack call that
 * reaches the partner-facing channel (or edits or replies to a message there) may contain any marker.
 *
 * Issue 51 item 1: the AE accepts in the accept modal, with its defaults or a random first step the partner may read
 * and a date from today on, and now and then an estimated value. The value is internal: it never reaches the partner
 * (it reaches the AE's packet); the step does, with the accept.
 */

type User = { id: string; team_id: string };
const user = (p: { id: string }): User => ({ id: p.id, team_id: TEAM });
const ADMIN = user(people.member);
const AUTHOR = user(people.author);

// ---------------------------------------------------------------------------------------------------------------
// Generators

const noise = userNoise({ maxParts: 6, longMin: 200, longMax: 2000 });

const FORBIDDEN_WORDS = [
  ...Object.values(BAND_LABEL),
  ...Object.values(CLASSIFICATION_LABEL),
  'partner_sourced',
  'partner_influenced',
  'keep_building',
];
/** Random allow-listed text never looks like a marker, a score or a band/classification wording. */
const innocent = (text: string) => {
  const lower = text.toLowerCase();
  return (
    !/INT\d/.test(text) &&
    !text.includes('/18') &&
    !FORBIDDEN_WORDS.some((w) => lower.includes(w.toLowerCase()))
  );
};

/** Cuts to at most `max` UTF-16 units (the packet's limits), on whole code points. */
function cutTo(text: string, max: number): string {
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}

const futureDate = fc
  .date({ min: new Date('2026-11-26T00:00:00Z'), max: new Date('2027-06-30T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const packet = fc.record({
  account: noise,
  partnerOrg: noise,
  partnerContactName: noise,
  partnerNextMove: noise,
  partnerNextMoveDate: fc.option(futureDate, { nil: null }),
  partnerAgreedInWriting: fc.boolean(),
  onPriorityList: fc.boolean(),
  /** Noise around the marker of each internal field. */
  internal: fc.array(noise, { minLength: 10, maxLength: 10 }),
});

const step = fc.record({
  pick: fc.nat(),
  /** Who acts, among those allowed (the AE, the owner, an admin). */
  actor: fc.nat(),
  declineReason: fc.constantFrom(...DECLINE_REASON_CODES),
  note: fc.option(noise, { nil: null }),
  lostReason: fc.constantFrom(...LOST_REASON_CODES),
  crm: noise,
  outcomePick: fc.nat(),
});

/**
 * How the AE fills the accept modal when they accept: its defaults, or a step of their own (random text, used when the
 * partner may read it) and a date from today on; an estimated value (internal) or none.
 */
const commit = fc.record({
  own: fc.boolean(),
  text: noise,
  inDays: fc.nat({ max: FIRST_STEP_MAX_DAYS_AHEAD }),
  value: fc.option(fc.integer({ min: 10_000, max: ESTIMATED_VALUE_MAX }), { nil: null }),
});

type Packet = typeof packet extends fc.Arbitrary<infer T> ? T : never;
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;
type Commit = typeof commit extends fc.Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------------------------------------------------------
// Driving the app the way people in Slack would

let h: Harness;
let runCount = 0;
/** Every marker written so far, by every run: none may ever reach the partner channel. */
const allMarkers = new Map<string, string>();
const stats = { runs: 0, partnerCalls: 0, events: new Map<string, number>() };

beforeAll(async () => {
  h = await startHarness({ env: { SWEEP_SCHEDULE: '0 0 1 1 *', ADMIN_USER_IDS: people.member.id } });
});
afterAll(() => h?.stop());

class RunMarkers {
  private n = 0;
  constructor(private readonly run: number) {}
  /** `INT<run>_<n>x`: unique across runs, and never a prefix of another marker. */
  next(where: string): string {
    const marker = `INT${this.run}_${this.n}x`;
    this.n += 1;
    allMarkers.set(marker, `run ${this.run}: ${where}`);
    return marker;
  }
  /** Internal text within `max`: the marker at both ends (trimming or cutting keeps one), noise between. */
  text(where: string, noiseText: string, max: number): string {
    const marker = this.next(where);
    return `${marker} ${cutTo(noiseText, max - 2 * marker.length - 2)} ${marker}`;
  }
}

/**
 * Allow-listed text within `max`, never blank, never mistaken for a marker, and never filler the packet form refuses
 * as partner-facing text (domain/partnerFiller.ts).
 */
function allowed(text: string, max: number, fallback: string, field: FillerField): string {
  const cut = cutTo(text, max);
  return cut.trim().length > 0 && innocent(cut) && !partnerFiller(field, cut) ? cut : fallback;
}

/** A partner-facing field: `allowed` within its limit. */
const facing = (field: FillerField & keyof typeof FIELD_LIMITS, text: string, fallback: string) =>
  allowed(text, FIELD_LIMITS[field], fallback, field);

function packetValues(p: Packet, run: number, markers: RunMarkers): PacketValues {
  const noiseOf = (i: number) => p.internal[i] ?? '';
  const evidence = markers.next('evidenceUrl');
  return {
    // Unique per run (no duplicate or conflict with earlier runs), random after the prefix.
    accountName: facing('accountName', `Acct R${run}. ${p.account}`, `Acct R${run}.`),
    accountDomain: null,
    partnerOrg: facing('partnerOrg', p.partnerOrg, 'Meridian Cloud Consulting'),
    partnerContactName: facing('partnerContactName', p.partnerContactName, 'Dana Reyes'),
    partnerNextMove: facing('partnerNextMove', p.partnerNextMove, 'Dana confirms the meeting.'),
    partnerNextMoveDate: p.partnerNextMoveDate,
    partnerAgreedInWriting: p.partnerAgreedInWriting,
    onPriorityList: p.onPriorityList,
    riskNote: markers.text('riskNote', noiseOf(0), FIELD_LIMITS.riskNote),
    whyPartner: markers.text('whyPartner', noiseOf(1), FIELD_LIMITS.whyPartner),
    customerTrigger: markers.text('customerTrigger', noiseOf(2), FIELD_LIMITS.customerTrigger),
    jointValue: markers.text('jointValue', noiseOf(3), FIELD_LIMITS.jointValue),
    warmPath: markers.text('warmPath', noiseOf(4), FIELD_LIMITS.warmPath),
    sellerNextMove: markers.text('sellerNextMove', noiseOf(5), FIELD_LIMITS.sellerNextMove),
    crmOpportunity: markers.text('crmOpportunity', noiseOf(6), FIELD_LIMITS.crmOpportunity),
    partnerContactRole: markers.text('partnerContactRole', noiseOf(7), FIELD_LIMITS.partnerContactRole),
    evidenceUrl: `https://docs.example.com/${evidence}/${encodeURIComponent(cutTo(noiseOf(8), 300))}`,
    partnerChannelId: channels.partner.id,
  };
}

const current = (id: number): Promise<HandoffRow> => handoffRow(h, id);

/** Clicks a button as `actor` (with a fresh trigger and response URL, as Slack sends them). */
async function click(actionId: string, value: string, actor: User) {
  const response = await h.interact(
    blockAction({
      actionId,
      value,
      user: actor,
      channelId: h.slack.dmChannelFor(actor.id),
      triggerId: h.slack.issueTriggerId(),
      responseUrl: h.slack.responseUrl(),
    }),
  );
  expect(response.status).toBe(200);
}

/** Clicks a button that opens a modal, and returns the modal's private metadata. */
async function clickForModal(
  actionId: string,
  value: string,
  actor: User,
  callbackId: string,
): Promise<string> {
  const before = h.slack.callsTo('views.open').length;
  await click(actionId, value, actor);
  const calls = await waitFor(
    () => h.slack.callsTo('views.open').length > before && h.slack.callsTo('views.open'),
    4000,
    `the ${callbackId} modal`,
  );
  const view = calls[calls.length - 1]?.args.view as { callback_id: string; private_metadata: string };
  expect(view.callback_id).toBe(callbackId);
  return view.private_metadata;
}

type Action = 'accept' | 'decline' | 'withdraw' | 'reassign' | 'outcome';

function actionsFor(row: HandoffRow): Action[] {
  switch (row.status) {
    case 'sent':
      return ['accept', 'decline', 'withdraw', 'reassign'];
    case 'declined':
      return ['reassign'];
    case 'accepted':
      return nextOutcomes(row.outcome).length > 0 ? ['outcome'] : [];
    default:
      return [];
  }
}

/**
 * What the AE types in the accept modal: nothing (its defaults), or their own step, when it is one the partner may
 * read (never blank, never mistaken for a marker, no filler, no internal words), and a date from today on; and the
 * estimated value, when they give one.
 */
function typedFor(c: Commit, today: string, timeZone: string): StepTyped {
  // A day the AE works: the modal refuses any other (issue 77 item 11).
  const due = workingDayFrom(
    DateTime.fromISO(today, { zone: 'UTC' }).plus({ days: c.inDays }).toISODate() ?? '',
    timeZone,
    DateTime.fromISO(today, { zone: 'UTC' }).plus({ days: FIRST_STEP_MAX_DAYS_AHEAD }).toISODate() ?? '',
  );
  const text = cutTo(c.text, FIRST_STEP_MAX);
  const own = c.own && innocent(text) && checkFirstStep({ text, due, estimatedValue: null }, today).ok;
  return {
    ...(own ? { text, due } : {}),
    ...(c.value === null ? {} : { estimatedValue: String(c.value) }),
  };
}

/** Performs one step on the handoff; returns what it did (for the counterexample's story). */
async function perform(id: number, s: Step, markers: RunMarkers, c: Commit): Promise<string | undefined> {
  const row = await current(id);
  const options = actionsFor(row);
  if (options.length === 0) return undefined;
  const action = options[s.pick % options.length] as Action;
  const ae = user({ id: row.aeUserId });
  const ownerOrAdmin = [AUTHOR, ADMIN][s.actor % 2] as User;
  switch (action) {
    case 'accept': {
      // Accept opens the accept modal; its submission records the accept (issue 51 item 1).
      const modal = await openAcceptModal(h, { handoffId: id, user: ae });
      const typed = typedFor(c, isoDateIn(h.clock.now(), row.aeTimeZone), row.aeTimeZone);
      expect(await submitAccept(h, modal, { user: ae, typed })).toEqual({});
      await waitFor(async () => (await current(id)).status === 'accepted', 4000, 'the acceptance');
      const accepted = await current(id);
      expect(accepted.estimatedValue).toBe(c.value);
      // Accepted as offered: the modal offers the packet's seller next move as the first step when it reads as one
      // (DOMAIN.md: the AE accepts the suggested next move or replaces it; issue 77 item 19), and the partner reads
      // the step the AE submitted. That field's marker is then the AE's words to the partner, no longer internal.
      if (typed.text === undefined)
        for (const marker of accepted.firstStep?.match(/INT\d+_\d+x/g) ?? [])
          if (allMarkers.get(marker)?.endsWith(': sellerNextMove')) allMarkers.delete(marker);
      return `accept:${typed.text === undefined ? 'default_step' : 'own_step'}${c.value === null ? '' : '+value'}`;
    }
    case 'decline': {
      const metadata = await clickForModal(ACTION_ID.decline, String(id), ae, CALLBACK_ID.decline);
      const note = s.note === null ? null : markers.text('decline note', s.note, 1000);
      const { handoffId } = JSON.parse(metadata) as { handoffId: number };
      expect(
        await submit(h, declineSubmission({ handoffId, reason: s.declineReason, note, user: ae })),
      ).toEqual({});
      expect((await current(id)).status).toBe('declined');
      return `decline:${s.declineReason}${note ? '+note' : ''}`;
    }
    case 'withdraw':
      await click(ACTION_ID.withdraw, `${id}:${row.cycle}`, ownerOrAdmin);
      await waitFor(async () => (await current(id)).status === 'withdrawn', 4000, 'the withdrawal');
      return `withdraw by ${ownerOrAdmin.id}`;
    case 'reassign': {
      const metadata = await clickForModal(
        ACTION_ID.reassign,
        String(id),
        ownerOrAdmin,
        CALLBACK_ID.reassign,
      );
      const to = row.aeUserId === people.ae.id ? people.otherAe.id : people.ae.id;
      const answer = await submit(
        h,
        reassignSubmission({ privateMetadata: metadata, newAeUserId: to, user: ownerOrAdmin }),
      );
      expect(answer).toEqual({});
      expect(await current(id)).toMatchObject({ status: 'sent', aeUserId: to });
      return `reassign to ${to} by ${ownerOrAdmin.id}`;
    }
    case 'outcome': {
      const steps = nextOutcomes(row.outcome);
      const outcome = steps[s.outcomePick % steps.length] as Outcome;
      const actor = [ae, AUTHOR, ADMIN][s.actor % 3] as User;
      const actionId = `${OUTCOME_ACTION_PREFIX}${outcome}`;
      if (outcome === 'meeting_held' || outcome === 'won') {
        await click(actionId, String(id), actor);
      } else {
        const callbackId = outcome === 'lost' ? CALLBACK_ID.lost : CALLBACK_ID.opportunity;
        const metadata = await clickForModal(actionId, String(id), actor, callbackId);
        const text = (value: string | null) => ({ type: 'plain_text_input', value });
        const values =
          outcome === 'lost'
            ? {
                [OUTCOME_BLOCK_ID.reason]: {
                  [ACTION_ID.value]: {
                    type: 'static_select',
                    selected_option: { value: s.lostReason, text: { type: 'plain_text', text: 'x' } },
                  },
                },
                [OUTCOME_BLOCK_ID.note]: {
                  [ACTION_ID.value]: text(s.note === null ? null : markers.text('lost note', s.note, 1000)),
                },
              }
            : {
                [OUTCOME_BLOCK_ID.crmOpportunity]: {
                  [ACTION_ID.value]: text(markers.text('outcome CRM id', s.crm, 300)),
                },
              };
        const answer = await submit(
          h,
          viewSubmission({ callbackId, privateMetadata: metadata, user: actor, values }),
        );
        expect(answer).toEqual({});
      }
      // Issue 50 item 2: the AE or an admin records a step; the author (also the owner) only reports it, and the
      // AE confirms it with one click before the partner hears anything.
      const reported = actor === AUTHOR;
      if (reported) {
        const pending = await waitFor(
          async () =>
            (
              await h.database.db
                .select()
                .from(h.tables.outcomeReports)
                .where(eq(h.tables.outcomeReports.handoffId, id))
            ).find((r) => r.status === 'pending' && r.outcome === outcome),
          4000,
          `the ${outcome} report`,
        );
        expect((await current(id)).outcome).toBe(row.outcome);
        await click(ACTION_ID.reportConfirm, String(pending.id), ae);
      }
      await waitFor(async () => (await current(id)).outcome === outcome, 4000, `the ${outcome} outcome`);
      return `outcome:${outcome}${outcome === 'lost' ? `:${s.lostReason}` : ''} ${reported ? `reported by ${actor.id}, confirmed by ${ae.id}` : `by ${actor.id}`}`;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// What reaches the partner

/** Conversations a partner reads: the shared channel, and the partner user (or a DM with them). */
function partnerConversations(): Set<string> {
  return new Set([channels.partner.id, people.partner.id, h.slack.dmChannelFor(people.partner.id)]);
}

/** Calls that post to, edit in, or reply in a partner conversation. */
function partnerCalls(): RecordedCall[] {
  const conversations = partnerConversations();
  const partnerTs = new Set(h.slack.messages(channels.partner.id).map((m) => m.ts));
  for (const call of h.slack.calls) {
    const response = call.response as { channel?: string; ts?: string } | undefined;
    if (conversations.has(String(call.args.channel)) && response?.ts) partnerTs.add(response.ts);
  }
  return h.slack.calls.filter(
    (call) =>
      conversations.has(String(call.args.channel)) ||
      partnerTs.has(String(call.args.ts)) ||
      partnerTs.has(String(call.args.thread_ts)),
  );
}

/** Every estimated value given with an accept so far, by every run (internal: none may reach the partner). */
const allValues = new Map<number, string>();

function partnerProblems(calls: RecordedCall[]): string[] {
  const problems: string[] = [];
  for (const call of calls) {
    const where = `${call.method} to ${String(call.args.channel)}`;
    if (!call.ok) problems.push(`${where}: Slack refused it: ${JSON.stringify(call.response)}`);
    const texts = [...stringsIn(call.args)];
    const all = texts.join('\n');
    for (const [marker, what] of allMarkers)
      if (all.includes(marker)) problems.push(`${where}: leaks ${what}`);
    // The estimated value, in what the call shows (its text and blocks: ids and timestamps are digits too).
    const words = [...stringsIn([call.args.text, call.args.blocks, call.args.attachments])].join('\n');
    for (const [value, what] of allValues)
      for (const form of valueForms(value))
        if (words.includes(form)) problems.push(`${where}: leaks ${what} (${form})`);
    if (/estimated/i.test(words)) problems.push(`${where}: shows "estimated"`);
    const lower = all.toLowerCase();
    for (const word of FORBIDDEN_WORDS) {
      if (lower.includes(word.toLowerCase())) problems.push(`${where}: shows ${JSON.stringify(word)}`);
    }
    if (all.includes('/18')) problems.push(`${where}: shows a score`);
    for (const text of texts) {
      if (text.includes('<')) problems.push(`${where}: raw "<" in ${JSON.stringify(text.slice(0, 200))}`);
    }
  }
  return problems;
}

/** Fixed so CI is repeatable; set FC_SEED to explore other random packets and sequences. */
const FC_SEED = seedOf(20261121);

describe('partner safety through the real app (property)', () => {
  it('no call to the partner channel ever carries internal content', async () => {
    await fc.assert(
      fc.asyncProperty(
        packet,
        fc.array(step, { minLength: 1, maxLength: 5 }),
        commit,
        async (p, steps, c) => {
          runCount += 1;
          const run = runCount;
          const markers = new RunMarkers(run);
          if (c.value !== null) allValues.set(c.value, `run ${run}: the estimated value`);
          const values = packetValues(p, run, markers);
          const callsBefore = h.slack.calls.length;

          const { answer } = await submitAndSend(h, values, {
            viewId: `V0PROP${run}`,
            overrideReason: markers.text('overrideReason', p.internal[9] ?? '', 500),
          });
          expect(answer).toEqual({ response_action: 'clear' });
          const row = (
            await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id)
          ).find((x) => x.sourceViewId === `V0PROP${run}`);
          if (!row) throw new Error(`run ${run}: no handoff stored`);
          const story = ['sent'];
          for (const s of steps) {
            const did = await perform(row.id, s, markers, c);
            if (!did) break;
            story.push(did);
            const kind = did.split(' ')[0]?.split(':').slice(0, 2).join(':') ?? did;
            stats.events.set(kind, (stats.events.get(kind) ?? 0) + 1);
          }
          await outboxDrained(h);

          const problems = partnerProblems(partnerCalls());
          expect(problems, `run ${run}: ${story.join(' → ')}`).toEqual([]);

          // Not vacuous: this run's internal content did reach internal DMs, and its partner events reached the
          // partner channel.
          const thisRun = h.slack.calls.slice(callsBefore);
          const internalText = thisRun
            .filter((c) => !partnerConversations().has(String(c.args.channel)))
            .flatMap((c) => [...stringsIn(c.args)])
            .join('\n');
          expect(internalText).toContain(`INT${run}_`);
          const partnerThisRun = partnerCalls().filter((c) => thisRun.includes(c));
          const reached = partnerThisRun.some((c) =>
            [...stringsIn(c.args)].some((t) => t.includes(`Acct R${run}.`)),
          );
          // A decision reaches the partner (and the outcomes after an acceptance); a reassignment is routing and never
          // does, and a withdrawal only once the partner heard of the handoff: so the partner heard iff an AE decided.
          const heard = story.slice(1).some((did) => did.startsWith('accept') || did.startsWith('decline'));
          expect(reached, `run ${run} ${heard ? 'reached' : 'stayed out of'} the partner channel`).toBe(
            heard,
          );
          // The first step reached the partner with the accept, as the AE wrote it, while it is the deal's next step
          // when the reply is posted (here after the whole story: no outcome since, its date not passed; issue 77
          // item 6); the estimated value given with it reached the AE's packet (internal) only.
          const accepted = await current(row.id);
          if (accepted.firstStep !== null && accepted.firstStepDue !== null) {
            const line = `*Next:* ${userText(accepted.firstStep, FIRST_STEP_MAX)} by ${stepDate(accepted.firstStepDue)}.`;
            const replies = partnerThisRun
              .filter((call) => call.method === 'chat.postMessage' && call.args.thread_ts !== undefined)
              .map((call) => String(call.args.text));
            const next =
              accepted.status === 'accepted' &&
              accepted.outcome === null &&
              accepted.firstStepDue >= isoDateIn(h.clock.now(), accepted.aeTimeZone);
            expect(
              replies.filter((text) => text.endsWith(` ${line}`)),
              `run ${run}: the accept's reply ${next ? 'ends' : 'does not end'} with ${line}`,
            ).toHaveLength(next ? 1 : 0);
            if (c.value !== null)
              expect(internalText).toContain(
                `Estimated value: ${c.value.toLocaleString('en-US')} (internal).`,
              );
          }
          stats.runs += 1;
          stats.partnerCalls += partnerThisRun.length;
        },
      ),
      { seed: FC_SEED, numRuns: 15, endOnFailure: true },
    );
    expect(stats.runs).toBeGreaterThanOrEqual(15);
    expect(stats.partnerCalls).toBeGreaterThan(0);
    console.info(
      'partner safety (integration):',
      JSON.stringify({ ...stats, events: Object.fromEntries(stats.events) }),
    );
  }, 180_000);
});
