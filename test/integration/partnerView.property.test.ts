import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, desc, eq, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decisionValue } from '../../src/blocks/handoffMessage.js';
import {
  ACCEPT_BLOCK_ID,
  ACTION_ID,
  CALLBACK_ID,
  COVER_BLOCK_ID,
  STEP_DATE_BLOCK_ID,
} from '../../src/blocks/ids.js';
import type { HandoffRow } from '../../src/db/schema.js';
import { ESTIMATED_VALUE_MAX, FIRST_STEP_MAX_DAYS_AHEAD } from '../../src/domain/firstStep.js';
import { dayIn } from '../../src/domain/partnerView.js';
import { acceptValues, type StepTyped, submitAccept, workingDayFrom } from '../support/acceptFlow.js';
import { FakeSalesforce } from '../support/fakeSalesforce.js';
import { editHandoff, submitAndSend } from '../support/flow.js';
import { type Harness, quiet, startHarness, waitFor } from '../support/harness.js';
import { stringsIn } from '../support/matrixStrings.js';
import {
  authorUser,
  clickOwnerButton,
  extendSubmission,
  handoffRow,
  metadataFor,
  type OpenedModal,
  QUIET,
  reassignSubmission,
  submit,
} from '../support/ownerFlow.js';
import { click, lostSubmission, opportunitySubmission, outcomeAction } from '../support/partnerFlow.js';
import {
  apply,
  type ChannelCall,
  checkDates,
  checkLeftBy,
  checkNames,
  checkNeverTold,
  checkOtherPartners,
  checkSteps,
  checkThread,
  type Happened,
  newModel,
  type PartnerModel,
  type Said,
  shownText,
  valueForms,
} from '../support/partnerViewChecks.js';
import { declineSubmission, viewSubmission } from '../support/payloads.js';
import { channels, PARTNER_TEAM, people, RIVAL_TEAM, TEAM } from '../support/people.js';
import { sendPacket } from '../support/reviewFlow.js';
import { seedOf } from '../support/seed.js';

/**
 * The partner's view through the real app (issue 31, item 1): random lives of handoffs (send, edit, accept, decline,
 * reminders, expiry, away and back, a cover, pool and cover moves of the escalation policies, the owner's reassign,
 * extend and withdraw, the outcome steps, the CRM's read-back, a day passing, the partner channel shared with
 * another organization and unshared), checked after every step against an oracle (test/support/partnerViewChecks.ts):
 * everything in the partner channels is true of each handoff now, no routing is ever posted, only AEs who accepted
 * are named, no next move shows a date that has passed, and nothing of one partner reaches another's channel.
 * Issue 51 item 1: the AE accepts in the accept modal (its defaults, or a step of their own and a date, and now and
 * then an estimated value); the partner reads that first step with the accept and only then, never the value.
 * Issue 51 item 2, after the Accept: the AE gives the step a new date (its modal), or hands the deal back; time passes
 * to the policy's check-in and take-back (to the backup pool's next AE, or to the owner, who then reassigns or
 * withdraws it). A take-back is routing: no reply, the parent keeps "Accepted" with nobody named and no step, the AE
 * it left never named again; the next accept is a reply naming the new AE with their step.
 */

const DEFAULT_SEED = 20261231;
const SEED = seedOf(DEFAULT_SEED);
const NUM_RUNS = Number(process.env.PARTNER_VIEW_RUNS ?? 16);
/** More runs (PARTNER_VIEW_RUNS) take longer. */
const TIMEOUT_MS = Math.max(60_000, NUM_RUNS * 3_750);

type Org = 'meridian' | 'tailspin';
const ORG = {
  meridian: { partnerOrg: 'Meridian Cloud Consulting', channel: channels.partner.id, contact: 'Dana Reyes' },
  tailspin: { partnerOrg: 'Tailspin Integrators', channel: channels.rival.id, contact: 'Lee Park' },
} as const;
/** Who joins a partner's channel when it is shared: the other partner's organization. */
const STRANGER: Record<string, string> = {
  [channels.partner.id]: RIVAL_TEAM,
  [channels.rival.id]: PARTNER_TEAM,
};

/** Everyone who may be a handoff's AE (the author owns every handoff, so is never one). */
const AES = [people.ae, people.otherAe, people.member];
const AE_NAMES = AES.map((p) => ({ name: p.real_name }));

