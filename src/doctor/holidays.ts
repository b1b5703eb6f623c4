import { DateTime } from 'luxon';
import type { Config } from '../config.js';
import { exportRows } from '../db/repositories/exportRows.js';
import { isoDateIn } from '../domain/businessDays.js';
import { holidayCalendar } from '../domain/holidays.js';
import type { Check, DoctorContext, Finding } from './types.js';

/** How far ahead holidays are listed, and how many per region. */
const AHEAD_DAYS = 366;
const PER_REGION = 3;
/** AEs of handoffs sent in the last this many days count, at most this many (one users.info each). */
const RECENT_DAYS = 90;
const RECENT_AES = 50;

/** The next public holidays of one region from `today` on, as "2026-11-26 Thanksgiving Day (US)". */
function nextHolidays(region: string, today: string): string[] {
  const calendar = holidayCalendar([region], []);
  const found: string[] = [];
  const start = DateTime.fromISO(today);
  for (let day = 0; day < AHEAD_DAYS && found.length < PER_REGION; day += 1) {
    const date = start.plus({ days: day }).toISODate() ?? '';
    const why = calendar.why(date);
    if (why) found.push(`${date} ${why}`);
  }
  return found;
}

function settingText(config: Config): string {
  const regions = config.calendar.holidayRegions;
  if (regions === 'by_zone')
    return "HOLIDAY_REGIONS is unset: each AE gets their own country's, from their Slack time zone.";
  if (regions === 'none')
    return 'HOLIDAY_REGIONS=none: no public holiday is skipped (company closures still are).';
  return `HOLIDAY_REGIONS=${regions.join(',')}: these regions' holidays for every AE.`;
}

/**
 * The zones to show, each with who is in it: DEFAULT_TIMEZONE (for an AE Slack gives no zone), the people the
 * settings name, and the AEs of recent handoffs (their zone as Slack has it now).
 */
async function zonesOf(ctx: DoctorContext, config: Config): Promise<Map<string, string[]>> {
  const zones = new Map<string, string[]>([[config.calendar.defaultTimeZone, ['DEFAULT_TIMEZONE']]]);
  const add = (zone: string | undefined, who: string) => {
    if (!zone) return;
    const known = zones.get(zone) ?? [];
    if (!known.includes(who)) zones.set(zone, [...known, who]);
  };
  const own = config.calendar.holidayRegionsByPerson;
  for (const person of ctx.found.people.values()) {
    if (!Object.hasOwn(own, person.id)) add(person.timeZone, `${person.name}`);
  }
  const db = ctx.database?.db;
  const directory = ctx.slack?.directory;
  if (db && directory) {
    const now = ctx.clock.now();
    const rows = await exportRows(
      db,
      new Date(now.getTime() - RECENT_DAYS * 86_400_000),
      new Date(now.getTime() + 1),
    );
    const aes = [...new Set(rows.reverse().map((row) => row.aeUserId))].filter(
      (id) => !Object.hasOwn(own, id),
    );
    for (const id of aes.slice(0, RECENT_AES)) {
      const user = await directory.lookupUser(id).catch(() => undefined);
      add(user?.timeZone, user?.name ?? id);
    }
  }
  return zones;
}

function regionLines(regions: readonly string[], today: string): string {
  if (regions.length === 0) return 'no public holiday';
  return regions
    .map(
      (region) =>
        `${region}: ${nextHolidays(region, today).join(', ') || `none in the next ${AHEAD_DAYS} days`}`,
    )
    .join('; ');
}

/** The public holidays in force for each AE zone, and each person's own regions: the next few, to check by eye. */
async function checkHolidays(ctx: DoctorContext): Promise<Finding[]> {
  const config = ctx.config;
  if (!config) return [];
  const { holidayRegions, closureDates, holidayRegionsByPerson } = config.calendar;
  const calendar = holidayCalendar(holidayRegions, closureDates, holidayRegionsByPerson);
  const today = isoDateIn(ctx.clock.now(), config.calendar.defaultTimeZone);
  const findings: Finding[] = [{ status: 'pass', text: settingText(config) }];
  for (const [zone, who] of await zonesOf(ctx, config)) {
    findings.push({
      status: 'pass',
      text: `${zone} (${who.join(', ')}) → ${regionLines(calendar.regionsFor(zone), today)}.`,
    });
  }
  for (const [id, regions] of Object.entries(holidayRegionsByPerson)) {
    const name = ctx.found.people.get(id)?.name ?? id;
    findings.push({
      status: 'pass',
      text: `${id} ${name}, own regions → ${regionLines(regions, today)}.`,
    });
  }
  const closures = closureDates.filter((date) => date >= today);
  findings.push({
    status: 'pass',
    text:
      closures.length > 0
        ? `Company closures ahead (CLOSURE_DATES): ${closures.join(', ')}.`
        : 'No company closure ahead (CLOSURE_DATES).',
  });
  return findings;
}

export const holidaysCheck: Check = {
  title: 'Holidays in force per AE zone',
  needs: ['settings'],
  run: checkHolidays,
};
