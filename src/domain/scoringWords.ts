import { accountDomain, accountKey } from './accountMatch.js';
import { SCORING_RULES, type ScoringInput } from './scoringModel.js';

/** The scorecard's vocabulary: words, filler, people and the deal's own words (see scoring.ts). */

export const wordCount = (text: string | null) => (text ?? '').trim().split(/\s+/).filter(Boolean).length;

export const PLACEHOLDER = /^(tbd|tba|tbc|n\/?a|none|unknown|test|todo|\?+|-+|x+)$/i;
export const TEAM_WORDS =
  /\b(team|alias|group|shared|all|ops|department|dept|partners|alliances|sales|marketing|info|admin)\b/i;
export const BUYER_WORDS =
  /["“”]|\b(asked|asks|said|says|told|wants?|wanted|needs?|needed|requested|complain(ed|s)?|mentioned|wrote|struggl\w*|frustrat\w*|pain|looking for|evaluating|budget)\b/i;
export const PARTNER_JARGON =
  /\b(synerg\w*|co-?sell\w*|joint go-to-market|joint gtm|ecosystem|leverag\w*|strategic alignment)\b/i;
export const INTRODUCTION =
  /\b(introduc\w*|intro|meet\w*|meeting|call|connect\w*|email\w*|invit\w*|loop\w* in|warm|knows?|brings?|bringing|cc|forward\w*|sets? up|arrang\w*|review|session|workshop)\b/i;
export const VAGUE_ACTION =
  /^(follow[- ]?up|touch base|reach out|circle back|explore|discuss|consider|look into|sync|check in|tbd|n\/?a)\b/i;
export const SEVERAL_ACTIONS = /;|\n|\bthen\b|\band also\b|(^|\s)\d+[.)]\s|•/i;

/** Why the partner matters, concretely: prior delivery, an installed footprint, or a relationship (DOMAIN.md). */
export const PRIOR_WORK =
  /\b(ran|runs|run|running|delivered|delivers|implemented|implements|built|builds|migrated|migrates|operates|operated|manages|managed|supports|supported|installed|deployed|deploys|hosts|hosted|resells|resold|integrated|integrates|rolled out|maintains|maintained|audited|advises|advised|trained|designed|led|worked|works|knows|trusted|since|years?|last (quarter|year|month)|of record|footprint|incumbent|installed base|contract|relationship with)\b/i;

/** Someone on the customer side of a warm path (besides the account's own name). */
export const CUSTOMER_SIDE =
  /\b(director|head of|vp|svp|evp|vice president|chief|ceo|cfo|cio|cto|coo|cmo|ciso|cdo|manager|buyer|champion|sponsor|procurement|controller|founder|president|architect|administrator|stakeholders?|leadership|board|(ops|operations|it|finance|engineering|data|platform|security|executive|buying) team)\b/i;

/** Partnership language: on its own it says nothing about this deal. */
export const BUZZ =
  /\b(synerg\w*|leverag\w*|best[- ]in[- ]class|world[- ]class|best[- ]of[- ]breed|cutting[- ]edge|state[- ]of[- ]the[- ]art|next[- ]gen\w*|game[- ]chang\w*|win[- ]win|value[- ]add\w*|go[- ]to[- ]market|gtm|co-?sell\w*|co-?innovat\w*|ecosystems?|strategic\w*|alignment|aligned|holistic\w*|innovat\w*|seamless\w*|robust|end[- ]to[- ]end|empower\w*|unlock\w*|transform\w*|disrupt\w*|paradigm\w*|mutual\w*|scalab\w*|optimi[sz]\w*|digital\w*|partnerships?|joint(ly)?|solutions?|growth|drive|drives|driving|accelerat\w*|maximi[sz]\w*|thought[- ]leader\w*|move the needle|low[- ]hanging fruit|deep[- ]dive|circle back|touch base|revenue|opportunit(y|ies)|values?|impactful|outcomes?|enablement|turnkey|future[- ]proof\w*|agility|excellence|journey)\b/gi;

export const LOREM = /\b(lorem|ipsum|dolor sit|consectetur|adipiscing)\b/i;

/** Words that are filler wherever they appear: placeholders and keyboard mash. */
export const FILLER_WORDS = new Set(
  (
    'tbd tba tbc tbu na none nil null unknown todo test tests tst asdf asd sdf fdsa asdfg asdfgh asdfjkl qwe ' +
    'qwer qwert qwerty zxc zxcv hjkl jkl foo bar baz foobar blah blahblah placeholder dummy lorem ipsum dolor idk ' +
    'whatever xyz pending filler tk'
  ).split(' '),
);

/** Words that carry nothing on their own; a text made only of these (and filler) says nothing. */
export const EMPTY_WORDS = new Set(
  (
    'a an the and or of for with to in on at by from as is are was be been will would can could should this that ' +
    'these those it its they them their we our us you your he she his her some any all more most very also just ' +
    'here there etc misc stuff thing things something someone somebody anything everything info information ' +
    'detail details data text field fields name names account accounts company companies customer customers ' +
    'client clients partner partners contact contacts user users person people inc co corp ltd llc gmbh update ' +
    'updates updated soon later see same good great strong key big huge high real true full best better nice ' +
    'important significant clear many lots various several overall general new really'
  ).split(' '),
);

/** Words that name nothing on their own: "Test Account", "Example Inc", "Partner Co" are no names. */
export const EMPTY_NAME_WORDS = new Set(
  (
    'the a an and of account accounts company customer client partner partners contact name names example ' +
    'sample user person somebody someone inc co corp ltd llc gmbh'
  ).split(' '),
);