/**
 * Meridian's handoffs move to the next of a pool two hours after an expiry; Tailspin's to the AE's cover (when they
 * named one). After the Accept (issue 51), Meridian's AE is asked on the step's date and the deal goes on to the pool's
 * next AE a business day later with no news; Tailspin's AE is reminded the business day before, asked on the date,
 * and the deal goes back to its owner two business days later.
 */
const POLICY = {
  pools: { backup: { users: [people.otherAe.id, people.member.id] } },
  policies: {
    pooled: [
      { at: '50%', action: 'remind' },
      { at: 'due+2h', action: 'reassign', to: ['pool:backup'] },
      { at: 'commitment', action: 'check_in' },
      { at: 'commitment+1d', action: 'reassign', to: ['pool:backup'] },
    ],
    covered: [
      { at: 'due+2h', action: 'reassign', to: ['cover'] },
      { at: 'commitment-1d', action: 'remind' },
      { at: 'commitment', action: 'check_in' },
      { at: 'commitment+2d', action: 'reassign', to: ['owner'] },
    ],
  },
  routes: [
    { partner: 'Meridian Cloud Consulting', policy: 'pooled' },
    { partner: 'Tailspin Integrators', policy: 'covered' },
  ],
};

type Kind =
  | 'accept'
  | 'decline'
  | 'edit'
  | 'remind'
  | 'expire'
  | 'policy'
  | 'extend'
  | 'reassign'
  | 'withdraw'
  | 'away'
  | 'back'
  | 'cover'
  | 'outcome'
  | 'crm'
  | 'day'
  | 'share'
  | 'unshare'
  | 'newDate'
  | 'handBack'
  | 'takeBack';

/** What can happen to a handoff in each state, and how often (the channel's sharing, and time, at any state). */
type Weights = Partial<Record<Kind, number>>;
const ANY: Weights = { day: 1, share: 1, unshare: 1 };
const CAN: Record<HandoffRow['status'], Weights> = {
  sent: {
    ...{ accept: 3, decline: 2, edit: 1, remind: 1, expire: 2, policy: 1 },
    ...{ extend: 1, reassign: 2, withdraw: 1, away: 1, back: 1, cover: 1 },
  },
  expired: { policy: 2, extend: 1, reassign: 3, withdraw: 1, cover: 1 },
  declined: { reassign: 5 },
  accepted: { outcome: 3, crm: 1, newDate: 2, handBack: 3, takeBack: 3 },
  withdrawn: {},
  taken_back: { reassign: 3, withdraw: 1 },
};

/** The step `choice` stands for in the handoff's state now. */
function kindOf(status: HandoffRow['status'], choice: number): Kind {
  const options = Object.entries({ ...CAN[status], ...ANY }) as [Kind, number][];
  let left = choice % options.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [kind, weight] of options) {
    if (left < weight) return kind;
    left -= weight;
  }
  return 'day';
}

const stepArb = fc.record({ choice: fc.nat({ max: 999 }), pick: fc.nat({ max: 99 }) });

/** First steps of the AE's own the partner may read (none names an AE): for the partner contact's first name. */
const OWN_STEPS = [
  (first: string) => `Workshop with ${first} on the pilot scope`,
  (first: string) => `Joint call with ${first} and their CFO`,
  (first: string) => `Site visit with ${first} and the ops team`,
  (first: string) => `Send ${first} the migration plan`,
];
/**
 * How the AE fills the accept modal when they accept (issue 51 item 1): its defaults, or a step of their own and a
 * date from today on (their calendar); an estimated value (internal) or none.
 */
const commitArb = fc.record({
  own: fc.boolean(),
  step: fc.nat({ max: OWN_STEPS.length - 1 }),
  inDays: fc.nat({ max: FIRST_STEP_MAX_DAYS_AHEAD }),
  value: fc.option(fc.integer({ min: 10_000, max: ESTIMATED_VALUE_MAX }), { nil: null }),
});
type Commit = typeof commitArb extends fc.Arbitrary<infer T> ? T : never;

const lifeArb = fc.record({
  org: fc.constantFrom<Org>('meridian', 'tailspin'),
  /** The partner's next move names the first AE (as packets written for Jordan do). */
  namesAe: fc.boolean(),
  /** Days from the send to the partner's next move date. */
  moveInDays: fc.integer({ min: 1, max: 8 }),
  crm: fc.boolean(),
  steps: fc.array(stepArb, { minLength: 4, maxLength: 12 }),
  /** The accept modal, when the AE accepts. */
  commit: commitArb,
});
type Life = typeof lifeArb extends fc.Arbitrary<infer T> ? T : never;
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

