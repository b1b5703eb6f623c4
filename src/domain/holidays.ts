import { createRequire } from 'node:module';
import { getCountryForTimezone } from 'countries-and-timezones';
import type HolidaysClass from 'date-holidays';

const require = createRequire(import.meta.url);
let loaded: typeof HolidaysClass | undefined;
let catalogueInstance: HolidaysClass | undefined;

/**
 * The holiday data set is loaded on first use: when a calendar first asks about a date for someone whose zone names a
 * country (or HOLIDAY_REGIONS lists regions), never with HOLIDAY_REGIONS=none.
 */
function holidays(): typeof HolidaysClass {
  loaded ??= require('date-holidays') as typeof HolidaysClass;
  return loaded;
}

function catalogue(): HolidaysClass {
  catalogueInstance ??= new (holidays())();
  return catalogueInstance;
}

/** `US`, `DE-BY`, `GB-ENG`: a country code, optionally with a state or region. */
export function isKnownRegion(region: string): boolean {
  const [country, state, extra] = region.split('-');
  if (!country || extra !== undefined || !catalogue().getCountries()?.[country]) return false;
  return state === undefined || Boolean(catalogue().getStates(country)?.[state]);
}

/**
 * Whose public holidays are skipped (HOLIDAY_REGIONS): `by_zone` (the default) each person's own country, from their
 * Slack time zone; `none` no public holiday; a list of regions, the same for everyone (as before the default existed).
 */
export type HolidayRegions = readonly string[] | 'by_zone' | 'none';

/** Slack user id → that person's own public-holiday regions, whatever the rest get (empty: none for them). */
export type PersonHolidayRegions = Readonly<Record<string, readonly string[]>>;

/** HOLIDAY_REGIONS read: what everyone gets, and the people who get their own. */
export interface HolidaySetting {
  everyone: HolidayRegions;
  people: PersonHolidayRegions;
}

const PERSON = /^[UW][A-Z0-9]{2,}$/;
const REGIONS_HINT = 'use country codes, optionally with a region, like US,DE-BY,GB-ENG';

/**
 * Reads HOLIDAY_REGIONS' comma-separated entries. An entry is a region for everyone (`US`, `DE-BY`), `none` (no
 * public holiday for everyone), or one person's own: `U012AB=DE-BY`, several joined by `+` (`U012AB=DE-BY+AT`), or
 * `U012AB=none`. No entry for everyone: each person's country from their time zone. Problems name the entry.
 */
export function parseHolidaySetting(entries: readonly string[]): {
  setting: HolidaySetting;
  problems: string[];
} {
  const problems: string[] = [];
  const everyone: string[] = [];
  const people: Record<string, readonly string[]> = {};
  const unknown = (region: string, entry: string) =>
    region === entry
      ? `has ${JSON.stringify(entry)}, which is not a country or region I know: ${REGIONS_HINT}`
      : `has ${JSON.stringify(entry)}: ${JSON.stringify(region)} is not a country or region I know: ${REGIONS_HINT}`;
  for (const entry of entries) {
    const [who, list, extra] = entry.split('=').map((part) => part.trim());
    if (list === undefined) {
      if (entry.toLowerCase() !== 'none' && !isKnownRegion(entry)) problems.push(unknown(entry, entry));
      everyone.push(entry);
      continue;
    }
    if (extra !== undefined || !who || !PERSON.test(who)) {
      problems.push(
        `has ${JSON.stringify(entry)}: a person's own regions are written as their Slack user id, =, then regions joined by + (U012ABCDEF=DE-BY+AT) or none`,
      );
      continue;
    }
    if (people[who]) problems.push(`names ${who} twice: give each person one entry (regions joined by +)`);
    const regions = list.split('+').map((region) => region.trim());
    if (regions.length === 1 && regions[0]?.toLowerCase() === 'none') {
      people[who] = [];
      continue;
    }
    const bad = regions.filter((region) => !isKnownRegion(region));
    for (const region of bad) problems.push(unknown(region, entry));
    people[who] = regions;
  }
  const off = everyone.filter((entry) => entry.toLowerCase() === 'none');
  if (off.length > 0 && everyone.length > 1) {
    problems.push(`has "none" with regions for everyone (${everyone.join(',')}): give one or the other`);
  }
  return {
    setting: {
      everyone: everyone.length === 0 ? 'by_zone' : off.length > 0 ? 'none' : everyone,
      people,
    },
    problems,
  };
}

/**
 * The country of an IANA time zone (`America/New_York` → US, `Europe/Berlin` → DE), from the IANA zone.tab data that
 * countries-and-timezones ships (it knows the old names too: `US/Eastern`, `Asia/Calcutta`). A zone shared by several
 * countries is the country zone.tab names first; a zone of no country (`UTC`, `Etc/GMT+5`) or unknown has none.
 */
