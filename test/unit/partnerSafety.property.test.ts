import fc from 'fast-check';
import { expect, it } from 'vitest';
import { renderSurface, type SurfaceModel, type SurfaceParams } from '../../src/blocks/surfaces.js';
import {
  decisionMessages,
  extendMessages,
  outcomeMessages,
  type PartnerThread,
  reassignMessages,
  sentMessages,
  stallMessages,
  stampOf,
  withdrawMessages,
} from '../../src/core/notifications.js';
import type { OutboxMessage } from '../../src/db/repositories/outbox.js';
import type { SurfaceSpec } from '../../src/db/repositories/surfaces.js';
import type { DecisionRow, HandoffRow, OutcomeRow } from '../../src/db/schema.js';
import { CLASSIFICATION_LABEL } from '../../src/domain/attribution.js';
import { DECLINE_REASON_CODES } from '../../src/domain/decline.js';
import { NO_OFFER, offerFor } from '../../src/domain/lifecycle.js';
import { isFinalOutcome, LOST_REASON_CODES, nextOutcomes, OUTCOMES } from '../../src/domain/outcomes.js';
import { partnerFacts, partnerView } from '../../src/domain/partnerView.js';
import { BAND_LABEL, COMPONENTS } from '../../src/domain/scoring.js';
import { expiryMessages, reminderMessages } from '../../src/escalation/notices.js';
import { validateMessage } from '../support/fakeSlack.js';
import { stringsIn } from '../support/matrixStrings.js';
import { noise as userNoise } from '../support/noise.js';
import { seedOf } from '../support/seed.js';
import { handoff } from './blocks/fixtures.js';
import { viewerOf } from './blocks/offers.js';

/**
 * Partner-safe by construction: over random packets and random event sequences, nothing but the allow-list of
 * src/domain/partnerSafe.ts reaches a partner-facing message the notification builders queue. Through the real app,
 * the same is pinned by partnerLoop.test.ts (typed mentions in every field and step, nothing internal), the partner
 * view and isolation properties (no routing, no estimated value, no internal field in a shared channel).
 *
 * Every internal field carries a marker `INT<n>x` (unique within the run) wrapped in noise (Slack control
 * characters, mentions, emoji, very long text); the allow-listed fields carry random text that never contains a
 * marker or a forbidden value. A marker, a score, a band or a classification in a partner message is a leak.
 */

const PARTNER_CHANNEL = 'C0PARTNER';
const ESCALATION_CHANNEL = 'C0ESCALATIONS';
const MANAGER = 'U0MANAGER';

// ---------------------------------------------------------------------------------------------------------------
// Generators

const noise = userNoise({ maxParts: 8, longMin: 300, longMax: 6000 });

/** Values that must never be shown to a partner, whatever their case: band and classification wordings. */
const FORBIDDEN_WORDS = [
  ...Object.values(BAND_LABEL),
  ...Object.values(CLASSIFICATION_LABEL),
  ...['partner_sourced', 'partner_influenced', 'keep_building'],
];
const MARKER = /INT\d+x/;

/** Text that could never be mistaken for a marker or a forbidden value (so finding one means a leak). */
function innocent(text: string): boolean {
  const lower = text.toLowerCase();
  return (
    !MARKER.test(text) &&
    !text.includes('/18') &&
    !FORBIDDEN_WORDS.some((w) => lower.includes(w.toLowerCase()))
  );
}

/** Random text for an allow-listed field: non-empty, sometimes very long, full of Slack control characters. */
const allowText = noise.filter((text) => text.trim().length > 0 && innocent(text));

/**
 * The partner's next-move date is stored only after the packet schema checked it is YYYY-MM-DD, and partnerUpdate
 * renders it without escaping; so it is generated as a date here, not as free text.
 */
