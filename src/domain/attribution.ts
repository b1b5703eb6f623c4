import { isoDateIn } from './businessDays.js';
import { CRMS, type CrmSystem } from './crmFacts.js';
import { EARLIEST_ZONE, LATEST_ZONE } from './zones.js';

/** Partner-sourced or partner-influenced, decided by rule when the handoff is sent (DOMAIN.md, "Attribution"). */
export type Classification = 'partner_sourced' | 'partner_influenced';

export const CLASSIFICATION_LABEL: Record<Classification, string> = {
  partner_sourced: 'Partner-sourced',
  partner_influenced: 'Partner-influenced',
};

export interface AttributionInput {
  /** The CRM opportunity (id or link), if one exists. */
  crmOpportunity: string | null;
  /** When that opportunity was created (YYYY-MM-DD), if known. */
  opportunityCreatedOn: string | null;
  /** When the partner first acted on this account (YYYY-MM-DD). */
  partnerTouchOn: string;
}

/** One opportunity (Salesforce) or deal (HubSpot) the CRM has on the account, as the review lists it (internal). */
export interface CrmOpportunity {
  system: CrmSystem;
  id: string;
  name: string;
  /** The stage's label as the CRM shows it. */
  stage: string;
  /**
   * The day it was created (YYYY-MM-DD): the CRM's UTC day as read; the author's day once read in their zone
   * (`inAuthorZone`). Null when the CRM gave no creation date.
   */
  createdOn: string | null;
  /** When the CRM says it was created (an ISO instant), when it gave a time: the day is read from it. */
  createdAt?: string | null;
  closed: boolean;
  /** The close date (YYYY-MM-DD) of a closed one; null when open or not given. */
  closedOn: string | null;
  /** The packet's CRM field links to it (listed whether or not the account lookup found it). */
  linked?: boolean;
}

/** What the connected CRM said, at review, about the opportunities on the packet's account. */
export type CrmCheck =
  /** No CRM connected: the class comes from the packet alone. */
  | { kind: 'off' }
  /**
   * The CRM failed or did not answer in time, or answered without being able to tell (`undecided`: more look-alike
   * accounts than one search reads): classified from the packet, and nothing to pick.
   */
  | { kind: 'unreached'; crm: string; undecided?: boolean }
  /**
   * The CRM answered: the opportunities on the account (by name and website domain) open on or after the earliest
   * day the partner can have acted, and the author's pick when it is not the rule's (a key, or 'none').
   */
  | {
      kind: 'checked';
      crm: string;
      systems: CrmSystem[];
      opportunities: CrmOpportunity[];
      pick?: string;
      /** The id of the packet's link, which the CRM did not confirm in time (read again later, once it answers). */
      unconfirmed?: string;
      /** What was asked: the account's name and website domain (absent on drafts saved before it was kept). */
      searched?: { name: string; domain: string | null };
    };

/** The value that names an opportunity in the review's select (and in the touch log). */
export const opportunityKey = (o: Pick<CrmOpportunity, 'system' | 'id'>): string => `${o.system}:${o.id}`;

/** The author's "none of these" in the review's select. */
export const NONE_OF_THESE = 'none';

/** "opportunity" (Salesforce), "deal" (HubSpot): what the CRMs asked call them; "opportunity" for several CRMs. */
export function recordWord(systems: readonly CrmSystem[], many = false): string {
  const [first] = systems;
  const one = first !== undefined && systems.every((system) => system === first) ? CRMS[first] : undefined;
  if (one) return many ? one.records : one.record;
  return many ? 'opportunities' : 'opportunity';
}

/**
 * The day an opportunity was created in a zone: the CRM gives a moment (Salesforce's CreatedDate, HubSpot's
 * createdate), and the rule compares days in the author's zone (the partner's first action is a day they typed or
 * their today). An evening in New York is that day, not the next one in UTC. No moment, or no zone: the day as read.
 */
export function createdDay(
  o: { createdAt?: string | null; createdOn: string | null },
  zone: string | undefined,
): string | null {
  if (!o.createdAt || !zone) return o.createdOn;
  const at = new Date(o.createdAt);
  return Number.isNaN(at.getTime()) ? o.createdOn : isoDateIn(at, zone);
}

/**
 * The days a moment falls on somewhere on Earth (UTC-12 to UTC+14): the creation day when the author's zone is not
 * known. The same day for a moment read as a day (no time given).
 */
export function createdDaysAnywhere(o: { createdAt?: string | null; createdOn: string | null }): {
  earliest: string | null;
  latest: string | null;
} {
  return { earliest: createdDay(o, EARLIEST_ZONE), latest: createdDay(o, LATEST_ZONE) };
}

/** The CRM's answer with each opportunity's creation day read in the author's zone (unchanged without one). */
export function inAuthorZone(check: CrmCheck | undefined, zone: string | undefined): CrmCheck | undefined {
  if (check?.kind !== 'checked' || !zone) return check;
  return {
    ...check,
    opportunities: check.opportunities.map((o) => ({ ...o, createdOn: createdDay(o, zone) })),
  };
}

