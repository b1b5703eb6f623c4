import { IANAZone } from 'luxon';

const QUARTER_HOUR = 15 * 60_000;
const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;
const MAX_REMEMBERED = 50_000;

/**
 * An IANA zone that remembers its UTC offset. luxon asks a zone for its offset every time it builds or moves a
 * DateTime, and IANAZone answers each time through Intl's formatToParts: that was the largest single cost of the
 * business-day arithmetic on every Accept. A UTC day with one offset from its first to its last millisecond, and at
 * every hour between (all but the days a transition falls on), is remembered whole: moments spread over weeks
 * (handoffs sent at any time) ask Intl once a day. A transition day is remembered per quarter hour, and a quarter hour
 * only when it has one offset throughout, so the transition itself (whenever it falls) is always asked of Intl again.
 * Everything else (name, type 'iana', formatting, equality) is IANAZone's own.
 */
class RememberingZone extends IANAZone {
  private readonly days = new Map<number, number>();
  private readonly quarters = new Map<number, number>();
  /** The days found not to have one offset throughout: not looked at whole again. */
  private readonly transitionDays = new Set<number>();

  override offset(ts: number): number {
    const day = Math.floor(ts / DAY);
    const quarter = Math.floor(ts / QUARTER_HOUR);
    const known = this.days.get(day) ?? this.quarters.get(quarter);
    if (known !== undefined) return known;
    const offset = super.offset(ts);
    if (Number.isNaN(offset)) return offset;
    if (!this.transitionDays.has(day)) {
      if (this.steady(day * DAY, DAY, offset)) {
        remember(this.days, day, offset);
        return offset;
      }
      if (this.transitionDays.size >= MAX_REMEMBERED) this.transitionDays.clear();
      this.transitionDays.add(day);
    }
    if (this.steady(quarter * QUARTER_HOUR, QUARTER_HOUR, offset)) remember(this.quarters, quarter, offset);
    return offset;
  }

  /**
   * Whether the span from `start` (of `length` ms) has `offset` at its first and last millisecond and at every hour
   * between. A day is looked at whole once (25 asks of Intl); on a transition day, each quarter hour first asked
   * about is looked at (2 asks), and the quarter the transition falls in is asked of Intl each time (3 asks).
   */
  private steady(start: number, length: number, offset: number): boolean {
    for (let at = start; at < start + length; at += HOUR) if (super.offset(at) !== offset) return false;
    return super.offset(start + length - 1) === offset;
  }
}

function remember(known: Map<number, number>, key: number, offset: number): void {
  if (known.size >= MAX_REMEMBERED) known.clear();
  known.set(key, offset);
}

const zones = new Map<string, RememberingZone>();

/**
 * The zone to give luxon for an IANA name: one remembering instance per name. An unknown name is handed back as it
 * is, so luxon reports it invalid exactly as before.
 */
export function zoneFor(name: string): IANAZone | string {
  let zone = zones.get(name);
  if (!zone) {
    if (!IANAZone.isValidZone(name)) return name;
    zone = new RememberingZone(name);
    zones.set(name, zone);
  }
  return zone;
}

/** The zone where "today" is earliest (UTC-12): a day typed anywhere is on or after its today. */
export const EARLIEST_ZONE = 'Etc/GMT+12';
/** The zone where "today" is latest (UTC+14). */
export const LATEST_ZONE = 'Etc/GMT-14';