const isoDate = fc
  .date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2028-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const packet = fc.record({
  accountName: allowText,
  partnerOrg: allowText,
  partnerContactName: allowText,
  aeName: allowText,
  partnerNextMove: allowText,
  partnerNextMoveDate: fc.option(isoDate, { nil: null }),
  /** Noise around each internal field's marker. */
  internal: fc.array(noise, { minLength: 16, maxLength: 16 }),
  score: fc.option(fc.integer({ min: 0, max: 18 }), { nil: null }),
  scoreBand: fc.option(fc.constantFrom('ready' as const, 'fix' as const, 'keep_building' as const), {
    nil: null,
  }),
  classification: fc.option(fc.constantFrom('partner_sourced' as const, 'partner_influenced' as const), {
    nil: null,
  }),
  ownerIsAuthor: fc.boolean(),
  threadStarted: fc.boolean(),
});

/** One step; which event it is depends on the state it meets (`pick` indexes the events allowed there). */
const step = fc.record({
  pick: fc.nat(),
  /** Force the partner thread's state for this step (a thread row found or not), whatever happened before. */
  thread: fc.option(fc.boolean(), { nil: undefined }),
  declineReason: fc.constantFrom(...DECLINE_REASON_CODES),
  lostReason: fc.option(fc.constantFrom(...LOST_REASON_CODES), { nil: null }),
  note: fc.option(noise, { nil: null }),
  crm: fc.option(noise, { nil: null }),
  outcomePick: fc.nat(),
  newAeName: allowText,
  days: fc.integer({ min: 1, max: 10 }),
  escalation: fc.constantFrom('partner' as const, 'internal' as const, 'none' as const),
  manager: fc.boolean(),
  reminderIndex: fc.nat({ max: 3 }),
  hours: fc.integer({ min: 1, max: 120 }),
});

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;
type Packet = typeof packet extends fc.Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------------------------------------------------------
// The model: a handoff moved through its lifecycle, calling the builders the services call

/** Markers `INT<n>x`, each with the internal field or event note that carries it. */
class Markers extends Map<string, string> {
  next(where: string): string {
    const marker = `INT${this.size}x`;
    this.set(marker, where);
    return marker;
  }
}

/** Internal text: the marker first (it survives any cut), then noise, then the marker again. */
const marked = (markers: Markers, where: string, noiseText: string) => {
  const marker = markers.next(where);
  return `${marker} ${noiseText} ${marker}`;
};

/** The events each state allows (an accepted deal's none once its outcome is final). */
const ALLOWED = {
  sent: ['accept', 'decline', 'reassign', 'extend', 'withdraw', 'expire', 'reminder'],
  expired: ['reassign', 'extend', 'withdraw'],
  declined: ['reassign'],
  accepted: ['outcome', 'stall'],
  withdrawn: [],
  taken_back: [],
} as const satisfies Record<HandoffRow['status'], readonly string[]>;
type EventKind = (typeof ALLOWED)[keyof typeof ALLOWED][number];

const allowedEvents = (h: HandoffRow): readonly EventKind[] =>
  h.status === 'accepted' && isFinalOutcome(h.outcome) ? [] : ALLOWED[h.status];

interface Delivered {
  event: string;
  /** The outbox row as the builder queued it. */
  message: OutboxMessage;
  /**
   * What Slack receives: the row's payload for history (a partner thread reply), or its surface rendered with
   * `renderSurface` from the handoff's state at delivery or at a later refresh.
   */
  payload: unknown;
}

interface Run {
  messages: Delivered[];
  markers: Markers;
  /** Markers of notes and CRM ids written by events: each must reach some internal message. */
  eventMarkers: string[];
  /** The packet fields the AE's DM must show (the converse check). */
  packetMarkers: Record<
    'riskNote' | 'whyPartner' | 'customerTrigger' | 'crmOpportunity' | 'overrideReason' | 'finding',
    string
  >;
  events: string[];
}

/** The database as core/surfaces.ts reads it when it renders a surface: the handoff, its decisions and steps. */
interface Snapshot {
  h: HandoffRow;
  /** Decisions by assignment. */
  decisions: ReadonlyMap<number, DecisionRow>;
  steps: readonly OutcomeRow[];
}