let h: Harness;
let sf: FakeSalesforce;
let dir: string;
let run = 0;

/**
 * Every handoff lived so far: its oracle, the row as last seen, its CRM opportunity, how its AE fills the accept
 * modal and the partner contact's first name, the estimated values given with its accepts (internal), and how many
 * times it was taken back so far (its touch log).
 */
const lives: {
  model: PartnerModel;
  id: number;
  last: HandoffRow;
  opp: string | null;
  commit: Commit;
  first: string;
  values: number[];
  takeBacks: number;
  /** Its steps so far, as the failure message tells them. */
  story: string[];
}[] = [];
/**
 * Where in the app's calls the step being taken began: what it observes happened there (a take-back of any handoff,
 * as time passes for all of them), so what the channels were sent from there on is checked against it.
 */
let mark = 0;
const stats = {
  runs: 0,
  steps: new Map<string, number>(),
  replies: new Map<string, number>(),
  routingChecked: 0,
  /** Accepts with the modal's defaults, with a step of the AE's own, and with an estimated value. */
  commits: { defaults: 0, own: 0, valued: 0 },
  /** Take-backs (handed back, by the policy to the pool or to the owner), and accepts after one. */
  takenBack: { handed: 0, pool: 0, owner: 0, reaccepted: 0 },
};
const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'partner-view-'));
  const file = join(dir, 'policies.json');
  writeFileSync(file, JSON.stringify(POLICY));
  sf = await FakeSalesforce.start();
  h = await startHarness({
    env: {
      ...QUIET,
      ESCALATION_POLICY_FILE: file,
      SALESFORCE_LOGIN_URL: sf.loginUrl,
      SALESFORCE_CLIENT_ID: sf.clientId,
      SALESFORCE_CLIENT_SECRET: sf.clientSecret,
      CRM_POLL_SECONDS: '60',
    },
  });
  // The directory learns both partners and their channels (the author confirms each workspace once).
  await sendPacket(h, { accountName: 'Seed Meridian', partnerOrg: 'Meridian Cloud Consulting' });
  await sendPacket(h, {
    accountName: 'Seed Tailspin',
    partnerOrg: 'Tailspin Integrators',
    partnerChannelId: channels.rival.id,
    partnerContactName: 'Lee Park',
  });
  await quiet(h);
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await sf?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const held = async (channelId: string) =>
  (await h.database.db.select().from(h.tables.partnerChannels)).some(
    (c) => c.channelId === channelId && c.status === 'held',
  );

/** Every chat call the app made to a partner channel, as text, with its place among all the app's calls. */
const partnerChannelCalls = (): (ChannelCall & Said)[] =>
  h.slack.calls
    .map((c, at) => ({ c, at }))
    .filter(({ c }) => c.method.startsWith('chat.') && STRANGER[String(c.args.channel)] !== undefined)
    .map(({ c, at }) => ({ channel: String(c.args.channel), text: [...stringsIn(c.args)].join('\n'), at }));

/** What every chat call to a partner channel showed (its text and blocks: not its ids and timestamps). */
const partnerChannelWords = (): string[] =>
  h.slack.calls
    .filter((c) => c.method.startsWith('chat.') && STRANGER[String(c.args.channel)] !== undefined)
    .map((c) => [...stringsIn([c.args.text, c.args.blocks, c.args.attachments])].join('\n'));

/** Every first step the AE of this life could commit to: the modal's default, or one of their own. */
const possibleSteps = (life: (typeof lives)[number]) => [
  `Intro call with ${ORG[life.model.channel === channels.partner.id ? 'meridian' : 'tailspin'].contact}`,
  ...OWN_STEPS.map((step) => step(life.first)),
];

/** The invariants, over every handoff lived so far; each one broken is told with the story of its handoff. */
async function violations(): Promise<string[]> {
  const problems = await broken();
  return problems.map((p) => {
    const life = lives.find((l) => p.startsWith(l.model.account));
    return life ? `${p}\n    (${life.story.join(' → ')})` : p;
  });
}

