import { createRequire } from 'node:module';
import type HolidaysClass from 'date-holidays';

const require = createRequire(import.meta.url);
let loaded: typeof HolidaysClass | undefined;
let catalogueInstance: HolidaysClass | undefined;

/** The holiday data set (about 20 MB in memory) is loaded on first use: only when HOLIDAY_REGIONS is set. */
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
 * Closed days for the response window: the public holidays of the configured regions (from the maintained
 * date-holidays data set) plus company closure dates. Dates are the AE's local calendar dates (YYYY-MM-DD).
 */
export function holidayCalendar(regions: readonly string[], closureDates: readonly string[]) {
  const sources = regions.map((region) => {
    const Holidays = holidays();
    const [country, state] = region.split('-');
    return state ? new Holidays(country as string, state) : new Holidays(country as string);
  });
  const closed = new Set(closureDates);
  const loadedYears = new Set<number>();

  function loadYear(year: number): void {
    if (loadedYears.has(year)) return;
    loadedYears.add(year);
    for (const source of sources) {
      for (const holiday of source.getHolidays(year) || []) {
        if (holiday.type === 'public') closed.add(holiday.date.slice(0, 10));
      }
    }
  }

  return (isoDate: string): boolean => {
    loadYear(Number(isoDate.slice(0, 4)));
    return closed.has(isoDate);
  };
}