interface QueuedSurface {
  event: string;
  message: OutboxMessage;
  spec: SurfaceSpec;
}

const surfaceOf = (m: OutboxMessage): SurfaceSpec | undefined =>
  m.method === 'chat.postMessage' ? m.surface : undefined;

/** A surface as core/surfaces.ts models it from `snap` (its reader offered what `can` allows them). */
function surfaceModel({ spec }: QueuedSurface, snap: Snapshot): SurfaceModel {
  const { h } = snap;
  const params = spec.params as SurfaceParams;
  const viewer = spec.viewer;
  return {
    kind: spec.kind,
    h,
    params,
    current: params.stamp === undefined || params.stamp === stampOf(h),
    currentDecision: snap.decisions.get(h.assignment),
    decision: snap.decisions.get(params.assignment ?? h.assignment),
    step: snap.steps.find((row) => row.outcome === params.outcome),
    offer: viewer ? offerFor(viewerOf(viewer, h), h) : NO_OFFER,
    // The partner's view, as core/surfaces.ts renders the thread's parent from the same rows (null: nothing yet).
    ...(spec.kind === 'partner_parent'
      ? {
          partner: partnerView({
            handoff: h,
            facts: partnerFacts(h, [...snap.decisions.values()], snap.steps),
            threadStarted: true,
          }),
        }
      : {}),
  };
}

const addHours = (at: Date, hours: number) => new Date(at.getTime() + hours * 3_600_000);