export function countryOfZone(timeZone: string): string | undefined {
  return getCountryForTimezone(timeZone)?.id ?? undefined;
}

/** What `why` says of a company closure day. */
export const COMPANY_CLOSURE = 'a company closure day';

/** A closed day and why: the public holiday's name (in English) and its region, or a company closure. */
export interface ClosedDay {
  date: string;
  why: string;
}

/**
 * Closed days for the response window, asked by date and the person's zone: the public holidays of their regions
 * (from the maintained date-holidays data set) plus company closure dates. Dates are local calendar dates
 * (YYYY-MM-DD). Called without a zone, only listed regions and closures count.
 */
export interface HolidayCalendar {
  /** `person`: the Slack user id, whose own regions (HOLIDAY_REGIONS' `U…=` entries) win over everyone's. */
  (isoDate: string, timeZone?: string, person?: string): boolean;
  /** Why the date is closed for someone in this zone ("Thanksgiving Day (US)", "a company closure day"), if it is. */
  why(isoDate: string, timeZone?: string, person?: string): string | undefined;
  /** The regions whose public holidays count for someone in this zone (empty: none do). */
  regionsFor(timeZone: string | undefined, person?: string): readonly string[];
  /** How that person's regions were chosen: their own entry, or everyone's setting (`by_zone`, `none`, a list). */
  chosenFor(person: string | undefined): HolidayRegions | 'person';
  readonly regions: HolidayRegions;
}

/**
 * The region of each time zone's country, when the data set knows it (empty: none), for every calendar of the
 * process: asking the data set whether a country is known builds its whole list of countries, which each
 * installation's first decision paid again for each zone.
 */
const zoneRegions = new Map<string, readonly string[]>();

/** The public holidays of each region by year, for every calendar of the process: the data set is the same for all. */
const publicHolidayYears = new Map<string, Map<number, Map<string, string>>>();
const holidaySources = new Map<string, HolidaysClass>();

/**
 * The public holidays of `region` in `year`, by date: computed once per process (date-holidays takes 5 to 12 ms a
 * region and year), so an installation's first decision does not pay for it again.
 */
function publicHolidays(region: string, year: number): Map<string, string> {
  let byYear = publicHolidayYears.get(region);
  if (!byYear) {
    byYear = new Map();
    publicHolidayYears.set(region, byYear);
  }
  let days = byYear.get(year);
  if (!days) {
    days = new Map();
    let source = holidaySources.get(region);
    if (!source) {
      const Holidays = holidays();
      const [country, state] = region.split('-');
      const opts = { languages: ['en'] };
      source = state ? new Holidays(country as string, state, opts) : new Holidays(country as string, opts);
      holidaySources.set(region, source);
    }
    for (const holiday of source.getHolidays(year) || []) {
      if (holiday.type !== 'public') continue;
      const date = holiday.date.slice(0, 10);
      const known = days.get(date);
      days.set(date, known && known !== holiday.name ? `${known} / ${holiday.name}` : holiday.name);
    }
    byYear.set(year, days);
  }
  return days;
}

export function holidayCalendar(
  regions: HolidayRegions,
  closureDates: readonly string[],
  people: PersonHolidayRegions = {},
): HolidayCalendar {
  const closures = new Set(closureDates);

  const own = (person: string | undefined) =>
    person !== undefined && Object.hasOwn(people, person) ? people[person] : undefined;

  function chosenFor(person: string | undefined): HolidayRegions | 'person' {
    return own(person) ? 'person' : regions;
  }

  function regionsFor(timeZone: string | undefined, person?: string): readonly string[] {
    const theirs = own(person);
    if (theirs) return theirs;
    if (regions === 'none') return [];
    if (regions !== 'by_zone') return regions;
    if (!timeZone) return [];
    let found = zoneRegions.get(timeZone);
    if (!found) {
      const country = countryOfZone(timeZone);
      found = country && isKnownRegion(country) ? [country] : [];
      zoneRegions.set(timeZone, found);
    }
    return found;
  }

  const isHoliday = (isoDate: string, timeZone?: string, person?: string): boolean => {
    if (closures.has(isoDate)) return true;
    const year = Number(isoDate.slice(0, 4));
    return regionsFor(timeZone, person).some((region) => publicHolidays(region, year).has(isoDate));
  };

  function why(isoDate: string, timeZone?: string, person?: string): string | undefined {
    const year = Number(isoDate.slice(0, 4));
    const names = regionsFor(timeZone, person).flatMap((region) => {
      const name = publicHolidays(region, year).get(isoDate);
      return name ? [`${name} (${region})`] : [];
    });
    if (names.length > 0) return names.join(', ');
    return closures.has(isoDate) ? COMPANY_CLOSURE : undefined;
  }

  return Object.assign(isHoliday, { why, regionsFor, chosenFor, regions });
}