/**
 * The opportunities that can bear on the class: open when the partner first acted (created on or before it and not
 * closed before it), or created since. Earliest created first; one without a creation date first of all (the rule
 * reads an unknown age as existing already).
 */
export function relevantOpportunities(
  opportunities: readonly CrmOpportunity[],
  partnerTouchOn: string,
): CrmOpportunity[] {
  return opportunities
    .filter((o) => !o.closed || o.closedOn === null || o.closedOn >= partnerTouchOn)
    .sort((a, b) => (a.createdOn ?? '').localeCompare(b.createdOn ?? '') || a.id.localeCompare(b.id));
}

/** At most this many characters of a pasted opportunity's text are quoted in a reason. */
const PASTED_QUOTE_MAX = 80;

/**
 * The opportunity the packet names when the CRM, asked, does not list it on the account: its text (or id) and
 * whether the CRM did not confirm it in time (otherwise it is not among the account's opportunities there). Null
 * when the packet names none, or names one the CRM listed.
 */
export function unlistedPasted(
  input: Pick<AttributionInput, 'crmOpportunity'>,
  check: CrmCheck | undefined,
): { name: string; unconfirmed: boolean } | null {
  const text = input.crmOpportunity?.trim();
  if (check?.kind !== 'checked' || !text || check.opportunities.some((o) => o.linked)) return null;
  if (check.unconfirmed) return { name: check.unconfirmed, unconfirmed: true };
  const name = text.length > PASTED_QUOTE_MAX ? `${text.slice(0, PASTED_QUOTE_MAX - 1)}…` : text;
  return { name, unconfirmed: false };
}

/**
 * Why the packet's own opportunity, which the CRM does not list, gives the class: one story with the CRM's answer
 * (the CRM found none, or the author chose none of these; the pasted one is named and said to be unlisted there).
 */
function fromUnlisted(
  input: AttributionInput,
  pasted: { name: string; unconfirmed: boolean },
  crm: string,
  word: string,
): string {
  const where = pasted.unconfirmed
    ? `which ${crm} did not confirm in time (it is read again once ${crm} answers)`
    : `which ${crm} does not list on this account`;
  const created = input.opportunityCreatedOn;
  const why = !created
    ? `Its creation date is not given, so it counts as an existing ${word} and the partner influenced it.`
    : created > input.partnerTouchOn
      ? `It was created on ${created}, after the partner's first action on ${input.partnerTouchOn}.`
      : `It existed on ${created}, before or on the partner's first action on ${input.partnerTouchOn}.`;
  return `The packet names “${pasted.name}”, ${where}; the class comes from it. ${why}`;
}

/** The class an opportunity of this creation date gives (the rule, for one opportunity). */
export function classOf(createdOn: string | null, partnerTouchOn: string): Classification {
  return createdOn && createdOn > partnerTouchOn ? 'partner_sourced' : 'partner_influenced';
}

/** What the packet alone says: the opportunity it names and when that was created (no CRM asked). */
function fromPacket(input: AttributionInput): { classification: Classification; detail: string | null } {
  // None named: sourced, but the reason is the caller's to word (it says what was checked, not that none existed).
  if (!input.crmOpportunity) return { classification: 'partner_sourced', detail: null };
  if (!input.opportunityCreatedOn) {
    return {
      classification: 'partner_influenced',
      detail:
        'An opportunity already exists and its creation date is not given, so the partner influenced it.',
    };
  }
  if (input.opportunityCreatedOn > input.partnerTouchOn) {
    return {
      classification: 'partner_sourced',
      detail: `The opportunity was created on ${input.opportunityCreatedOn}, after the partner's first action on ${input.partnerTouchOn}.`,
    };
  }
  return {
    classification: 'partner_influenced',
    detail: `The opportunity existed on ${input.opportunityCreatedOn}, before or on the partner's first action on ${input.partnerTouchOn}.`,
  };
}

/**
 * The rule from the packet alone, mechanically (no CRM asked):
 * - no opportunity named → sourced (the reason says that no CRM was checked, not that none existed);
 * - an opportunity created after the partner's first action → sourced;
 * - an opportunity created on or before that day, or of unknown creation date → influenced.
 */
export function classify(input: AttributionInput): { classification: Classification; reason: string } {
  const { classification, detail } = fromPacket(input);
  return {
    classification,
    reason:
      detail ?? 'No CRM checked: the class comes from the packet alone, which names no existing opportunity.',
  };
}

export interface Attribution {
  classification: Classification;
  reason: string;
  /** The CRM opportunity the class was decided from (null: from the packet). */
  opportunity: CrmOpportunity | null;
  /** The rule's own pick among the CRM's opportunities (null: none listed). */
  deciding: CrmOpportunity | null;
}

/**
 * The rule with the CRM asked (DOMAIN.md: "an opportunity that already existed on the account when the partner acted
 * makes the handoff partner-influenced, whether or not the author pasted it"). Of the account's opportunities open
 * when the partner first acted or created since, the earliest created decides: created on or before that day, the
 * partner influenced it; after, the partner sourced it. The author may pick another, or none of these (then, and
 * when the CRM lists none, the packet decides as without a CRM: no opportunity named is sourced).
 */