function simulate(p: Packet, steps: Step[]): Run {
  const markers = new Markers();
  const noiseOf = (i: number) => p.internal[i] ?? '';
  const field = (name: string, i: number) => marked(markers, name, noiseOf(i));
  const riskNote = field('riskNote', 0);
  const whyPartner = field('whyPartner', 1);
  const customerTrigger = field('customerTrigger', 2);
  const crmOpportunity = field('crmOpportunity', 3);
  const evidenceMarker = markers.next('evidenceUrl');
  const overrideReason = field('overrideReason', 9);
  const finding = field('findings.partnerOrg', 15);
  let h: HandoffRow = handoff({
    ownerUserId: p.ownerIsAuthor ? 'U0AUTHOR' : 'U0OWNER',
    partnerChannelId: PARTNER_CHANNEL,
    accountName: p.accountName,
    partnerOrg: p.partnerOrg,
    partnerContactName: p.partnerContactName,
    aeName: p.aeName,
    partnerNextMove: p.partnerNextMove,
    partnerNextMoveDate: p.partnerNextMoveDate,
    riskNote,
    whyPartner,
    customerTrigger,
    crmOpportunity,
    evidenceUrl: `https://docs.example.com/${evidenceMarker}/${encodeURIComponent(noiseOf(4))}#${evidenceMarker}`,
    jointValue: field('jointValue', 5),
    warmPath: field('warmPath', 6),
    sellerNextMove: field('sellerNextMove', 7),
    partnerContactRole: field('partnerContactRole', 8),
    overrideReason,
    // What the conflict check flagged when it was sent: shown to the AE, never to a partner.
    findings: [
      {
        kind: 'conflict',
        handoffId: 7,
        accountName: field('findings.accountName', 14),
        partnerOrg: finding,
        status: 'sent',
        aeUserId: 'U0AE9',
      },
      { kind: 'reseller', resellerName: field('findings.resellerName', 14), accountName: 'Northwind' },
    ],
    classificationReason: field('classificationReason', 10),
    accountDomain: `${markers.next('accountDomain')}.example.com`,
    accountKey: field('accountKey', 11),
    partnerKey: field('partnerKey', 12),
    score: p.score,
    scoreBand: p.scoreBand,
    classification: p.classification,
    scorecard: COMPONENTS.map((id, i) => ({
      id,
      score: (i % 3) as 0 | 1 | 2,
      reason: field(`scorecard.${id}`, 13),
    })),
  });
  const run: Run = {
    messages: [],
    markers,
    eventMarkers: [],
    packetMarkers: { riskNote, whyPartner, customerTrigger, crmOpportunity, overrideReason, finding },
    events: ['sent'],
  };
  const decisions = new Map<number, DecisionRow>();
  const recorded: OutcomeRow[] = [];
  const snapshot = (): Snapshot => ({ h, decisions: new Map(decisions), steps: [...recorded] });
  /** Surfaces queued so far whose reader is the partner: brought up to date after every change. */
  const partnerSurfaces: QueuedSurface[] = [];
  const deliver = (queued: QueuedSurface, event: string, snap: Snapshot) => {
    const result = renderSurface(surfaceModel(queued, snap));
    if (result) run.messages.push({ event, message: queued.message, payload: result.message });
  };
  /**
   * The event's rows, delivered in the state just after it (the builder's state): history as queued, surfaces
   * rendered. Then every partner surface queued before is rendered again in that state (a refresh after a change).
   */
  const emit = (event: string, messages: OutboxMessage[]) => {
    const snap = snapshot();
    for (const queued of partnerSurfaces) deliver(queued, `${event} (refresh)`, snap);
    for (const message of messages) {
      const spec = surfaceOf(message);
      if (!spec) {
        if (message.method === 'crm.activity' || message.method === 'crm.create') continue;
        run.messages.push({ event, message, payload: message.payload });
        continue;
      }
      const queued = { event, message, spec };
      if (isPartnerBound(message)) partnerSurfaces.push(queued);
      deliver(queued, event, snap);
    }
  };
  let thread: PartnerThread = { started: p.threadStarted, facts: [] };
  let at = new Date('2026-03-02T10:00:00Z');
  let aeCount = 1;
  let outcomeId = 1;

  emit('sent', sentMessages(h));
  for (const s of steps) {
    const allowed = allowedEvents(h);
    if (allowed.length === 0) break;
    const kind = allowed[s.pick % allowed.length] as EventKind;
    at = addHours(at, s.hours);
    const startedNow = s.thread === undefined ? thread.started : s.thread;
    /** The thread as core/partnerThread.ts reads it inside the change's transaction: after its rows. */
    const threadNow = (): PartnerThread => ({
      started: startedNow,
      facts: partnerFacts(h, [...decisions.values()], recorded),
    });
    let messages: OutboxMessage[] = [];
    let event: string = kind;
    switch (kind) {
      case 'accept':
      case 'decline': {
        const declined = kind === 'decline';
        const note = declined && s.note !== null ? marked(markers, 'decline note', s.note) : null;
        if (note) run.eventMarkers.push(note.slice(0, note.indexOf(' ')));
        h = { ...h, status: declined ? 'declined' : 'accepted', decidedAt: at, lastActivityAt: at };
        const decision: DecisionRow = {
          id: h.assignment,
          handoffId: h.id,
          assignment: h.assignment,
          decision: declined ? 'declined' : 'accepted',
          reasonCode: declined ? s.declineReason : null,
          note,
          decidedByUserId: h.aeUserId,
          decidedByTeamId: h.aeTeamId,
          decidedAt: at,
        };
        decisions.set(h.assignment, decision);
        if (declined) event = `decline:${s.declineReason}${note ? '+note' : ''}`;
        messages = decisionMessages(h, decision, threadNow());
        break;
      }
      case 'reassign': {
        aeCount += 1;
        const before = h;
        h = {
          ...h,
          status: 'sent',
          aeUserId: `U0AE${aeCount}`,
          aeName: s.newAeName,
          assignment: h.assignment + 1,
          cycle: h.cycle + 1,
          decidedAt: null,
          expiredAt: null,
          windowStartedAt: at,
          windowDays: s.days,
          dueAt: addHours(at, s.days * 24),
        };
        messages = reassignMessages(before, h, threadNow());
        break;
      }
      case 'extend':
        h = {
          ...h,
          status: 'sent',
          cycle: h.cycle + 1,
          expiredAt: null,
          windowDays: s.days,
          dueAt: addHours(at, s.days * 24),
        };
        messages = extendMessages(h);
        break;
      case 'withdraw':
        h = { ...h, status: 'withdrawn', withdrawnAt: at, nextReminderAt: null };
        messages = withdrawMessages(h, threadNow());
        break;
      case 'expire': {
        h = { ...h, status: 'expired', expiredAt: at };
        const channelId =
          s.escalation === 'partner'
            ? PARTNER_CHANNEL
            : s.escalation === 'internal'
              ? ESCALATION_CHANNEL
              : undefined;
        event = `expire:escalation=${s.escalation}`;
        messages = expiryMessages(h, { channelId, managers: s.manager ? { [h.aeUserId]: MANAGER } : {} });
        break;
      }
      case 'reminder':
        messages = reminderMessages(h, s.reminderIndex, at);
        break;
      case 'stall':
        messages = stallMessages(h, at);
        break;
      case 'outcome': {
        const options = nextOutcomes(h.outcome);
        const outcome = options[s.outcomePick % options.length];
        if (!outcome) throw new Error('no outcome to record');
        const crm =
          outcome === 'opportunity_created' || s.crm !== null
            ? marked(markers, `${outcome} CRM id`, s.crm ?? '')
            : null;
        const note = s.note !== null ? marked(markers, `${outcome} note`, s.note) : null;
        for (const value of [crm, note]) if (value) run.eventMarkers.push(value.slice(0, value.indexOf(' ')));
        h = { ...h, outcome, lastActivityAt: at };
        const row: OutcomeRow = {
          id: outcomeId++,
          handoffId: h.id,
          outcome,
          crmOpportunity: crm,
          reasonCode: outcome === 'lost' ? s.lostReason : null,
          note,
          recordedByUserId: h.aeUserId,
          recordedAt: at,
        };
        recorded.push(row);
        event = `outcome:${outcome}${outcome === 'lost' ? `:${s.lostReason}` : ''}`;
        messages = outcomeMessages(h, row, threadNow());
        break;
      }
    }
    run.events.push(startedNow === thread.started ? event : `${event} (thread forced ${startedNow})`);
    emit(event, messages);
    if (messages.some((m) => 'audience' in m && m.audience === 'partner'))
      thread = { started: true, facts: threadNow().facts };
  }
  return run;
}