async function broken(): Promise<string[]> {
  const calls = partnerChannelCalls();
  const problems = checkOtherPartners(
    lives.map((l) => l.model),
    calls,
  );
  // Never the estimated value given with an accept (internal), nor the word for it, in any call to a partner channel.
  const words = partnerChannelWords();
  for (const { model, values } of lives)
    for (const value of values)
      for (const form of valueForms(value))
        if (words.some((w) => w.includes(form)))
          problems.push(`${model.account}: the estimated value ${form} reached a partner channel`);
  if (words.some((w) => /estimated/i.test(w))) problems.push('"estimated" in a call to a partner channel');
  for (const life of lives) {
    const { model, last } = life;
    const shown = h.slack.messages(model.channel);
    const isHeld = await held(model.channel);
    const today = dayIn(h.clock.now(), last.aeTimeZone);
    problems.push(...checkThread(model, shown, isHeld));
    problems.push(...checkSteps(model, shown, isHeld, today, possibleSteps(life)));
    const said = calls.filter((c) => c.channel === model.channel);
    const texts = [...said.map((c) => c.text), ...shown.map((m) => shownText(m))];
    problems.push(...checkNames(model, texts, AE_NAMES));
    problems.push(...checkNeverTold(model, texts));
    const parent = shown.find(
      (m) => m.thread_ts === undefined && (m.text ?? '').startsWith(`${model.account}: `),
    );
    problems.push(...checkLeftBy(model, said, isHeld || !parent ? undefined : shownText(parent)));
    if (!isHeld) problems.push(...checkDates(model, shown, today));
  }
  return problems;
}

/** Each time a handoff was taken back from its AE (handed back, or by the policy), by its touch log. */
const takeBacksOf = async (id: number) =>
  (
    await h.database.db
      .select()
      .from(h.tables.handoffEvents)
      .where(
        and(
          eq(h.tables.handoffEvents.handoffId, id),
          inArray(h.tables.handoffEvents.type, ['taken_back', 'handed_back']),
        ),
      )
      .orderBy(h.tables.handoffEvents.id)
  ).map((e) => e.type);

/** What happened to each handoff since it was last seen, applied to its oracle. */
async function observe(): Promise<boolean> {
  let partnerNews = false;
  for (const life of lives) {
    const row = await handoffRow(h, life.id);
    const was = life.last;
    const happened: Happened[] = [];
    // Taken back first: an accept seen in the same step is the next AE's.
    const takeBacks = await takeBacksOf(life.id);
    for (const type of takeBacks.slice(life.takeBacks)) {
      happened.push({ kind: 'taken_back', at: mark });
      stats.takenBack[type === 'handed_back' ? 'handed' : row.status === 'taken_back' ? 'owner' : 'pool'] +=
        1;
    }
    life.takeBacks = takeBacks.length;
    if (row.status !== was.status) {
      if (row.status === 'accepted') {
        if (life.model.leftBy.length > 0) stats.takenBack.reaccepted += 1;
        happened.push({
          kind: 'accepted',
          ae: row.aeName,
          step: { text: row.firstStep ?? '', due: row.firstStepDue ?? '' },
          at: mark,
        });
        if (row.estimatedValue !== null) life.values.push(row.estimatedValue);
      }
      if (row.status === 'declined') happened.push({ kind: 'declined' });
      if (row.status === 'withdrawn') happened.push({ kind: 'withdrawn' });
    } else if (
      row.status === 'accepted' &&
      row.assignment === was.assignment &&
      row.firstStepDue !== was.firstStepDue &&
      row.firstStepDue !== null
    )
      happened.push({ kind: 'new_date', due: row.firstStepDue });
    if (row.outcome && row.outcome !== was.outcome) happened.push({ kind: 'outcome', outcome: row.outcome });
    for (const event of happened) {
      // Time passing in a later life's step reaches this one too: its story says so.
      if (life !== lives.at(-1)) life.story.push(`(${event.kind} meanwhile)`);
      const before = life.model.replies.length;
      apply(life.model, event);
      if (life.model.replies.length > before) partnerNews = true;
    }
    life.last = row;
  }
  return partnerNews;
}

const userOf = (id: string) => ({ id, team_id: TEAM });
const sweep = () => h.app.scheduler.runNow('response-window-sweep');

function coverSubmission(ae: string, cover: string, until: string) {
  return viewSubmission({
    callbackId: CALLBACK_ID.cover,
    user: userOf(ae),
    privateMetadata: '{}',
    values: {
      [COVER_BLOCK_ID.cover]: { [ACTION_ID.value]: { type: 'users_select', selected_user: cover } },
      [COVER_BLOCK_ID.until]: { [ACTION_ID.value]: { type: 'datepicker', selected_date: until } },
    },
  });
}

