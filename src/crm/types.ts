import type { CrmSystem } from '../domain/crmFacts.js';
import type { CrmRef } from '../domain/crmLink.js';
import type { Timers } from '../runtime/timers.js';

/** The real time a connector counts its CRM's rate limits in: the app's (tests step it), else the process's. */
export type CrmTimers = Pick<Timers, 'monotonic' | 'setTimeout'>;

/** A CRM record as the app reads it: enough to show in the review and to see when the deal closes. */
export interface CrmRecord {
  ref: CrmRef;
  name: string;
  /** The stage's label as the CRM shows it (internal: never shown to a partner). */
  stage: string;
  closed: boolean;
  won: boolean;
  /** The day the opportunity or deal was created as the CRM gives it (YYYY-MM-DD, its UTC day). */
  createdOn: string | null;
  /**
   * The moment it was created (an ISO instant): the attribution rule reads its day in the author's zone, not UTC's
   * (domain/attribution.ts `createdDay`). Null when the CRM gave none.
   */
  createdAt: string | null;
  /** Its close date (YYYY-MM-DD) when closed, if read (the account lookup reads it). */
  closedOn?: string | null;
}

/** An account as the review asks the CRM about it: its name, its website's domain, and since when a close matters. */
export interface AccountQuery {
  name: string;
  /** The registrable domain (`litware.example`), or null when the packet gives none. */
  domain: string | null;
  /** YYYY-MM-DD: opportunities closed before this day are left out (they were over when the partner acted). */
  closedSince: string;
}

/** What a message names that may be an account: names as written, and registrable domains. */
export interface AccountCandidates {
  names: string[];
  domains: string[];
}

/** An account (a HubSpot company) as the CRM holds it, with its owner: what the shortcut's prefill reads. Internal. */
export interface CrmAccount {
  system: CrmSystem;
  id: string;
  name: string;
  /** Its website's registrable domain (`northwind.com`), if it has one. */
  domain: string | null;
  /** Its owner as the CRM names them (an email to find them in Slack by); null when it has none the app can read. */
  owner: { email: string | null; name: string | null } | null;
}

/** At most this many accounts are read per search: the shortcut picks one. */
export const ACCOUNTS_MAX = 10;

/** At most this many opportunities per account are read (earliest created first): the review lists them. */
export const OPPORTUNITIES_MAX = 20;

/** What the app writes on a record for one event of a handoff: a Salesforce Task or a HubSpot note. */
export interface CrmActivity {
  /** One line: "Co-sell handoff #12 accepted" (a Task's Subject; the note's heading). */
  subject: string;
  /** The facts, one per line (plain text: Task descriptions are plain; the HubSpot note escapes it to HTML). */
  lines: string[];
  /** When it happened. */
  at: Date;
  /**
   * The day it happened (YYYY-MM-DD) in the handoff's AE's zone, the person whose deal it is: a Task's date, read as
   * a calendar day (an evening in New York is that day, not the next one in UTC).
   */
  day: string;
  /**
   * A token unique to this event (letters and digits): written with the activity, so an attempt whose answer was
   * lost can look for it before writing it again.
   */
  marker: string;
}

/**
 * An opportunity (deal) the app creates at the accept, when the AE asks for it (crm/newRecord.ts):
 * in the CRM's first open stage, on the matched account, its description carrying `marker`.
 */
export interface CrmNewRecord {
  name: string;
  /** YYYY-MM-DD: both CRMs require one. */
  closeDate: string;
  /** The AE's estimate, in the CRM's currency; null: none given. */
  amount: number | null;
  /** The CRM account (HubSpot company) the look-up matched; null: created on none. */
  accountId: string | null;
  /** Plain lines, the last `ref <marker>`. */
  description: string;
  /** Letters and digits, unique to the handoff's cycle: what a create whose answer was lost is found by. */
  marker: string;
}