// ---------------------------------------------------------------------------------------------------------------
// The property

/** Whether any element anywhere in a value is interactive (has an action_id). */
function hasAction(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasAction);
  if (typeof value !== 'object' || value === null) return false;
  return 'action_id' in value || Object.values(value).some(hasAction);
}

const channelOf = (m: OutboxMessage) => ('channel' in m ? m.channel : undefined);
const audienceOf = (m: OutboxMessage) => ('audience' in m ? m.audience : undefined);
const isPartnerBound = (m: OutboxMessage) => channelOf(m) === PARTNER_CHANNEL || audienceOf(m) === 'partner';

/** What is wrong with one partner-bound message (empty when it is safe). */
function partnerProblems(run: Run, { event, message, payload }: Delivered): string[] {
  const problems: string[] = [];
  const where = `${event} → ${message.method} ${message.dedupeKey}`;
  if (channelOf(message) !== PARTNER_CHANNEL)
    problems.push(`${where}: partner audience sent to ${channelOf(message)}`);
  if (audienceOf(message) !== 'partner') problems.push(`${where}: internal message in the partner channel`);
  // The only surface a partner reads is the thread's parent, rendered from the partner-safe projection alone.
  const spec = surfaceOf(message);
  if (spec && (spec.kind !== 'partner_parent' || spec.viewer !== null))
    problems.push(`${where}: surface ${spec.kind} (reader ${spec.viewer}) in the partner channel`);
  const texts = [...stringsIn(payload)];
  const all = texts.join('\n');
  for (const [marker, what] of run.markers) {
    if (all.includes(marker)) problems.push(`${where}: leaks ${what} (${marker})`);
  }
  const lower = all.toLowerCase();
  for (const word of FORBIDDEN_WORDS) {
    if (lower.includes(word.toLowerCase())) problems.push(`${where}: shows ${JSON.stringify(word)}`);
  }
  if (all.includes('/18')) problems.push(`${where}: shows a score (…/18)`);
  for (const text of texts) {
    // User text is escaped, and the app never pings or links in a partner channel: no `<` survives.
    for (const raw of ['<!channel>', '<!here>', '<!everyone>', '<@', '<#', '<http', '<']) {
      if (text.includes(raw)) {
        problems.push(`${where}: raw ${JSON.stringify(raw)} in ${JSON.stringify(text.slice(0, 200))}`);
        break;
      }
    }
  }
  // Nothing a partner could click: the buttons are for internal people only.
  if (hasAction(payload)) problems.push(`${where}: offers a button`);
  const invalid = validateMessage(payload as { text?: unknown; blocks?: unknown });
  if (invalid)
    problems.push(`${where}: Slack would refuse it: ${invalid.error} ${invalid.messages.join('; ')}`);
  return problems;
}

