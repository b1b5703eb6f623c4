import { isoDateIn } from './businessDays.js';
import type { AfterAcceptStats, MetricEvent } from './metricsModel.js';
import { Samples } from './samples.js';

/**
 * After the Accept: the trust signals of the first steps AEs commit to when accepting, per period and per
 * partner, AE and author, folded one event at a time with the rest of the metrics (domain/metrics.ts). Definitions,
 * in docs/revops.md too:
 * - first steps done: the first outcome step recorded after an accept that gave a first step, in the period.
 * - on time: done on or before the step's date in the AE's calendar, the latest date it was given: a step the AE
 *   moved with New date and did by the new date is kept (how many were is said beside it).
 * - accepted, then idle: deals the escalation policy took back in the period because their first step went quiet
 *   (touch log `taken_back`). Handed back: deals their AE gave back themselves (`handed_back`), counted apart: an AE
 *   who says so is not idle, and neither is a commitment ended.
 * - commitments kept on time: on time, of the commitments that ended in the period (first steps done + idle). A step
 *   still open is not counted yet, however late: it ends when done or taken back (the App Home lists it as idle).
 * - time to first step: business hours in the AE's calendar from the accept to the first step done, recorded with
 *   that outcome step as a decision records its time to decision; median and 90th percentile.
 * The AE of each is the AE who accepted; the partner and author those of the handoff.
 */

/** Whether a first step done at `doneAt` kept its date (YYYY-MM-DD): done that day or before, in the AE's zone. */
export function keptOnTime(doneAt: Date, due: string, timeZone: string): boolean {
  return isoDateIn(doneAt, timeZone) <= due;
}

const rate = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/** One group's running totals after the Accept. */
export class AfterAcceptTally {
  private stepsDone = 0;
  private onTime = 0;
  private onTimeMoved = 0;
  private idle = 0;
  private handedBack = 0;
  private readonly hours = new Samples();

  /** Folds in one metric event (those that say nothing of a first step or a take-back are ignored). */
  add(e: MetricEvent): void {
    if (e.type === 'taken_back') this.idle += 1;
    else if (e.type === 'handed_back') this.handedBack += 1;
    else if (e.firstStep) {
      this.stepsDone += 1;
      if (e.businessHours !== null) this.hours.add(e.businessHours);
      if (e.firstStep.onTime) {
        this.onTime += 1;
        if (e.firstStep.newDates > 0) this.onTimeMoved += 1;
      }
    }
  }

  stats(): AfterAcceptStats {
    const commitmentsEnded = this.stepsDone + this.idle;
    const { median, p90 } = this.hours.medianAndP90();
    return {
      stepsDone: this.stepsDone,
      onTime: this.onTime,
      onTimeMoved: this.onTimeMoved,
      idle: this.idle,
      handedBack: this.handedBack,
      commitmentsEnded,
      keptRate: rate(this.onTime, commitmentsEnded),
      medianHours: median,
      p90Hours: p90,
    };
  }
}