/** Words of an organisation's name that do not identify it ("Meridian Cloud Consulting" is "meridian"). */
export const GENERIC_NAME_WORDS = new Set(
  (
    'the and of partners partner group consulting consultants solutions services cloud global digital systems ' +
    'technologies technology tech software international holdings holding inc co corp ltd llc gmbh company ' +
    'enterprise enterprises strategic labs'
  ).split(' '),
);

export const DATE_WORDS =
  /\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|q[1-4])\b/i;

export const ABBREVIATION =
  /(^|\s)(dr|mr|mrs|ms|st|vs|etc|e\.g|i\.e|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|[a-z])$/i;

/** Sentences, not counting the dots of abbreviations ("Dr.", "Dec.", "e.g.") as ends. */
export function sentences(text: string): number {
  let count = 1;
  const pattern = /[.!?]+\s+(?=\S)/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (!ABBREVIATION.test(text.slice(0, match.index))) count += 1;
  }
  return count;
}

/** Lower-case words (letters and digits; "n/a" is one word, "na"). */
export function tokens(text: string | null): string[] {
  return (
    (text ?? '')
      .toLowerCase()
      .replace(/\bn\/a\b/g, 'na')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

export function nameParts(name: string): string[] {
  return name
    .split(/[\s,]+/)
    .map((part) => part.replace(/[^\p{L}'-]/gu, ''))
    .filter((part) => part.length >= 2);
}

/** The words that name this deal: the account, its domain, the partner, the contact, the CRM opportunity id. */
export function dealWords(p: ScoringInput): Set<string> {
  const words = new Set<string>();
  const add = (text: string | null) => {
    for (const word of tokens(text)) {
      if (
        word.length >= 3 &&
        !GENERIC_NAME_WORDS.has(word) &&
        !EMPTY_WORDS.has(word) &&
        !FILLER_WORDS.has(word)
      )
        words.add(word);
    }
  };
  add(p.accountName);
  add(p.partnerOrg);
  add(p.partnerContactName);
  const domain = p.accountDomain ? accountDomain(p.accountDomain) : undefined;
  if (domain) add(domain.split('.')[0] ?? null);
  for (const word of tokens(p.crmOpportunity)) if (/\d/.test(word) && word.length >= 3) words.add(word);
  return words;
}

/** The account's own words (name and domain), for "who on the customer side". */
export function accountWords(p: ScoringInput): Set<string> {
  const words = new Set(
    tokens(accountKey(p.accountName)).filter((w) => w.length >= 3 && !GENERIC_NAME_WORDS.has(w)),
  );
  const domain = p.accountDomain ? accountDomain(p.accountDomain) : undefined;
  const label = domain?.split('.')[0];
  if (label && label.length >= 3) words.add(label);
  return words;
}

export const mentions = (text: string, words: Set<string>) => tokens(text).some((word) => words.has(word));

/**
 * Why a text is filler, or undefined when it has content. Filler: empty, a placeholder (TBD, n/a…), lorem ipsum,
 * only placeholder or empty words (asdf, test, "the customer"), the same words repeated, or partnership language
 * (synergy, leverage, best-in-class…) outnumbering everything else with no name, number or date from the deal.
 * A `name` (an account, an organization, a person, a role) is only checked for the first four: "Strategic Growth
 * Solutions" may be a company.
 */
export function fillerKind(
  text: string | null,
  deal: Set<string> = new Set(),
  as: 'text' | 'name' = 'text',
): string | undefined {
  const trimmed = (text ?? '').trim();
  if (!/[\p{L}\p{N}]/u.test(trimmed)) return 'empty';
  if (PLACEHOLDER.test(trimmed.replace(/[.!]+$/, ''))) return 'a placeholder (TBD, n/a…)';
  if (LOREM.test(trimmed)) return 'lorem ipsum';
  const words = tokens(trimmed);
  const filler = words.filter((word) => FILLER_WORDS.has(word) || /^(\p{L})\1+$/u.test(word)).length;
  const empty = as === 'name' ? EMPTY_NAME_WORDS : EMPTY_WORDS;
  if (filler * 2 > words.length || words.every((word) => FILLER_WORDS.has(word) || empty.has(word))) {
    return 'placeholder words (asdf, test…)';
  }
  if (as === 'name') return undefined;
  const counted = words.filter((word) => !EMPTY_WORDS.has(word));
  if (counted.length >= 3 && new Set(counted).size <= counted.length * SCORING_RULES.repeatedShare) {
    return 'the same words repeated';
  }
  const buzz = trimmed.match(BUZZ)?.length ?? 0;
  if (buzz >= SCORING_RULES.buzzwords) {
    const rest = tokens(trimmed.replace(BUZZ, ' ')).filter(
      (word) => word.length >= 3 && !EMPTY_WORDS.has(word),
    );
    const specific = /\d|["“”]/.test(trimmed) || DATE_WORDS.test(trimmed) || mentions(trimmed, deal);
    if (!specific && buzz > rest.length) return 'partnership language with no name, number or date';
  }
  return undefined;
}

export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** A logo is not a contact: a placeholder, filler, a team or alias, or (a piece of) the partner's own name. */
export function isPerson(contact: string, partnerOrg: string): boolean {
  const name = accountKey(contact);
  const org = accountKey(partnerOrg);
  const orgWords = org.split(' ');
  const looksLikeOrg =
    name === org || orgWords.includes(name) || org.startsWith(`${name} `) || name.startsWith(org);
  return (
    Boolean(name) &&
    !PLACEHOLDER.test(contact.trim()) &&
    !fillerKind(contact, undefined, 'name') &&
    !/^(john|jane) doe$/i.test(contact.trim()) &&
    !TEAM_WORDS.test(contact) &&
    !looksLikeOrg
  );
}
