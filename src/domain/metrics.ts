import { DateTime } from 'luxon';
import { AfterAcceptTally } from './afterAcceptMetrics.js';
import type {
  GroupStats,
  HelpRequestFact,
  MetricEvent,
  OutcomeCounts,
  ProgramMetrics,
  Stats,
  WeekStats,
} from './metricsModel.js';
import { OUTCOMES } from './outcomes.js';
import { percentileOfSorted, Samples } from './samples.js';
import { zoneFor } from './zones.js';

/**
 * The trust signals (DOMAIN.md) over a period, computed from the touch log. Definitions, in docs/revops.md too, and
 * each one in a line under its figure on the App Home and in the digest:
 * - handoffs sent: new handoffs sent in the period (per AE: those sent to that AE first).
 * - AE requests: answer windows opened in the period: sends plus reassignments (a new AE's turn to answer).
 * - AE windows closed: W = accepted A + declined D + expired E, windows that ended in the period. A window the
 *   owner reopens after it expired (an extension) counts again when it ends: its expiry stays silence, the late
 *   answer counts too. A window still open, or ended by a reassignment or withdrawal before an answer, is not in W.
 * - answers: A + D. An expiry is never an answer.
 * - acceptance rate: A of A + D answers; decline rate: D of A + D. Silence rate: E of W windows.
 * - expired while away: windows that expired while the AE was known to be away (their Slack status said so, or
 *   they gave days away with their cover; a cover named alone is no absence): not silence, so not in E nor in W;
 *   counted on their own.
 * - time to decision: business hours (the AE's calendar) from the request to the accept or decline, for decisions
 *   in the period; median and 90th percentile by linear interpolation between ranks.
 * - repeat use: AEs who accepted in the period and had accepted an earlier handoff (in a group: from the same
 *   partner, or from the same author), over all AEs who accepted in the period.
 * - help requests: AE-initiated asks for partner help made in the period (per author: the ones they took).
 * - score: average over handoffs sent in the period; last three: each author's three latest, as of the period end.
 * - outcomes: steps recorded in the period, by the handoff's classification.
 * - after the Accept: first steps done, kept on time, time to first step, accepted then idle, handed back
 *   (domain/afterAcceptMetrics.ts).
 * Groups by partner are by the partner record (partner_key): merged partners count as one.
 */
export type {
  AfterAcceptStats,
  AuthorStats,
  GroupStats,
  HelpRequestFact,
  MetricEvent,
  OutcomeCounts,
  ProgramMetrics,
  Stats,
  WeekStats,
} from './metricsModel.js';

export function percentile(values: readonly number[], p: number): number | null {
  return percentileOfSorted(
    [...values].sort((a, b) => a - b),
    p,
  );
}

const rate = (part: number, whole: number) => (whole === 0 ? null : part / whole);
const zeroOutcomes = (): OutcomeCounts => Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;

type Dimension = 'all' | 'partner' | 'ae' | 'author';

/** One group's running totals: events are folded in one at a time, so no group keeps its events. */
class Tally {
  sent = 0;
  requests = 0;
  accepted = 0;
  declined = 0;
  expired = 0;
  expiredAway = 0;
  /** Decision times (domain/samples.ts). */
  private readonly hours = new Samples();
  scoreSum = 0;
  scoreCount = 0;
  readonly accepting = new Set<string>();
  readonly repeat = new Set<string>();
  readonly outcomes = { sourced: zeroOutcomes(), influenced: zeroOutcomes() };
  help = 0;
  /** After the Accept: first steps and take-backs (domain/afterAcceptMetrics.ts). */
  private readonly afterAccept = new AfterAcceptTally();

  /** `dimension` says which "earlier accept" counts as repeat use. */
  constructor(private readonly dimension: Dimension) {}

  add(e: MetricEvent): void {
    this.afterAccept.add(e);
    switch (e.type) {
      case 'sent':
        this.sent += 1;
        this.requests += 1;
        if (e.score !== null) {
          this.scoreSum += e.score;
          this.scoreCount += 1;
        }
        break;
      case 'reassigned':
        this.requests += 1;
        break;
      case 'accepted':
      case 'declined': {
        if (e.type === 'accepted') {
          this.accepted += 1;
          this.accepting.add(e.aeUserId);
          const earlier =
            this.dimension === 'partner'
              ? e.earlierAcceptSamePartner
              : this.dimension === 'author'
                ? e.earlierAcceptSameAuthor
                : e.earlierAccept;
          if (earlier) this.repeat.add(e.aeUserId);
        } else this.declined += 1;
        if (e.businessHours !== null) this.hours.add(e.businessHours);
        break;
      }
      case 'expired':
        this.expired += 1;
        break;
      case 'expired_away':
        this.expiredAway += 1;
        break;
      case 'taken_back':
      case 'handed_back':
        break;
      default:
        this.outcomes[e.classification === 'partner_sourced' ? 'sourced' : 'influenced'][e.type] += 1;
    }
  }

