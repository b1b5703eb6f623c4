import { DateTime } from 'luxon';
import type { Config } from '../config.js';
import { exportRows } from '../db/repositories/exportRows.js';
import { isoDateIn } from '../domain/businessDays.js';
import { type HolidayRegions, holidayCalendar, type PersonHolidayRegions } from '../domain/holidays.js';
import type { PersonBody } from '../program/kinds.js';
import { personRegions } from '../program/state.js';
import { settingInForce } from './inForce.js';
import { type Check, type DoctorContext, type Finding, installationDb } from './types.js';

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

/** The calendar the app will use: the program's parts it holds, the settings (read in at the next start) for the rest. */
interface CalendarInForce {
  regions: HolidayRegions;
  /** Everyone's regions are the program's (else HOLIDAY_REGIONS'). */
  programRegions: boolean;
  closures: readonly string[];
  closuresPlace: string;
  /** Each person's own regions: the program's own days, and HOLIDAY_REGIONS' of people it holds none for. */
  byPerson: PersonHolidayRegions;
  zone: { value: string; place: string };
}

function calendarInForce(ctx: DoctorContext, config: Config): CalendarInForce {
  const program = ctx.program;
  const holds = (kind: 'holidays' | 'closures' | 'person', key?: string) =>
    program?.holds(kind, key) === true;
  const { holidayRegions, closureDates, holidayRegionsByPerson } = config.calendar;
  const settingPeople = Object.entries(holidayRegionsByPerson).filter(([id]) => !holds('person', id));
  const zone = settingInForce(ctx, config, 'defaultTimeZone');
  return {
    regions: program && holds('holidays') ? program.state.holidays : holidayRegions,
    programRegions: holds('holidays'),
    closures: program && holds('closures') ? program.state.closures : closureDates,
    closuresPlace: holds('closures') ? "the program's closures" : 'CLOSURE_DATES',
    byPerson: { ...Object.fromEntries(settingPeople), ...personRegions(program?.state.people ?? {}) },
    zone: { value: String(zone.value), place: zone.place },
  };
}

function settingText({ regions, programRegions }: CalendarInForce): string {
  if (programRegions) {
    if (regions === 'by_zone')
      return "The program's public holidays: each AE gets their own country's, from their Slack time zone.";
    if (regions === 'none')
      return "The program's public holidays: none is skipped (company closures still are).";
    return `The program's public holidays: ${regions.join(', ')}, for every AE.`;
  }
  if (regions === 'by_zone')
    return "HOLIDAY_REGIONS is unset: each AE gets their own country's, from their Slack time zone.";
  if (regions === 'none')
    return 'HOLIDAY_REGIONS=none: no public holiday is skipped (company closures still are).';
  return `HOLIDAY_REGIONS=${regions.join(',')}: these regions' holidays for every AE.`;
}

/**
 * The zones to show, each with who is in it: the default time zone (for an AE Slack gives no zone), the people the
 * settings and the program name, and the AEs of recent handoffs (their zone as Slack has it now).
 */
async function zonesOf(ctx: DoctorContext, inForce: CalendarInForce): Promise<Map<string, string[]>> {
  const zones = new Map<string, string[]>([[inForce.zone.value, [inForce.zone.place]]]);
  const add = (zone: string | undefined, who: string) => {
    if (!zone) return;
    const known = zones.get(zone) ?? [];
    if (!known.includes(who)) zones.set(zone, [...known, who]);
  };
  const own = inForce.byPerson;
  for (const person of ctx.found.people.values()) {
    if (!Object.hasOwn(own, person.id)) add(person.timeZone, `${person.name}`);
  }
  const db = await installationDb(ctx);
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

const WEEKDAY = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** A person's own days in the program, as a line: their regions, week, hours and pause (what they set). */
function ownDaysText(person: PersonBody, today: string): string {
  const parts: string[] = [];
  if (person.regions) parts.push(regionLines(person.regions === 'none' ? [] : person.regions, today));
  if (person.workingDays) parts.push(`works ${person.workingDays.map((d) => WEEKDAY[d]).join(', ')}`);
  if (person.hours) parts.push(`hours ${person.hours.start}–${person.hours.end}`);
  if (person.paused)
    parts.push(
      person.paused === 'until_resumed' ? 'paused until they resume' : `paused through ${person.paused}`,
    );
  return parts.join('; ') || 'nothing set';
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

/** The people's own days: the program's, and HOLIDAY_REGIONS' own regions of people it holds none for. */
function ownFindings(ctx: DoctorContext, inForce: CalendarInForce, today: string): Finding[] {
  const nameOf = (id: string) => ctx.found.people.get(id)?.name ?? id;
  const people = ctx.program?.state.people ?? {};
  const findings: Finding[] = Object.entries(people).map(([id, person]) => ({
    status: 'pass',
    text: `${id} ${nameOf(id)}'s own days → ${ownDaysText(person, today)}.`,
  }));
  for (const [id, regions] of Object.entries(inForce.byPerson)) {
    if (Object.hasOwn(people, id)) continue;
    findings.push({
      status: 'pass',
      text: `${id} ${nameOf(id)}, own regions → ${regionLines(regions, today)}.`,
    });
  }
  return findings;
}

/**
 * The public holidays in force for each AE zone, each person's own days, the business hours and the closures ahead:
 * the program's where it holds them, else the settings'.
 */
async function checkHolidays(ctx: DoctorContext): Promise<Finding[]> {
  const config = ctx.config;
  if (!config) return [];
  const inForce = calendarInForce(ctx, config);
  const calendar = holidayCalendar(inForce.regions, inForce.closures, inForce.byPerson);
  const today = isoDateIn(ctx.clock.now(), inForce.zone.value);
  const start = settingInForce(ctx, config, 'businessDayStart');
  const end = settingInForce(ctx, config, 'businessDayEnd');
  const findings: Finding[] = [
    { status: 'pass', text: settingText(inForce) },
    {
      status: 'pass',
      text: `Business hours ${String(start.value)}–${String(end.value)} (${start.place}, ${end.place}), in each person's own time zone.`,
    },
  ];
  for (const [zone, who] of await zonesOf(ctx, inForce)) {
    findings.push({
      status: 'pass',
      text: `${zone} (${who.join(', ')}) → ${regionLines(calendar.regionsFor(zone), today)}.`,
    });
  }
  findings.push(...ownFindings(ctx, inForce, today));
  const closures = inForce.closures.filter((date) => date >= today);
  findings.push({
    status: 'pass',
    text:
      closures.length > 0
        ? `Company closures ahead (${inForce.closuresPlace}): ${closures.join(', ')}.`
        : `No company closure ahead (${inForce.closuresPlace}).`,
  });
  return findings;
}

export const holidaysCheck: Check = {
  title: 'Holidays in force per AE zone',
  needs: ['settings'],
  run: checkHolidays,
};