const stats = {
  runs: 0,
  partnerMessages: 0,
  partnerEvents: new Set<string>(),
  /** Thread parents rendered from the handoff's state: when queued, and again after a later change. */
  parentsRendered: 0,
  parentsRefreshed: 0,
};

/** Fixed so CI is repeatable; set FC_SEED to explore other random packets and sequences. */
const FC_SEED = seedOf(20261121);

it('partner safety of the notification builders (property): never puts an internal field, score, band or classification, or a raw mention, in a partner message', () => {
  fc.assert(
    fc.property(packet, fc.array(step, { minLength: 0, maxLength: 10 }), (p, steps) => {
      const run = simulate(p, steps);
      const partner = run.messages.filter((d) => isPartnerBound(d.message));
      const problems = partner.flatMap((d) => partnerProblems(run, d));
      expect(problems, `events: ${run.events.join(' → ')}`).toEqual([]);

      // The converse: internal messages do carry internal content, so the markers really are detectable.
      const internalText = run.messages
        .filter((d) => !isPartnerBound(d.message))
        .map((d) => [...stringsIn(d.payload)].join('\n'))
        .join('\n');
      const markerOf = (value: string) => value.slice(0, value.indexOf(' '));
      for (const [name, value] of Object.entries(run.packetMarkers)) {
        expect(internalText, `the AE's DM shows ${name}`).toContain(markerOf(value));
      }
      for (const marker of run.eventMarkers) {
        expect(internalText, `${run.markers.get(marker)} reaches an internal message`).toContain(marker);
      }

      stats.runs += 1;
      stats.partnerMessages += partner.length;
      for (const d of partner) {
        stats.partnerEvents.add(d.event.split(':').slice(0, 2).join(':'));
        if (surfaceOf(d.message)?.kind !== 'partner_parent') continue;
        stats.parentsRendered += 1;
        if (d.event.endsWith('(refresh)')) stats.parentsRefreshed += 1;
      }
    }),
    { seed: FC_SEED, numRuns: 400 },
  );
  // The generators reach every partner-facing event (so the property is not vacuous).
  expect(stats.partnerMessages).toBeGreaterThan(stats.runs);
  expect(stats.parentsRendered).toBeGreaterThan(stats.runs / 2);
  expect(stats.parentsRefreshed).toBeGreaterThan(0);
  // A reassignment is routing: never partner-facing (domain/partnerView.ts).
  expect([...stats.partnerEvents].filter((e) => e === 'reassign')).toEqual([]);
  for (const event of ['accept', 'decline', 'withdraw', ...OUTCOMES.map((o) => `outcome:${o}`)])
    expect(
      [...stats.partnerEvents].some((e) => e.startsWith(event)),
      event,
    ).toBe(true);
});