  stats(): Stats {
    const answered = this.accepted + this.declined;
    const windowsClosed = answered + this.expired;
    const { median, p90 } = this.hours.medianAndP90();
    return {
      sent: this.sent,
      requests: this.requests,
      accepted: this.accepted,
      declined: this.declined,
      expired: this.expired,
      expiredAway: this.expiredAway,
      answered,
      windowsClosed,
      acceptanceRate: rate(this.accepted, answered),
      declineRate: rate(this.declined, answered),
      silenceRate: rate(this.expired, windowsClosed),
      medianHours: median,
      p90Hours: p90,
      acceptingAes: this.accepting.size,
      repeatAes: this.repeat.size,
      repeatRate: rate(this.repeat.size, this.accepting.size),
      helpRequests: this.help,
      averageScore: this.scoreCount === 0 ? null : this.scoreSum / this.scoreCount,
      outcomes: this.outcomes,
      afterAccept: this.afterAccept.stats(),
    };
  }
}

/** Tallies by key, created on first use. */
class Tallies {
  readonly byKey = new Map<string, Tally>();
  constructor(private readonly dimension: Dimension) {}
  get(key: string): Tally {
    let tally = this.byKey.get(key);
    if (!tally) {
      tally = new Tally(this.dimension);
      this.byKey.set(key, tally);
    }
    return tally;
  }
}

/**
 * Most active first (sends + answers), then by label, so the top of every list is where the activity is. Answers
 * are accepted + declined: an expiry is silence, not activity, so an AE who let windows expire does not rank above
 * one who answered (the windows closed, W, counted expiries too). Ties: a partner's name; for AEs and authors
 * (labelled by user id, shown as a mention) the id, which keeps the order stable.
 */
const byVolume = (a: GroupStats, b: GroupStats) =>
  b.sent + b.answered - (a.sent + a.answered) || a.label.localeCompare(b.label);

/** Monday 00:00 of the week holding `at`, in `timeZone`. */
export function weekStartOf(at: Date, timeZone: string): DateTime {
  return DateTime.fromJSDate(at, { zone: zoneFor(timeZone) }).startOf('week');
}

/**
 * Week starts (ISO dates) by the hour an event falls in: every zone's week starts on a whole hour (or half, or
 * quarter hour: the key is the quarter hour), so events of the same quarter hour share one calendar lookup.
 */
function weekKeys(timeZone: string) {
  const cache = new Map<number, string>();
  return (at: Date): string => {
    const quarter = Math.floor(at.getTime() / 900_000);
    let key = cache.get(quarter);
    if (key === undefined) {
      key = weekStartOf(at, timeZone).toISODate() ?? '';
      cache.set(quarter, key);
    }
    return key;
  };
}

/**
 * Week by week tallies (sent and the ends of response windows), keyed by the Monday in `timeZone`: the trend
 * chart's input, and part of every period's metrics.
 */
export class WeekFold {
  private readonly tallies = new Tallies('all');
  private readonly weekOf: (at: Date) => string;

  constructor(private readonly timeZone: string) {
    this.weekOf = weekKeys(timeZone);
  }

  add(e: MetricEvent): void {
    this.tallies.get(this.weekOf(e.at)).add(e);
  }

  /** Every week [from, to) touches, oldest first, including empty ones (a gap is information too). */
  weeks(from: Date, to: Date): WeekStats[] {
    const weeks: WeekStats[] = [];
    const last = to.getTime() - 1;
    for (
      let week = weekStartOf(from, this.timeZone);
      week.toMillis() <= last && last >= from.getTime();
      week = week.plus({ weeks: 1 })
    ) {
      const key = week.toISODate() ?? '';
      const s = (this.tallies.byKey.get(key) ?? new Tally('all')).stats();
      weeks.push({
        weekStart: key,
        sent: s.sent,
        accepted: s.accepted,
        declined: s.declined,
        expired: s.expired,
        acceptanceRate: s.acceptanceRate,
        medianHours: s.medianHours,
      });
    }
    return weeks;
  }
}

