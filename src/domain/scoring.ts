import { accountDomain, accountKey } from './accountMatch.js';
import { isHttpUrl } from './packet.js';

/**
 * The packet scorecard of DOMAIN.md: nine components, each strong (2), weak (1) or missing (0), out of 18.
 * Every rule below is deterministic and stated in the reason the author sees, so the score can be predicted.
 *
 * Nothing scores for what every packet has anyway (an owner chosen in Slack, the default response window, a
 * ticked box, any https link): each component needs content in the packet. Filler (placeholders, lorem ipsum,
 * keyboard mash, the same words repeated, partnership language with nothing specific) counts as no content.
 * The calibration set in test/fixtures/packets/calibration.ts pins what good, weak and filler packets score.
 */

export const COMPONENTS = [
  'target_account',
  'partner_context',
  'relationship_path',
  'buyer_problem',
  'partner_offer',
  'next_action',
  'owner',
  'acceptance_criteria',
  'proof',
] as const;
export type ComponentId = (typeof COMPONENTS)[number];

export const COMPONENT_LABEL: Record<ComponentId, string> = {
  target_account: 'Target account logic',
  partner_context: 'Partner context',
  relationship_path: 'Relationship path',
  buyer_problem: 'Buyer problem',
  partner_offer: 'Partner offer',
  next_action: 'Next action',
  owner: 'Owner',
  acceptance_criteria: 'Acceptance criteria',
  proof: 'Proof',
};

export type ComponentScore = 0 | 1 | 2;
export interface ComponentResult {
  id: ComponentId;
  score: ComponentScore;
  /** One line, starting with strong / weak / missing, saying why. */
  reason: string;
}

export type Band = 'ready' | 'fix' | 'keep_building';
export const BAND_LABEL: Record<Band, string> = {
  ready: 'Ready to hand off',
  fix: 'Fix the weak parts',
  keep_building: 'Keep building',
};

/** Band thresholds (configuration: SCORE_BANDS). A total at or above `ready` is ready; at or above `fix`, fix. */
export interface Bands {
  ready: number;
  fix: number;
}

/**
 * The fixed thresholds of the rules (the configurable ones, bands and the window maximum, come in `Bands` and
 * `ScoringContext`). Named here so the reasons, docs/packet.md and the tests quote the same numbers.
 */
export const SCORING_RULES = {
  /** Why this partner matters: at least this many words. */
  whyPartnerWords: 8,
  /** Customer trigger: under this many words is missing. */
  triggerWords: 5,
  /** Joint value proposition: at least this many words. */
  jointValueWords: 10,
  /** Partner next move: under this many words is missing. */
  partnerMoveWords: 3,
  /** Seller next move: under this many words is missing. */
  sellerMoveWords: 3,
  /** The partner's move must be dated within this many days from today. */
  partnerMoveDays: 14,
  /** Three or more words of which at most this share are distinct: the same words repeated. */
  repeatedShare: 0.5,
  /** This many partnership buzzwords, outnumbering the other words, with no name, number or date: filler. */
  buzzwords: 2,
} as const;

export interface ScoringInput {
  accountName: string;
  crmOpportunity: string | null;
  accountDomain: string | null;
  onPriorityList: boolean;
  partnerOrg: string;
  partnerContactName: string;
  partnerContactRole: string | null;
  whyPartner: string;
  customerTrigger: string;
  jointValue: string;
  warmPath: string;
  sellerNextMove: string;
  partnerNextMove: string;
  partnerNextMoveDate: string | null;
  partnerAgreedInWriting: boolean;
  riskNote: string | null;
  evidenceUrl: string | null;
  responseWindowDays: number;
}

export interface ScoringContext {
  /**
   * The author's today (YYYY-MM-DD) in their own zone: they typed the partner's move date, which must fall within the
   * next two weeks of it (an evening in New York is still that day there, whatever the AE's or UTC's day).
   */
  today: string;
  /** The owner's Slack name, to spot a shared or team account. */
  ownerName: string;
  /** Windows longer than this are weak (configuration: SCORE_MAX_WINDOW_DAYS). */
  maxWindowDays: number;
}

export interface Scorecard {
  components: ComponentResult[];
  total: number;
  band: Band;
}

const strong = (id: ComponentId, why: string): ComponentResult => ({
  id,
  score: 2,
  reason: `strong: ${why}`,
});
const weak = (id: ComponentId, why: string): ComponentResult => ({ id, score: 1, reason: `weak: ${why}` });
const missing = (id: ComponentId, why: string): ComponentResult => ({
  id,
  score: 0,
  reason: `missing: ${why}`,
});

