import { CRM_SYSTEMS, type CrmSystem } from './crmFacts.js';

/**
 * What a packet's CRM field names: a Salesforce opportunity or a HubSpot deal, typed as an id or pasted as a link.
 * Anything else (an id of another CRM, "OPP-55120", a note) stays text, as before the CRM loop existed.
 */

export interface CrmRef {
  system: CrmSystem;
  /** Salesforce: the 18-character id (case-safe); HubSpot: the deal's numeric id. */
  id: string;
}

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/**
 * The 18-character form of a 15-character Salesforce id: three checksum characters, one per five-character chunk,
 * whose bits say which characters of the chunk are capital letters (so the id survives case-insensitive tools).
 */
export function salesforceId18(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let bits = 0;
    for (let i = 0; i < 5; i += 1) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return id15 + suffix;
}

/** An opportunity id (key prefix 006): 15 characters, or 18 whose last three are the checksum of the first 15. */
function opportunityId(candidate: string): string | undefined {
  if (!/^006[a-zA-Z0-9]{12}(?:[A-Z0-5]{3})?$/.test(candidate)) return undefined;
  if (candidate.length === 15) return salesforceId18(candidate);
  // A checksum that does not match means a mistyped or case-mangled id: not a link to trust.
  return salesforceId18(candidate.slice(0, 15)) === candidate ? candidate : undefined;
}

/** A HubSpot deal id: digits only (HubSpot's object ids are positive integers). */
const HUBSPOT_ID = /^[1-9]\d{0,18}$/;

function parseUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Salesforce hosts: my.salesforce.com, lightning.force.com, a classic instance (na1.salesforce.com), sandboxes. */
function isSalesforceHost(host: string): boolean {
  return /(^|\.)(salesforce\.com|force\.com|salesforce-setup\.com)$/i.test(host);
}

/** HubSpot app hosts: app.hubspot.com and the regional app-eu1.hubspot.com, app-na2.hubspot.com and so on. */
function isHubspotHost(host: string): boolean {
  return /^app(-[a-z]+\d+)?\.hubspot\.com$/i.test(host);
}

function fromSalesforceUrl(url: URL): string | undefined {
  const segments = url.pathname.split('/').filter(Boolean);
  // Lightning: /lightning/r/Opportunity/006…/view (or /lightning/r/006…/view); Classic: /006…; also ?id=006….
  for (const segment of segments) {
    const id = opportunityId(segment);
    if (id) return id;
  }
  const param = url.searchParams.get('id');
  return param ? opportunityId(param) : undefined;
}

function fromHubspotUrl(url: URL): string | undefined {
  const segments = url.pathname.split('/').filter(Boolean);
  // /contacts/<portal>/deal/<id>, /contacts/<portal>/record/0-3/<id> (0-3 is the deal object type).
  for (let i = 0; i < segments.length - 1; i += 1) {
    const next = segments[i + 1] ?? '';
    if (segments[i] === 'deal' && HUBSPOT_ID.test(next)) return next;
    if (segments[i] === '0-3' && HUBSPOT_ID.test(next)) return next;
  }
  return undefined;
}

/** How one CRM's records are recognised in what people paste: one row per CRM (`LINKS`). */
interface CrmLinkRule {
  /** The record id of a bare value typed alone, if it is one (`bareNumbers`: a CRM whose ids are numbers is connected). */
  bareId(value: string, opts: { bareNumbers?: boolean }): string | undefined;
  /** Whether a link's host is this CRM's app. */
  host(hostname: string): boolean;
  /** The record id a link to this CRM's app names, if any. */
  fromUrl(url: URL): string | undefined;
  /** Whether the text looks meant as a link to one of its records, even one naming none (a cut-off id). */
  meant(value: string, url: URL | undefined): boolean;
}

/** Each CRM's recognisers, tried in the registry's order (domain/crmFacts.ts: a Salesforce id before a HubSpot number). */
const LINKS: Record<CrmSystem, CrmLinkRule> = {
  salesforce: {
    bareId: (value) => opportunityId(value),
    host: isSalesforceHost,
    fromUrl: fromSalesforceUrl,
    meant: (value, url) =>
      /^006[a-zA-Z0-9]{10,}$/.test(value) ||
      (url !== undefined && isSalesforceHost(url.hostname) && /\/(006|Opportunity)/.test(url.pathname)),
  },
  hubspot: {
    // A bare number is a HubSpot deal only when the app is connected to HubSpot: otherwise it could be any CRM's id.
    bareId: (value, opts) => (opts.bareNumbers && HUBSPOT_ID.test(value) ? value : undefined),
    host: isHubspotHost,
    fromUrl: fromHubspotUrl,
    meant: (_value, url) =>
      url !== undefined && isHubspotHost(url.hostname) && /\/(deal|0-3)\//.test(url.pathname),
  },
};

/** A handoff's link to a CRM record, as stored on it. */
export interface HandoffCrmLink {
  crmSystem: CrmSystem;
  crmRecordId: string;
  /** The record's name as the CRM gave it; null when it was linked by an id the CRM did not confirm in time. */
  crmRecordName: string | null;
}

/**
 * What the AE asked of the CRM at the accept: link the record they named (checked with the CRM), or
 * create one in this CRM after the accept is recorded.
 */
export type AcceptCrm = { link: HandoffCrmLink } | { create: CrmSystem };

/**
 * The marker a record created at the accept carries (its description's last line): a create whose answer was lost is
 * found by it, not made twice. One per handoff and cycle: a deal accepted again after a hand-back asks anew.
 */
export const creationMarker = (handoffId: number, cycle: number): string => `cosell${handoffId}c${cycle}`;

const crmRows = () => CRM_SYSTEMS.map((system): [CrmSystem, CrmLinkRule] => [system, LINKS[system]]);

/**
 * The CRM record the field names, or undefined when it names none. A bare number is a HubSpot deal only when the
 * app is connected to HubSpot (`bareNumbers`): otherwise it could be any CRM's id, and stays text.
 */
export function parseCrmRef(
  text: string | null | undefined,
  opts: { bareNumbers?: boolean } = {},
): CrmRef | undefined {
  const value =
    (text ?? '')
      .trim()
      .replace(/^<(.*)>$/, '$1')
      .split('|')[0]
      ?.trim() ?? '';
  if (!value) return undefined;
  for (const [system, crm] of crmRows()) {
    const id = crm.bareId(value, opts);
    if (id) return { system, id };
  }
  const url = parseUrl(value);
  if (!url) return undefined;
  for (const [system, crm] of crmRows()) {
    if (!crm.host(url.hostname)) continue;
    const id = crm.fromUrl(url);
    return id ? { system, id } : undefined;
  }
  return undefined;
}

/** True when the text looks meant as a link to this CRM, but names no record we can read (a wrong or cut-off id). */
export function looksLikeCrmLink(text: string | null | undefined): CrmSystem | undefined {
  const value = (text ?? '').trim();
  const url = parseUrl(value.replace(/^<(.*)>$/, '$1').split('|')[0] ?? '');
  return crmRows().find(([, crm]) => crm.meant(value, url))?.[0];
}