/** One read the doctor tries: the scope (or permission) it needs, what the app reads with it, and the refusal if any. */
export interface CrmRead {
  need: string;
  purpose: string;
  /** The app works without it (a feature is then off): the doctor warns instead of failing. */
  optional?: boolean;
  error?: CrmError;
}

/** Fields written on the opportunity or deal besides the activity (the optional mapping; empty when off). */
export type CrmFields = Record<string, string>;

/**
 * What a record says of money and progress, read back at each poll; internal, never shown to a partner
 * (no amount, stage or probability reaches a partner view).
 */
export interface CrmMoney {
  /** The amount as the CRM holds it, in `currency`; null when the record has none. */
  amount: number | null;
  /** Its ISO 4217 code; null when the CRM does not say (then it is the CRM's corporate currency). */
  currency: string | null;
  /**
   * The amount in the CRM's corporate (home) currency as the CRM itself converted it, with its own dated rates
   * (HubSpot's `amount_in_home_currency`); null when the CRM gives none (the app converts with `CrmCurrency`).
   */
  amountCorporate: number | null;
  /** The stage's label as the CRM shows it (or its id when the label could not be read). */
  stage: string | null;
  /** The close date (YYYY-MM-DD): the expected one while open, the actual one once closed. */
  closeDate: string | null;
  /** The record's owner: an email when the CRM gives it, else the CRM's owner id. */
  owner: string | null;
}

/**
 * A CRM's currencies: its corporate (home) currency and the rates it keeps, so the app converts with the CRM's own
 * figures. `perCorporate` is how many units of `currency` one unit of the corporate currency buys (Salesforce's
 * `ConversionRate`), from the day `from` (inclusive) to `to` (exclusive); a null bound is open. Dated rates come first
 * to be used for the day they cover; an undated one is the rate for any day.
 */
export interface CrmCurrency {
  /** Null when the CRM does not say (a single-currency org whose currency could not be read). */
  corporate: string | null;
  rates: { currency: string; perCorporate: number; from: string | null; to: string | null }[];
}

/** A deal the CRM closed: what the with-and-without-a-partner figures read. */
export interface CrmClosedDeal {
  id: string;
  won: boolean;
  /** The day it was created and the day it closed (YYYY-MM-DD). */
  createdOn: string | null;
  closeDate: string | null;
  amount: number | null;
  currency: string | null;
  amountCorporate: number | null;
}

/**
 * The closed state of records read in one poll, by record id, with when each was created: its UTC day and the moment
 * (if given), and what it says of money (when the connector reads it).
 */
export type CrmStates = Map<
  string,
  { closed: boolean; won: boolean; createdOn?: string | null; createdAt?: string | null; money?: CrmMoney }
>;

/**
 * A CRM's creation timestamp as the app keeps it: its day as the CRM gives it (UTC) and the moment, an ISO instant.
 * Salesforce writes `2026-11-22T23:30:00.000+0000`, HubSpot `2026-11-22T23:30:00.000Z`; a bare day has no moment.
 */
export function createdOf(value: string | null | undefined): {
  createdOn: string | null;
  createdAt: string | null;
} {
  if (!value) return { createdOn: null, createdAt: null };
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(ms))
    return { createdOn: value.slice(0, 10), createdAt: null };
  const at = new Date(ms).toISOString();
  return { createdOn: at.slice(0, 10), createdAt: at };
}

/**
 * One connected CRM. Every call may throw a `CrmError` saying whether trying again later can help and whether the
 * CRM may have acted on a write whose answer was lost.
 */