/**
 * A period's metrics, folded one event at a time (in any order), keeping per group only its totals and its
 * decision times: events can come from an array or in batches streamed from the database.
 */
export class MetricsFold {
  private readonly overall = new Tally('all');
  private readonly partners = new Tallies('partner');
  private readonly aes = new Tallies('ae');
  private readonly authors = new Tallies('author');
  private readonly partnerLabels = new Map<string, string>();
  private readonly weekFold: WeekFold;

  constructor(private readonly timeZone: string) {
    this.weekFold = new WeekFold(timeZone);
  }

  add(e: MetricEvent): void {
    this.overall.add(e);
    this.partners.get(e.partnerKey).add(e);
    this.partnerLabels.set(e.partnerKey, e.partnerOrg);
    this.aes.get(e.aeUserId).add(e);
    this.authors.get(e.authorUserId).add(e);
    this.weekFold.add(e);
  }

  /** The metrics of [from, to), once every event of it has been added. */
  finish(input: FinishInput): ProgramMetrics {
    const steps = this.finishSteps(input);
    for (let step = steps.next(); ; step = steps.next()) if (step.done) return step.value;
  }

  /**
   * The same, letting other work run between steps (`pause`, e.g. the next turn of the event loop): a year of a
   * large touch log has tens of thousands of decisions per group to sort, 70 ms in one go.
   */
  async finishInTurns(input: FinishInput, pause: () => Promise<unknown>): Promise<ProgramMetrics> {
    const steps = this.finishSteps(input);
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) return step.value;
      await pause();
    }
  }

  /** The finishing work, in steps of at most a few milliseconds (a yield between steps). */
  private *finishSteps(input: FinishInput): Generator<void, ProgramMetrics> {
    const { helpRequests } = input;
    const { overall, partners, aes, authors, partnerLabels } = this;
    overall.help = helpRequests.length;
    for (const h of helpRequests) {
      if (h.partnerKey) {
        partners.get(h.partnerKey).help += 1;
        // The directory's name from the events wins over a request's typed spelling (an alias, before a merge).
        if (h.partnerOrg && !partnerLabels.has(h.partnerKey)) partnerLabels.set(h.partnerKey, h.partnerOrg);
      }
      aes.get(h.requestedByUserId).help += 1;
      if (h.claimedByUserId) authors.get(h.claimedByUserId).help += 1;
    }
    for (const key of input.lastScores.keys()) authors.get(key);

    const overallStats = overall.stats();
    yield;
    const groups = function* <T>(
      tallies: Tallies,
      make: (key: string, stats: Stats) => T,
    ): Generator<void, T[]> {
      const out: T[] = [];
      for (const [key, tally] of tallies.byKey) {
        out.push(make(key, tally.stats()));
        if (out.length % GROUPS_PER_STEP === 0) yield;
      }
      return out;
    };
    const byPartner = (yield* groups(partners, (key, stats) => ({
      key,
      label: partnerLabels.get(key) ?? key,
      ...stats,
    }))).sort(byVolume);
    yield;
    const byAe = (yield* groups(aes, (key, stats) => ({ key, label: key, ...stats }))).sort(byVolume);
    yield;
    const byAuthor = (yield* groups(authors, (key, stats) => ({
      key,
      label: key,
      ...stats,
      lastScores: input.lastScores.get(key) ?? [],
    }))).sort(byVolume);
    yield;
    return {
      from: input.from,
      to: input.to,
      timeZone: this.timeZone,
      overall: overallStats,
      byPartner,
      byAe,
      byAuthor,
      weeks: this.weekFold.weeks(input.from, input.to),
    };
  }
}

/** Groups whose figures are finished between two yields of finishInTurns. */
const GROUPS_PER_STEP = 100;

interface FinishInput {
  from: Date;
  to: Date;
  helpRequests: readonly HelpRequestFact[];
  lastScores: ReadonlyMap<string, number[]>;
}

/** The metrics of a period in one pass over its events (see MetricsFold). */
export function computeMetrics(input: {
  from: Date;
  to: Date;
  timeZone: string;
  events: Iterable<MetricEvent>;
  helpRequests: readonly HelpRequestFact[];
  lastScores: ReadonlyMap<string, number[]>;
}): ProgramMetrics {
  const fold = new MetricsFold(input.timeZone);
  for (const e of input.events) fold.add(e);
  return fold.finish(input);
}