export function attribute(input: AttributionInput, check: CrmCheck | undefined): Attribution {
  if (!check || check.kind === 'off') return { ...classify(input), opportunity: null, deciding: null };
  const packet = fromPacket(input);
  if (check.kind === 'unreached') {
    const lead = check.undecided
      ? `CRM could not tell (${check.crm}: more accounts named like this one than one search reads); classified from the packet`
      : `CRM not reached (${check.crm}); classified from the packet`;
    return {
      classification: packet.classification,
      reason: packet.detail ? `${lead}. ${packet.detail}` : `${lead}, which names no existing opportunity.`,
      opportunity: null,
      deciding: null,
    };
  }
  const listed = relevantOpportunities(check.opportunities, input.partnerTouchOn);
  const deciding = listed[0] ?? null;
  const picked =
    check.pick === NONE_OF_THESE
      ? null
      : ((check.pick ? listed.find((o) => opportunityKey(o) === check.pick) : undefined) ?? deciding);
  if (picked) {
    const classification = classOf(picked.createdOn, input.partnerTouchOn);
    const what = `In ${check.crm}, “${picked.name}”`;
    const why = !picked.createdOn
      ? `${what} exists and its creation date is not given, so the partner influenced it.`
      : classification === 'partner_sourced'
        ? `${what} was created on ${picked.createdOn}, after the partner's first action on ${input.partnerTouchOn}.`
        : `${what} existed on ${picked.createdOn}, before or on the partner's first action on ${input.partnerTouchOn}.`;
    const chosen = picked !== deciding ? ' The author chose it over the rule’s earliest one.' : '';
    return { classification, reason: `${why}${chosen}`, opportunity: picked, deciding };
  }
  const word = recordWord(check.systems);
  const lead =
    listed.length === 0
      ? `${searchedIn(check)}: it found no ${word} open when the partner first acted or created since`
      : `The author chose “none of these” for the ${listed.length === 1 ? `one ${word}` : `${listed.length} ${recordWord(check.systems, true)}`} ${check.crm} has on this account`;
  const pasted = unlistedPasted(input, check);
  return {
    classification: packet.classification,
    reason: pasted
      ? `${lead}. ${fromUnlisted(input, pasted, check.crm, word)}`
      : packet.detail
        ? `${lead}; classified from the packet. ${packet.detail}`
        : `${lead}, and the packet names none.`,
    opportunity: null,
    deciding,
  };
}

/**
 * What the CRM was asked, never that nothing exists (an account spelled otherwise there is not found): "Salesforce was
 * searched for an account named “Smith & Jones” or with the website smithjones.example".
 */
export function searchedIn(check: Extract<CrmCheck, { kind: 'checked' }>): string {
  if (!check.searched) return `${check.crm} was searched for this account`;
  const { name, domain } = check.searched;
  return `${check.crm} was searched for an account named “${name}”${domain ? ` or with the website ${domain}` : ''}`;
}

/**
 * How a handoff's class was decided, kept with it and in its sent event: from the packet alone, from the packet
 * because the CRM was not reached, or from the CRM's opportunities on the account (which one, and whose choice).
 */
export interface AttributionBasis {
  basis: 'packet' | 'unreached' | 'crm';
  /** The CRM(s) asked: "Salesforce". */
  crm?: string;
  /** How many opportunities the CRM listed on the account. */
  listed?: number;
  /**
   * The opportunity the class was decided from (none: the packet decided): its creation day in the author's zone, and
   * the moment the CRM gave.
   */
  opportunity?: {
    system: CrmSystem;
    id: string;
    name: string;
    createdOn: string | null;
    createdAt?: string | null;
  } | null;
  /**
   * 'rule': the earliest, as the rule picks; 'author': the author picked another; 'none': "none of these"; 'link':
   * the record linked after sending (read back from the CRM), which changed the class.
   */
  choice?: 'rule' | 'author' | 'none' | 'link';
  /**
   * The author's time zone, in which the days were compared (the partner's first action is a day in it): the
   * read-back reads a later-linked record's creation day in it. Absent when not known (handoffs sent before it was
   * kept, or Slack did not say).
   */
  zone?: string;
}

/** The basis of an attribution, for the handoff and the touch log. */
export function basisOf(
  check: CrmCheck | undefined,
  result: Attribution,
  partnerTouchOn: string,
): AttributionBasis {
  if (!check || check.kind === 'off') return { basis: 'packet' };
  if (check.kind === 'unreached') return { basis: 'unreached', crm: check.crm };
  const o = result.opportunity;
  return {
    basis: 'crm',
    crm: check.crm,
    listed: relevantOpportunities(check.opportunities, partnerTouchOn).length,
    opportunity: o
      ? {
          system: o.system,
          id: o.id,
          name: o.name,
          createdOn: o.createdOn,
          ...(o.createdAt ? { createdAt: o.createdAt } : {}),
        }
      : null,
    choice: check.pick === NONE_OF_THESE ? 'none' : o && o !== result.deciding ? 'author' : 'rule',
  };
}