/** One step of a life, as the person it is theirs to take (or the app's clock); undefined when it cannot happen now. */
async function perform(life: (typeof lives)[number], step: Step): Promise<string | undefined> {
  const row = await handoffRow(h, life.id);
  const now = h.clock.now();
  const open = row.status === 'sent';
  const others = AES.map((p) => p.id).filter((id) => id !== row.aeUserId);
  const other = others[step.pick % others.length] as string;
  const kind = kindOf(row.status, step.choice);
  switch (kind) {
    case 'accept': {
      if (!open) return undefined;
      // From the AE's message as it is now (its buttons carry the packet version it shows): Accept opens the accept
      // modal, and its submission records the accept (issue 51 item 1).
      const user = userOf(row.aeUserId);
      const opened = h.slack.callsTo('views.open').length;
      await click(h, ACTION_ID.accept, decisionValue(row), user);
      const modal = await waitFor(
        () => h.slack.callsTo('views.open')[opened]?.args.view as OpenedModal | undefined,
        4000,
        'the accept modal',
      );
      expect(modal.callback_id).toBe(CALLBACK_ID.accept);
      const { commit } = life;
      const today = dayIn(now, row.aeTimeZone);
      // A later accept (after a take-back) commits to another step of the AE's own.
      const own = OWN_STEPS[(commit.step + life.model.everAccepted.length) % OWN_STEPS.length];
      const typed: StepTyped = {
        ...(commit.own
          ? {
              text: (own as (first: string) => string)(life.first),
              // A day the AE works: the modal refuses any other (issue 77 item 11).
              due: workingDayFrom(
                DateTime.fromISO(today, { zone: 'UTC' }).plus({ days: commit.inDays }).toISODate() ?? '',
                row.aeTimeZone,
                DateTime.fromISO(today, { zone: 'UTC' })
                  .plus({ days: FIRST_STEP_MAX_DAYS_AHEAD })
                  .toISODate() ?? '',
              ),
            }
          : {}),
        ...(commit.value === null ? {} : { estimatedValue: String(commit.value) }),
      };
      const values = acceptValues(modal, typed);
      expect(await submitAccept(h, modal, { user, typed })).toEqual({});
      // What the modal sent is what the accept recorded.
      const field = (block: string) =>
        (values[block] as Record<string, Record<string, unknown>>)[ACTION_ID.value];
      expect(await handoffRow(h, row.id)).toMatchObject({
        status: 'accepted',
        firstStep: field(ACCEPT_BLOCK_ID.step)?.value,
        firstStepDue: field(ACCEPT_BLOCK_ID.due)?.selected_date,
        estimatedValue: commit.value,
      });
      stats.commits[commit.own ? 'own' : 'defaults'] += 1;
      if (commit.value !== null) stats.commits.valued += 1;
      return 'accept';
    }
    case 'decline':
      if (!open) return undefined;
      await submit(
        h,
        declineSubmission({
          handoffId: row.id,
          editCount: row.editCount,
          reason: step.pick % 2 === 0 ? 'wrong_owner' : 'timing',
          note: 'Internal: Jordan Seller thinks the partner oversold it.',
          user: userOf(row.aeUserId),
        }),
      );
      return 'decline';
    case 'edit':
      if (!open || now >= row.dueAt) return undefined;
      await editHandoff(
        h,
        row.id,
        {
          partnerNextMove:
            step.pick % 2 === 0
              ? `${ORG[life.model.channel === channels.partner.id ? 'meridian' : 'tailspin'].contact.split(' ')[0]} introduces Jordan to the CFO, edited.`
              : 'The partner shares the migration plan, edited.',
        },
        { id: people.author.id, team_id: TEAM },
      );
      return 'edit';
    case 'remind': {
      const next = row.nextReminderAt;
      if (!open || !next || next <= now || next >= row.dueAt) return undefined;
      h.clock.set(next);
      await sweep();
      return 'remind';
    }
    case 'expire':
      if (!open) return undefined;
      h.clock.set(row.dueAt);
      await sweep();
      return 'expire';
    case 'policy': {
      const at = row.escalationSteps?.find((s) => s.at > now.getTime())?.at;
      if ((row.status !== 'sent' && row.status !== 'expired') || at === undefined) return undefined;
      h.clock.set(new Date(at));
      await sweep();
      return 'policy';
    }
    case 'extend':
      if (!open && row.status !== 'expired') return undefined;
      await submit(h, extendSubmission({ privateMetadata: metadataFor(row), days: '2', user: authorUser }));
      return 'extend';
    case 'reassign':
      if (!open && row.status !== 'expired' && row.status !== 'declined' && row.status !== 'taken_back')
        return undefined;
      await submit(
        h,
        reassignSubmission({
          privateMetadata: metadataFor(row),
          newAeUserId: other,
          days: '2',
          user: authorUser,
        }),
      );
      return 'reassign';
    case 'withdraw':
      if (!open && row.status !== 'expired' && row.status !== 'taken_back') return undefined;
      await clickOwnerButton(h, ACTION_ID.withdraw, `${row.id}:${row.cycle}`, authorUser);
      return 'withdraw';
    case 'away':
    case 'back': {
      const status = kind === 'away' ? { text: 'Vacation', emoji: ':palm_tree:' } : { text: '', emoji: '' };
      h.slack.setStatus(row.aeUserId, { ...status, expiration: null });
      h.clock.advance(60 * 60_000);
      await sweep();
      return kind;
    }
    case 'cover': {
      const until = dayIn(new Date(now.getTime() + 14 * 86_400_000), row.aeTimeZone);
      await h.interact(coverSubmission(row.aeUserId, other, until));
      return 'cover';
    }
    case 'outcome': {
      if (row.status !== 'accepted' || row.outcome === 'won' || row.outcome === 'lost') return undefined;
      const ahead = (['meeting_held', 'opportunity_created', 'won', 'lost'] as const).filter(
        (o) =>
          row.outcome === null ||
          (row.outcome === 'meeting_held' && o !== 'meeting_held') ||
          (row.outcome === 'opportunity_created' && (o === 'won' || o === 'lost')),
      );
      const outcome = ahead[step.pick % ahead.length] as (typeof ahead)[number];
      const user = userOf(row.aeUserId);
      if (outcome === 'opportunity_created')
        await submit(h, opportunitySubmission({ handoffId: row.id, crm: `OPP-${row.id}`, user }));
      else if (outcome === 'lost')
        await submit(h, lostSubmission({ handoffId: row.id, reason: 'timing', note: 'Internal note', user }));
      else await click(h, outcomeAction(outcome), String(row.id), user);
      return `outcome:${outcome}`;
    }
    case 'crm':
      if (!life.opp || row.status !== 'accepted' || row.outcome === 'won' || row.outcome === 'lost')
        return undefined;
      sf.closeOpportunity(life.opp, { won: step.pick % 2 === 0 });
      h.clock.advance(61_000);
      await h.app.scheduler.runNow('crm-read-back');
      return 'crm';
    case 'newDate': {
      // The AE gives their first step a new date in its modal (issue 51): from today on, in their calendar.
      if (row.status !== 'accepted' || row.outcome !== null || row.firstStepDoneAt || !row.firstStep)
        return undefined;
      const user = userOf(row.aeUserId);
      const opened = h.slack.callsTo('views.open').length;
      await click(h, ACTION_ID.newStepDate, row.id, user);
      const modal = await waitFor(
        () => h.slack.callsTo('views.open')[opened]?.args.view as OpenedModal | undefined,
        4000,
        'the new date modal',
      );
      expect(modal.callback_id).toBe(CALLBACK_ID.stepDate);
      const due =
        DateTime.fromISO(dayIn(now, row.aeTimeZone), { zone: 'UTC' })
          .plus({ days: step.pick % 8 })
          .toISODate() ?? '';
      const answer = await submit(
        h,
        viewSubmission({
          user,
          callbackId: CALLBACK_ID.stepDate,
          privateMetadata: modal.private_metadata,
          values: {
            [STEP_DATE_BLOCK_ID.due]: { [ACTION_ID.value]: { type: 'datepicker', selected_date: due } },
          },
        }),
      );
      expect(answer).toEqual({});
      expect((await handoffRow(h, row.id)).firstStepDue).toBe(due);
      return 'newDate';
    }
    case 'handBack': {
      // The AE's Hand it back (its confirm dialog confirmed), from their DM: the owner decides who takes it next.
      if (row.status !== 'accepted' || row.outcome !== null) return undefined;
      const url = await click(h, ACTION_ID.handBack, `${row.id}:${row.cycle}`, userOf(row.aeUserId));
      await waitFor(() => h.slack.responses.find((r) => r.url === url), 4000, 'the hand-back answer');
      expect((await handoffRow(h, row.id)).status).toBe('taken_back');
      return 'handBack';
    }
    case 'takeBack': {
      // Time passes to each of the step's checks in turn (the reminder, the check-in, the take-back), the sweep run
      // at each, until the policy takes the deal back (it waits while the AE is away).
      if (row.status !== 'accepted' || !row.nextStepCheckAt) return undefined;
      for (let check = 0; check < 4; check += 1) {
        const current = await handoffRow(h, row.id);
        if (current.status !== 'accepted' || !current.nextStepCheckAt) break;
        await quiet(h);
        // What the channel was sent from here on is after the take-back, if this check is it.
        mark = h.slack.calls.length;
        h.clock.set(new Date(Math.max(h.clock.now().getTime(), current.nextStepCheckAt.getTime())));
        await sweep();
      }
      const after = await handoffRow(h, row.id);
      if (after.status === 'accepted') return 'stepChecks';
      return `takeBack:${after.status === 'taken_back' ? 'owner' : 'pool'}`;
    }
    case 'day':
      h.clock.advance(86_400_000);
      await sweep();
      return 'day';
    case 'share':
      if (await held(life.model.channel)) return undefined;
      await quiet(h);
      await h.slack.shareChannel(life.model.channel, STRANGER[life.model.channel] as string);
      await waitFor(async () => await held(life.model.channel), 8000, 'the channel held');
      return 'share';
    case 'unshare':
      if (!(await held(life.model.channel))) return undefined;
      await h.slack.unshareChannel(life.model.channel, STRANGER[life.model.channel] as string);
      await waitFor(async () => !(await held(life.model.channel)), 8000, 'the channel released');
      return 'unshare';
  }
}