export interface CrmConnector {
  system: CrmSystem;
  /** The product's name, for people: "Salesforce", "HubSpot". */
  label: string;
  /**
   * Checks the credentials at start: throws `CrmError` with `auth` when the CRM refuses them, `unexpected` when what
   * answered is not the CRM's API.
   */
  verify(): Promise<void>;
  /**
   * The doctor's look at what else the app reads (each read it needs, by the scope or permission it needs; no write
   * is tried). Absent: `verify` covers it.
   */
  reads?(): Promise<CrmRead[]>;
  /** The record, or undefined when it does not exist (or the integration user cannot see it). */
  lookup(id: string, opts?: { timeoutMs?: number }): Promise<CrmRecord | undefined>;
  /**
   * The opportunities (deals) on an account, by its name and its website's domain: open ones, and those closed on or
   * after `closedSince`; earliest created first, at most OPPORTUNITIES_MAX. Empty when the CRM has no such account.
   */
  opportunitiesOn(account: AccountQuery, opts?: { timeoutMs?: number }): Promise<CrmRecord[]>;
  /**
   * The accounts (companies) named by one of the candidates' names (both sides normalised: `sameAccountName`) or
   * whose website has one of its domains, with their owners; at most ACCOUNTS_MAX. Empty when none matches.
   */
  accountsMatching(candidates: AccountCandidates, opts?: { timeoutMs?: number }): Promise<CrmAccount[]>;
  /**
   * The closed state of many records, with their money (amount, currency, stage, close date, owner), in as few calls
   * as the API allows (missing ones are left out).
   */
  states(ids: readonly string[]): Promise<CrmStates>;
  /** The CRM's corporate currency and its conversion rates (one or two calls; read with the poll, at most hourly). */
  currency?(): Promise<CrmCurrency>;
  /**
   * The deals the CRM closed between two days (YYYY-MM-DD, both included), linked to a handoff or not, at most
   * `limit` (the latest closed first): the RevOps figures compare deals with and without a partner.
   */
  closedDeals?(from: string, to: string, limit: number): Promise<CrmClosedDeal[]>;
  /** The id of the activity written earlier with this marker on this record, if any. */
  findActivity(recordId: string, activity: CrmActivity): Promise<string | undefined>;
  /** Writes one activity on the record; returns its id. */
  writeActivity(recordId: string, activity: CrmActivity): Promise<string>;
  /** The record created earlier with this one's marker (a create whose answer was lost), if any. */
  findCreated(record: CrmNewRecord): Promise<string | undefined>;
  /** Creates the opportunity (deal) in the CRM's first open stage; returns its id. */
  create(record: CrmNewRecord): Promise<string>;
  /** Writes the mapped fields on the record (idempotent: the same values again change nothing). */
  writeFields(recordId: string, fields: CrmFields): Promise<void>;
  /** A link to the record in the CRM, for people inside the company (never for partners). */
  recordUrl(id: string): string | undefined;
}

/** A failed CRM call, classified the way the outbox classifies Slack's failures. */
export class CrmError extends Error {
  constructor(
    message: string,
    readonly opts: {
      /** Passes by itself (an outage, a rate limit, a timeout): retried with backoff, never parked. */
      transient: boolean;
      /** The CRM may have acted on it (a timeout, a 5xx, a lost answer): look before writing again. */
      uncertain?: boolean;
      /** The CRM refused the credentials. */
      auth?: boolean;
      /** The record does not exist (or cannot be seen). */
      notFound?: boolean;
      /**
       * The call was answered, but not as the CRM's API answers (a 200 of another shape: a proxy's page, another
       * service at the URL the settings name).
       */
      unexpected?: boolean;
      retryAfterMs?: number;
      /**
       * The CRM refused the write by the account's own rules (HubSpot's validation rules, enforced from its 2026-09
       * API version): parked for a person to fix, never retried blindly. The message says what the rule asks.
       */
      validation?: boolean;
      /**
       * The CRM answered, but could not say for sure (too many look-alike accounts to read them all): the review says
       * "could not tell", never "none".
       */
      undecided?: boolean;
    },
  ) {
    super(message);
    this.name = 'CrmError';
  }
}

/** The start of a body for a log line: never a whole HTML page. */
export function snippetOf(text: unknown): string {
  const s = typeof text === 'string' ? text : JSON.stringify(text ?? '');
  return s.replace(/\s+/g, ' ').slice(0, 160);
}