export const wordCount = (text: string | null) => (text ?? '').trim().split(/\s+/).filter(Boolean).length;

const PLACEHOLDER = /^(tbd|tba|tbc|n\/?a|none|unknown|test|todo|\?+|-+|x+)$/i;
const TEAM_WORDS =
  /\b(team|alias|group|shared|all|ops|department|dept|partners|alliances|sales|marketing|info|admin)\b/i;
const BUYER_WORDS =
  /["“”]|\b(asked|asks|said|says|told|wants?|wanted|needs?|needed|requested|complain(ed|s)?|mentioned|wrote|struggl\w*|frustrat\w*|pain|looking for|evaluating|budget)\b/i;
const PARTNER_JARGON =
  /\b(synerg\w*|co-?sell\w*|joint go-to-market|joint gtm|ecosystem|leverag\w*|strategic alignment)\b/i;
const INTRODUCTION =
  /\b(introduc\w*|intro|meet\w*|meeting|call|connect\w*|email\w*|invit\w*|loop\w* in|warm|knows?|brings?|bringing|cc|forward\w*|sets? up|arrang\w*|review|session|workshop)\b/i;
const VAGUE_ACTION =
  /^(follow[- ]?up|touch base|reach out|circle back|explore|discuss|consider|look into|sync|check in|tbd|n\/?a)\b/i;
const SEVERAL_ACTIONS = /;|\n|\bthen\b|\band also\b|(^|\s)\d+[.)]\s|•/i;

/** Why the partner matters, concretely: prior delivery, an installed footprint, or a relationship (DOMAIN.md). */
const PRIOR_WORK =
  /\b(ran|runs|run|running|delivered|delivers|implemented|implements|built|builds|migrated|migrates|operates|operated|manages|managed|supports|supported|installed|deployed|deploys|hosts|hosted|resells|resold|integrated|integrates|rolled out|maintains|maintained|audited|advises|advised|trained|designed|led|worked|works|knows|trusted|since|years?|last (quarter|year|month)|of record|footprint|incumbent|installed base|contract|relationship with)\b/i;

/** Someone on the customer side of a warm path (besides the account's own name). */
const CUSTOMER_SIDE =
  /\b(director|head of|vp|svp|evp|vice president|chief|ceo|cfo|cio|cto|coo|cmo|ciso|cdo|manager|buyer|champion|sponsor|procurement|controller|founder|president|architect|administrator|stakeholders?|leadership|board|(ops|operations|it|finance|engineering|data|platform|security|executive|buying) team)\b/i;

/** Partnership language: on its own it says nothing about this deal. */
const BUZZ =
  /\b(synerg\w*|leverag\w*|best[- ]in[- ]class|world[- ]class|best[- ]of[- ]breed|cutting[- ]edge|state[- ]of[- ]the[- ]art|next[- ]gen\w*|game[- ]chang\w*|win[- ]win|value[- ]add\w*|go[- ]to[- ]market|gtm|co-?sell\w*|co-?innovat\w*|ecosystems?|strategic\w*|alignment|aligned|holistic\w*|innovat\w*|seamless\w*|robust|end[- ]to[- ]end|empower\w*|unlock\w*|transform\w*|disrupt\w*|paradigm\w*|mutual\w*|scalab\w*|optimi[sz]\w*|digital\w*|partnerships?|joint(ly)?|solutions?|growth|drive|drives|driving|accelerat\w*|maximi[sz]\w*|thought[- ]leader\w*|move the needle|low[- ]hanging fruit|deep[- ]dive|circle back|touch base|revenue|opportunit(y|ies)|values?|impactful|outcomes?|enablement|turnkey|future[- ]proof\w*|agility|excellence|journey)\b/gi;

const LOREM = /\b(lorem|ipsum|dolor sit|consectetur|adipiscing)\b/i;

/** Words that are filler wherever they appear: placeholders and keyboard mash. */
const FILLER_WORDS = new Set(
  (
    'tbd tba tbc tbu na none nil null unknown todo test tests tst asdf asd sdf fdsa asdfg asdfgh asdfjkl qwe ' +
    'qwer qwert qwerty zxc zxcv hjkl jkl foo bar baz foobar blah blahblah placeholder dummy lorem ipsum dolor idk ' +
    'whatever xyz pending filler tk'
  ).split(' '),
);