/** The partner channel's messages about one handoff, and its parent's status line. */
const threadOf = (model: PartnerModel) => {
  const shown = h.slack.messages(model.channel).filter((m) => (m.text ?? '').includes(model.account));
  return JSON.stringify([shown.length, shown.find((m) => m.thread_ts === undefined)?.text]);
};

/** Every AE back at work, with no cover named: the review would otherwise ask the author what to do. */
async function everyoneBack() {
  for (const ae of AES) {
    h.slack.setStatus(ae.id, { text: '', emoji: '', expiration: null });
    const responseUrl = h.slack.responseUrl();
    expect((await h.command({ text: 'cover off', user_id: ae.id, response_url: responseUrl })).status).toBe(
      200,
    );
    await waitFor(() => h.slack.responses.some((r) => r.url === responseUrl), 4000, 'cover off');
  }
}

/** Both partner channels shared with their partner alone again (a held channel takes no new handoff). */
async function releaseChannels() {
  for (const channel of [channels.partner.id, channels.rival.id]) {
    if (!(await held(channel))) continue;
    await h.slack.unshareChannel(channel, STRANGER[channel] as string);
    await waitFor(async () => !(await held(channel)), 8000, 'the channel released');
  }
}

async function begin(life: Life): Promise<(typeof lives)[number]> {
  run += 1;
  mark = h.slack.calls.length;
  await everyoneBack();
  await releaseChannels();
  // What waited went out: checked like any step.
  await settle();
  expect(await violations(), 'after the channels were released').toEqual([]);
  const org = ORG[life.org];
  const account = `Life${run}x ${life.org === 'meridian' ? 'Meridian' : 'Tailspin'}`;
  const first = org.contact.split(' ')[0];
  const opp = life.crm ? sf.addOpportunity({ name: `${account} platform`, stageName: 'Prospecting' }) : null;
  const { answer } = await submitAndSend(
    h,
    {
      accountName: account,
      accountDomain: null,
      partnerOrg: org.partnerOrg,
      partnerChannelId: org.channel,
      partnerContactName: org.contact,
      partnerNextMove: life.namesAe
        ? `${first} introduces Jordan to Ken Ito, their CFO.`
        : `${first} sends the integration plan to Ken Ito.`,
      partnerNextMoveDate: dayIn(new Date(h.clock.now().getTime() + life.moveInDays * 86_400_000), 'UTC'),
      crmOpportunity: opp,
    },
    { viewId: `V0PVIEW${run}` },
  );
  expect(answer, account).toEqual({ response_action: 'clear' });
  const row = (
    await h.database.db.select().from(h.tables.handoffs).orderBy(desc(h.tables.handoffs.id))
  )[0] as HandoffRow;
  expect(row.accountName).toBe(account);
  const entry = {
    model: newModel(account, org.channel),
    id: row.id,
    last: row,
    opp,
    commit: life.commit,
    first: first as string,
    values: [],
    takeBacks: 0,
    story: [`${account}: sent${life.namesAe ? ' (next move names Jordan)' : ''}`],
  };
  lives.push(entry);
  return entry;
}

