import { IANAZone } from 'luxon';

const QUARTER_HOUR = 15 * 60_000;
const MAX_REMEMBERED = 50_000;

/**
 * An IANA zone that remembers its UTC offset per quarter hour. luxon asks a zone for its offset every time it builds
 * or moves a DateTime, and IANAZone answers each time through Intl's formatToParts: that was the largest single cost
 * of the business-day arithmetic on every Accept. A quarter hour is remembered only when it has one offset from its
 * first to its last millisecond, so a transition (whenever it falls) is always asked of Intl again.
 * Everything else (name, type 'iana', formatting, equality) is IANAZone's own.
 */
class RememberingZone extends IANAZone {
  private readonly offsets = new Map<number, number>();

  override offset(ts: number): number {
    const quarter = Math.floor(ts / QUARTER_HOUR);
    const known = this.offsets.get(quarter);
    if (known !== undefined) return known;
    const offset = super.offset(ts);
    const start = quarter * QUARTER_HOUR;
    if (
      !Number.isNaN(offset) &&
      super.offset(start) === offset &&
      super.offset(start + QUARTER_HOUR - 1) === offset
    ) {
      if (this.offsets.size >= MAX_REMEMBERED) this.offsets.clear();
      this.offsets.set(quarter, offset);
    }
    return offset;
  }
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