/** Words that carry nothing on their own; a text made only of these (and filler) says nothing. */
const EMPTY_WORDS = new Set(
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
const EMPTY_NAME_WORDS = new Set(
  (
    'the a an and of account accounts company customer client partner partners contact name names example ' +
    'sample user person somebody someone inc co corp ltd llc gmbh'
  ).split(' '),
);

/** Words of an organisation's name that do not identify it ("Meridian Cloud Consulting" is "meridian"). */
const GENERIC_NAME_WORDS = new Set(
  (
    'the and of partners partner group consulting consultants solutions services cloud global digital systems ' +
    'technologies technology tech software international holdings holding inc co corp ltd llc gmbh company ' +
    'enterprise enterprises strategic labs'
  ).split(' '),
);

const DATE_WORDS =
  /\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|q[1-4])\b/i;

const ABBREVIATION =
  /(^|\s)(dr|mr|mrs|ms|st|vs|etc|e\.g|i\.e|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|[a-z])$/i;

/** Sentences, not counting the dots of abbreviations ("Dr.", "Dec.", "e.g.") as ends. */
function sentences(text: string): number {
  let count = 1;
  const pattern = /[.!?]+\s+(?=\S)/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (!ABBREVIATION.test(text.slice(0, match.index))) count += 1;
  }
  return count;
}