/** After a step: the app quiet, the partner thread recheck run (as its schedule would have), everything observed. */
async function settle(): Promise<boolean> {
  await quiet(h);
  await h.app.scheduler.runNow('partner-thread-recheck');
  // Quiet already, unless the recheck queued an update.
  if (
    (
      await h.database.db
        .select()
        .from(h.tables.outbox)
        .where(eq(h.tables.outbox.status, 'pending'))
        .orderBy(h.tables.outbox.id)
    ).length > 0
  )
    await quiet(h);
  return await observe();
}

it('the partner view through the real app (property): the partner channels tell only what is true now: decisions and outcomes, never routing, only accepting AEs', {
  timeout: TIMEOUT_MS,
}, async () => {
  console.info(`partner view: seed ${SEED} (override with SEED=…), ${NUM_RUNS} runs`);
  await fc.assert(
    fc.asyncProperty(lifeArb, async (life) => {
      const entry = await begin(life);
      const { story } = entry;
      await settle();
      expect(await violations(), story.join(' → ')).toEqual([]);
      for (const step of life.steps) {
        const before = threadOf(entry.model);
        const wasHeld = await held(entry.model.channel);
        mark = h.slack.calls.length;
        const did = await perform(entry, step);
        if (!did) continue;
        const news = await settle();
        story.push(did);
        count(stats.steps, did.split(':')[0] ?? did);
        expect(await violations(), story.join(' → ')).toEqual([]);
        // Routing changes nothing the partner reads: no post, no new status (a release posts what waited). A deal
        // that leaves the AE who accepted it reads "finding the right person" (issue 77 item 7: checkThread).
        const leaves = did === 'handBack' || did.startsWith('takeBack');
        if (!news && !wasHeld && did !== 'unshare' && !leaves) {
          expect(threadOf(entry.model), `${did}: ${story.join(' → ')}`).toBe(before);
          stats.routingChecked += 1;
        }
      }
      for (const kind of entry.model.replies) count(stats.replies, kind);
      stats.runs += 1;
    }),
    { seed: SEED, numRuns: NUM_RUNS, endOnFailure: true },
  );
  // Whatever still waited on a held channel goes out once it is unshared: checked as well.
  mark = h.slack.calls.length;
  await releaseChannels();
  await settle();
  expect(await violations()).toEqual([]);
  console.info(
    'partner view:',
    JSON.stringify({
      ...stats,
      steps: Object.fromEntries(stats.steps),
      replies: Object.fromEntries(stats.replies),
    }),
  );
  // Not vacuous: decisions, outcomes and routing steps all happened, and routing was checked with nothing posted.
  expect(stats.runs).toBe(NUM_RUNS);
  for (const kind of ['accepted', 'declined']) expect(stats.replies.get(kind) ?? 0, kind).toBeGreaterThan(0);
  // Accepts with the modal's defaults, with a step of the AE's own, and with an estimated value all happened.
  for (const [kind, n] of Object.entries(stats.commits)) expect(n, `accepts: ${kind}`).toBeGreaterThan(0);
  // After the Accept (issue 51): new dates, hand-backs, take-backs to the pool and to the owner, and an accept by
  // the next AE after one, all happened in the fixed lives (rarer: not asked of every other seed explored).
  if (SEED === DEFAULT_SEED && NUM_RUNS >= 16) {
    for (const kind of ['newDate', 'handBack']) expect(stats.steps.get(kind) ?? 0, kind).toBeGreaterThan(0);
    for (const [kind, n] of Object.entries(stats.takenBack))
      expect(n, `taken back: ${kind}`).toBeGreaterThan(0);
  }
  expect(stats.routingChecked).toBeGreaterThan(NUM_RUNS);
});