/** Lower-case words (letters and digits; "n/a" is one word, "na"). */
function tokens(text: string | null): string[] {
  return (
    (text ?? '')
      .toLowerCase()
      .replace(/\bn\/a\b/g, 'na')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

function nameParts(name: string): string[] {
  return name
    .split(/[\s,]+/)
    .map((part) => part.replace(/[^\p{L}'-]/gu, ''))
    .filter((part) => part.length >= 2);
}

/** The words that name this deal: the account, its domain, the partner, the contact, the CRM opportunity id. */
function dealWords(p: ScoringInput): Set<string> {
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
function accountWords(p: ScoringInput): Set<string> {
  const words = new Set(
    tokens(accountKey(p.accountName)).filter((w) => w.length >= 3 && !GENERIC_NAME_WORDS.has(w)),
  );
  const domain = p.accountDomain ? accountDomain(p.accountDomain) : undefined;
  const label = domain?.split('.')[0];
  if (label && label.length >= 3) words.add(label);
  return words;
}

const mentions = (text: string, words: Set<string>) => tokens(text).some((word) => words.has(word));

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

function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** A logo is not a contact: a placeholder, filler, a team or alias, or (a piece of) the partner's own name. */
function isPerson(contact: string, partnerOrg: string): boolean {
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

const realMove = (text: string, minWords: number, deal: Set<string>) =>
  wordCount(text) >= minWords && !PLACEHOLDER.test(text.trim()) && !fillerKind(text, deal);

function targetAccount(p: ScoringInput, deal: Set<string>): ComponentResult {
  const account = p.accountName.trim();
  if (!account || PLACEHOLDER.test(account) || fillerKind(account, undefined, 'name')) {
    return missing('target_account', 'no real account is named');
  }
  const identified = Boolean(
    (p.crmOpportunity && !fillerKind(p.crmOpportunity, undefined, 'name')) || p.accountDomain,
  );
  const whyNow =
    wordCount(p.customerTrigger) >= SCORING_RULES.triggerWords && !fillerKind(p.customerTrigger, deal);
  if (p.onPriorityList && identified && whyNow) {
    return strong(
      'target_account',
      "on the AE's priority list, identified by CRM opportunity or domain, and the trigger says why now",
    );
  }
  if (!p.onPriorityList && !identified && !whyNow) {
    return missing(
      'target_account',
      "only a name: not on the AE's priority list, no CRM opportunity or domain, no trigger saying why now",
    );
  }
  if (!p.onPriorityList) return weak('target_account', "not confirmed on the AE's priority list");
  if (!identified)
    return weak('target_account', 'no CRM opportunity or company domain to identify the account');
  return weak('target_account', 'nothing says why now: the customer trigger is filler or too short');
}

function partnerContext(p: ScoringInput, deal: Set<string>): ComponentResult {
  if (fillerKind(p.partnerOrg, undefined, 'name'))
    return missing('partner_context', 'no real partner organization is named');
  if (!isPerson(p.partnerContactName, p.partnerOrg)) {
    return missing('partner_context', 'the partner is mentioned but no person is named');
  }
  if (!p.partnerContactRole || fillerKind(p.partnerContactRole, undefined, 'name')) {
    return weak('partner_context', 'partner contact has no role');
  }
  const filler = fillerKind(p.whyPartner, deal);
  if (filler) return weak('partner_context', `why this partner matters is filler: ${filler}`);
  if (wordCount(p.whyPartner) < SCORING_RULES.whyPartnerWords) {
    return weak(
      'partner_context',
      `why this partner matters is under ${SCORING_RULES.whyPartnerWords} words`,
    );
  }
  if (!PRIOR_WORK.test(p.whyPartner)) {
    return weak(
      'partner_context',
      'why this partner matters names no prior delivery, installed footprint or relationship here',
    );
  }
  return strong(
    'partner_context',
    'a named person with a role, and why the partner matters here (prior work, footprint or relationship)',
  );
}

function relationshipPath(p: ScoringInput, deal: Set<string>): ComponentResult {
  const filler = fillerKind(p.warmPath, deal);
  if (filler) return missing('relationship_path', `the warm path is filler: ${filler}`);
  const path = p.warmPath.toLowerCase();
  const namesContact =
    isPerson(p.partnerContactName, p.partnerOrg) &&
    nameParts(p.partnerContactName).some((part) =>
      new RegExp(`(^|[^\\p{L}])${part.toLowerCase()}([^\\p{L}]|$)`, 'u').test(path),
    );
  const describesIntro = INTRODUCTION.test(p.warmPath);
  const customerSide = CUSTOMER_SIDE.test(p.warmPath) || mentions(p.warmPath, accountWords(p));
  if (namesContact && describesIntro && customerSide) {
    return strong(
      'relationship_path',
      'names the partner contact, who they know at the account and how the introduction happens',
    );
  }
  if (namesContact && describesIntro) {
    return weak('relationship_path', 'names the contact and the introduction, but nobody at the account');
  }
  if (namesContact)
    return weak('relationship_path', 'names the contact but not how the introduction happens');
  if (describesIntro) return weak('relationship_path', 'describes an introduction but names nobody');
  return missing('relationship_path', 'the warm path names nobody on the partner side');
}

function buyerProblem(p: ScoringInput, deal: Set<string>): ComponentResult {
  if (wordCount(p.customerTrigger) < SCORING_RULES.triggerWords)
    return missing('buyer_problem', `the customer trigger is under ${SCORING_RULES.triggerWords} words`);
  const filler = fillerKind(p.customerTrigger, deal);
  if (filler) return missing('buyer_problem', `the customer trigger is filler: ${filler}`);
  const buyerWords = BUYER_WORDS.test(p.customerTrigger);
  if (!buyerWords && PARTNER_JARGON.test(p.customerTrigger)) {
    return weak('buyer_problem', "partnership language instead of the buyer's problem");
  }
  if (!buyerWords)
    return weak('buyer_problem', 'generic trigger, with no words from the buyer (asked, said, needs…)');
  const valueFiller = fillerKind(p.jointValue, deal);
  if (valueFiller) return weak('buyer_problem', `the joint value proposition is filler: ${valueFiller}`);
  if (wordCount(p.jointValue) < SCORING_RULES.jointValueWords)
    return weak(
      'buyer_problem',
      `the joint value proposition is under ${SCORING_RULES.jointValueWords} words`,
    );
  const ours = /\b(we|our|us|ours)\b/i.test(p.jointValue);
  const theirs =
    /\b(partner|they|their|them)\b/i.test(p.jointValue) ||
    mentions(p.jointValue, deal) ||
    nameParts(p.partnerContactName).some((part) => tokens(p.jointValue).includes(part.toLowerCase()));
  if (!ours || !theirs) {
    return weak('buyer_problem', 'the joint value does not say what we do and what the partner does');
  }
  return strong('buyer_problem', "the trigger is in the buyer's words and the joint value is spelled out");
}

function partnerOffer(p: ScoringInput, today: string, deal: Set<string>): ComponentResult {
  if (wordCount(p.partnerNextMove) < SCORING_RULES.partnerMoveWords)
    return missing('partner_offer', 'no partner next move');
  const filler = fillerKind(p.partnerNextMove, deal);
  if (filler) return missing('partner_offer', `no partner next move: the text is filler: ${filler}`);
  if (!p.partnerNextMoveDate) return weak('partner_offer', "the partner's next move has no date");
  if (!p.partnerAgreedInWriting)
    return weak('partner_offer', "the partner's next move is not agreed in writing");
  if (p.partnerNextMoveDate < today) return weak('partner_offer', "the partner's next move date has passed");
  if (p.partnerNextMoveDate > addDays(today, SCORING_RULES.partnerMoveDays)) {
    return weak('partner_offer', "the partner's next move is more than two weeks out");
  }
  return strong('partner_offer', 'dated within two weeks and agreed in writing');
}

function nextAction(p: ScoringInput, deal: Set<string>): ComponentResult {
  const move = p.sellerNextMove.trim();
  if (wordCount(move) < SCORING_RULES.sellerMoveWords || PLACEHOLDER.test(move))
    return missing('next_action', 'no action for the AE');
  const filler = fillerKind(move, deal);
  if (filler)
    return missing('next_action', `no action for the AE: the seller next move is filler: ${filler}`);
  if (SEVERAL_ACTIONS.test(move) || sentences(move) > 1) {
    return weak('next_action', 'several actions; keep the one for this week');
  }
  if (VAGUE_ACTION.test(move))
    return weak('next_action', 'vague (follow up, reach out…); name the concrete action');
  return strong('next_action', 'one concrete action');
}

/** The owner owns the handoff until the introduction lands: the partner's dated move is what they chase. */
function owner(p: ScoringInput, ctx: ScoringContext, deal: Set<string>): ComponentResult {
  if (!realMove(p.partnerNextMove, SCORING_RULES.partnerMoveWords, deal)) {
    return missing(
      'owner',
      'no real next move for the owner to own (the partner next move is missing or filler)',
    );
  }
  if (TEAM_WORDS.test(ctx.ownerName)) return weak('owner', 'the owner looks like a team or shared account');
  if (!p.partnerNextMoveDate) return weak('owner', 'the next move the owner chases has no date');
  if (p.partnerNextMoveDate < ctx.today) return weak('owner', 'the date of the next move has passed');
  return strong('owner', `one named person owns the next move, due ${p.partnerNextMoveDate}`);
}

/** What counts as accepted: the AE takes the seller next move, within the window. A window alone is a default. */
function acceptanceCriteria(p: ScoringInput, ctx: ScoringContext, deal: Set<string>): ComponentResult {
  if (!realMove(p.sellerNextMove, SCORING_RULES.sellerMoveWords, deal)) {
    return missing(
      'acceptance_criteria',
      'no real seller next move, so nothing says what accepting means (a window alone is not a criterion)',
    );
  }
  if (p.responseWindowDays > ctx.maxWindowDays) {
    return weak(
      'acceptance_criteria',
      `a window of ${p.responseWindowDays} business days is over the ${ctx.maxWindowDays}-day maximum`,
    );
  }
  if (VAGUE_ACTION.test(p.sellerNextMove.trim())) {
    return weak(
      'acceptance_criteria',
      'accepting would mean a vague move (follow up, reach out…); say what the AE commits to',
    );
  }
  return strong(
    'acceptance_criteria',
    `accepting means taking the seller next move; accept or decline within ${p.responseWindowDays} business day${p.responseWindowDays === 1 ? '' : 's'}`,
  );
}

/** Evidence words a link's path can carry: what kind of record it is. */
const EVIDENCE_WORDS = new Set(
  (
    'note notes minutes meeting meetings review reviews qbr qbrs ebr mbr recap summary thread threads archives ' +
    'archive transcript recording recordings call calls case study studies story stories deck slides proposal ' +
    'sow email mail message messages record records opportunity opportunities opp opps doc document ' +
    'documents report reports brief plan workshop demo agenda memo contract order quote rfp rfi ticket ' +
    'presentation'
  ).split(' '),
);
/** Words of site sections that are never the evidence itself (/about-us, /en/partners/, /index.html…). */
const GENERIC_SECTIONS = new Set(
  (
    'home index html htm php aspx default about us aboutus company partners partner contact blog news products ' +
    'product solutions services customers en de fr es search login signin sign in www who we are our team'
  ).split(' '),
);
/** Document and record systems: a path there is a document or a record. */
const RECORD_HOST =
  /(^|\.)(docs\.google\.com|drive\.google\.com|sharepoint\.com|slack\.com|salesforce\.com|force\.com|hubspot\.com|notion\.so|notion\.site|atlassian\.net|box\.com|dropbox\.com|gong\.io|zoom\.us|loom\.com|onedrive\.live\.com|dynamics\.com)$/i;
const SHORTENER =
  /^(bit\.ly|tinyurl\.com|t\.co|goo\.gl|ow\.ly|buff\.ly|lnkd\.in|rebrand\.ly|is\.gd|cutt\.ly)$/i;
const SEARCH_OR_SOCIAL =
  /(^|\.)(google\.[a-z.]+|bing\.com|duckduckgo\.com|linkedin\.com|twitter\.com|x\.com|facebook\.com|instagram\.com|youtube\.com)$/i;

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Words that tie a link to this deal: the account, the partner contact, the CRM opportunity id. */
function evidenceNames(p: ScoringInput): Set<string> {
  const words = accountWords(p);
  if (isPerson(p.partnerContactName, p.partnerOrg)) {
    for (const part of nameParts(p.partnerContactName)) if (part.length >= 3) words.add(part.toLowerCase());
  }
  for (const word of tokens(p.crmOpportunity)) if (/\d/.test(word) && word.length >= 3) words.add(word);
  return words;
}

function proof(p: ScoringInput): ComponentResult {
  if (!p.evidenceUrl) return missing('proof', 'no evidence link');
  if (!isHttpUrl(p.evidenceUrl)) return missing('proof', 'the evidence link is not a web address');
  const url = new URL(p.evidenceUrl);
  const host = url.hostname.replace(/^www\./, '');
  const segments = url.pathname.split('/').filter(Boolean).map(decoded);
  const words = tokens(`${segments.join(' ')} ${url.search} ${url.hash}`);
  const named = evidenceNames(p);
  const hostWords = tokens(host.split('.').slice(0, -1).join(' '));
  if (
    (words.length > 0 && words.every((w) => FILLER_WORDS.has(w) || /^(\p{L})\1+$/u.test(w))) ||
    hostWords.some((w) => FILLER_WORDS.has(w))
  ) {
    return missing('proof', 'the link is placeholder text (asdf, test…), not evidence');
  }
  if (segments.length === 0 && !url.search && !url.hash)
    return weak('proof', 'the link is a homepage, not the evidence itself');
  if (SHORTENER.test(host))
    return weak('proof', 'a short link hides what it points to; link the evidence itself');
  const record = RECORD_HOST.test(host);
  if (!record && SEARCH_OR_SOCIAL.test(host))
    return weak('proof', 'a search or social page, not the evidence itself');
  if (!url.search && !url.hash && words.every((w) => GENERIC_SECTIONS.has(w))) {
    return weak('proof', 'the link is a generic page (about, partners, blog…), not the evidence itself');
  }
  const describes = words.some((w) => EVIDENCE_WORDS.has(w) || named.has(w));
  if (!describes && !(record && segments.length >= 1)) {
    return weak(
      'proof',
      'the link does not say what it is: no account, contact, opportunity id or kind of evidence (notes, thread…) in it',
    );
  }
  return strong('proof', 'a specific evidence link that says what it points to');
}

export function bandFor(total: number, bands: Bands): Band {
  if (total >= bands.ready) return 'ready';
  if (total >= bands.fix) return 'fix';
  return 'keep_building';
}

export function scorePacket(p: ScoringInput, ctx: ScoringContext, bands: Bands): Scorecard {
  const deal = dealWords(p);
  const components = [
    targetAccount(p, deal),
    partnerContext(p, deal),
    relationshipPath(p, deal),
    buyerProblem(p, deal),
    partnerOffer(p, ctx.today, deal),
    nextAction(p, deal),
    owner(p, ctx, deal),
    acceptanceCriteria(p, ctx, deal),
    proof(p),
  ];
  const total = components.reduce((sum, c) => sum + c.score, 0);
  return { components, total, band: bandFor(total, bands) };
}

export interface ReadinessItem {
  label: string;
  met: boolean;
}

/** DOMAIN.md's "hand off now only when all hold". A ticked box or a note that is filler does not hold. */
export function readiness(p: ScoringInput, card: Scorecard): ReadinessItem[] {
  const scoreOf = (id: ComponentId) => card.components.find((c) => c.id === id)?.score ?? 0;
  const deal = dealWords(p);
  return [
    { label: 'The seller next move is concrete and doable this week', met: scoreOf('next_action') === 2 },
    { label: "The account is on the AE's priority list", met: p.onPriorityList },
    {
      label: 'The partner agreed their next move in writing',
      met: p.partnerAgreedInWriting && realMove(p.partnerNextMove, SCORING_RULES.partnerMoveWords, deal),
    },
    { label: 'The evidence link supports the claims', met: scoreOf('proof') === 2 },
    {
      label: 'The channel-conflict check is done and noted',
      met: Boolean(p.riskNote?.trim()) && !fillerKind(p.riskNote, deal),
    },
  ];
}
