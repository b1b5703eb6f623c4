import { accountKey } from './accountMatch.js';
import { isHttpUrl } from './packet.js';

/**
 * The packet scorecard of DOMAIN.md: nine components, each strong (2), weak (1) or missing (0), out of 18.
 * Every rule below is deterministic and stated in the reason the author sees, so the score can be predicted.
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
  /** Today (YYYY-MM-DD): the partner's move must fall within the next two weeks. */
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

const PLACEHOLDER = /^(tbd|tba|n\/?a|none|unknown|test|todo|\?+|-+|x+)$/i;
const TEAM_WORDS =
  /\b(team|alias|group|shared|all|ops|department|dept|partners|alliances|sales|marketing|info|admin)\b/i;
const BUYER_WORDS =
  /["“”]|\b(asked|asks|said|says|told|wants?|wanted|needs?|needed|requested|complain(ed|s)?|mentioned|wrote|struggl\w*|frustrat\w*|pain|looking for|evaluating|budget)\b/i;
const PARTNER_JARGON =
  /\b(synerg\w*|co-?sell\w*|joint go-to-market|joint gtm|ecosystem|leverag\w*|strategic alignment)\b/i;
const INTRODUCTION =
  /\b(introduc\w*|intro|meet\w*|meeting|call|connect\w*|email\w*|invit\w*|loop\w* in|warm|knows?)\b/i;
const VAGUE_ACTION =
  /^(follow[- ]?up|touch base|reach out|circle back|explore|discuss|consider|look into|sync|check in|tbd|n\/?a)\b/i;
const SEVERAL_ACTIONS = /;|\n|\bthen\b|\band also\b|(^|\s)\d+[.)]\s|•/i;

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

function nameParts(name: string): string[] {
  return name
    .split(/[\s,]+/)
    .map((part) => part.replace(/[^\p{L}'-]/gu, ''))
    .filter((part) => part.length >= 2);
}

function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function isHomepage(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.pathname === '/' || parsed.pathname === '') && !parsed.search && !parsed.hash;
  } catch {
    return false;
  }
}

function targetAccount(p: ScoringInput): ComponentResult {
  const account = p.accountName.trim();
  if (!account || PLACEHOLDER.test(account)) return missing('target_account', 'no real account is named');
  const identified = Boolean(p.crmOpportunity || p.accountDomain);
  if (p.onPriorityList && identified) {
    return strong('target_account', "on the AE's priority list and identified by CRM opportunity or domain");
  }
  if (!p.onPriorityList) return weak('target_account', "not confirmed on the AE's priority list");
  return weak('target_account', 'no CRM opportunity or company domain to identify the account');
}

/** A logo is not a contact: a placeholder, a team or alias, or (a piece of) the partner's own name. */
function isPerson(contact: string, partnerOrg: string): boolean {
  const name = accountKey(contact);
  const org = accountKey(partnerOrg);
  const orgWords = org.split(' ');
  const looksLikeOrg =
    name === org || orgWords.includes(name) || org.startsWith(`${name} `) || name.startsWith(org);
  return Boolean(name) && !PLACEHOLDER.test(contact.trim()) && !TEAM_WORDS.test(contact) && !looksLikeOrg;
}

function partnerContext(p: ScoringInput): ComponentResult {
  if (!isPerson(p.partnerContactName, p.partnerOrg)) {
    return missing('partner_context', 'the partner is mentioned but no person is named');
  }
  if (!p.partnerContactRole) return weak('partner_context', 'partner contact has no role');
  if (wordCount(p.whyPartner) < 8)
    return weak('partner_context', 'why this partner matters is under 8 words');
  return strong('partner_context', 'a named person with a role, and why the partner matters here');
}

function relationshipPath(p: ScoringInput): ComponentResult {
  const path = p.warmPath.toLowerCase();
  const namesContact =
    isPerson(p.partnerContactName, p.partnerOrg) &&
    nameParts(p.partnerContactName).some((part) =>
      new RegExp(`(^|[^\\p{L}])${part.toLowerCase()}([^\\p{L}]|$)`, 'u').test(path),
    );
  const describesIntro = INTRODUCTION.test(p.warmPath);
  if (namesContact && describesIntro) {
    return strong('relationship_path', 'names the partner contact and how the introduction happens');
  }
  if (namesContact)
    return weak('relationship_path', 'names the contact but not how the introduction happens');
  if (describesIntro) return weak('relationship_path', 'describes an introduction but names nobody');
  return missing('relationship_path', 'the warm path names nobody on the partner side');
}

function buyerProblem(p: ScoringInput): ComponentResult {
  if (wordCount(p.customerTrigger) < 5)
    return missing('buyer_problem', 'the customer trigger is under 5 words');
  const buyerWords = BUYER_WORDS.test(p.customerTrigger);
  if (!buyerWords && PARTNER_JARGON.test(p.customerTrigger)) {
    return weak('buyer_problem', "partnership language instead of the buyer's problem");
  }
  if (!buyerWords)
    return weak('buyer_problem', 'generic trigger, with no words from the buyer (asked, said, needs…)');
  if (wordCount(p.jointValue) < 10)
    return weak('buyer_problem', 'the joint value proposition is under 10 words');
  return strong('buyer_problem', "the trigger is in the buyer's words and the joint value is spelled out");
}

function partnerOffer(p: ScoringInput, today: string): ComponentResult {
  if (wordCount(p.partnerNextMove) < 3) return missing('partner_offer', 'no partner next move');
  if (!p.partnerNextMoveDate) return weak('partner_offer', "the partner's next move has no date");
  if (!p.partnerAgreedInWriting)
    return weak('partner_offer', "the partner's next move is not agreed in writing");
  if (p.partnerNextMoveDate > addDays(today, 14)) {
    return weak('partner_offer', "the partner's next move is more than two weeks out");
  }
  return strong('partner_offer', 'dated within two weeks and agreed in writing');
}

function nextAction(p: ScoringInput): ComponentResult {
  const move = p.sellerNextMove.trim();
  if (wordCount(move) < 3 || PLACEHOLDER.test(move)) return missing('next_action', 'no action for the AE');
  if (SEVERAL_ACTIONS.test(move) || sentences(move) > 1) {
    return weak('next_action', 'several actions; keep the one for this week');
  }
  if (VAGUE_ACTION.test(move))
    return weak('next_action', 'vague (follow up, reach out…); name the concrete action');
  return strong('next_action', 'one concrete action');
}

function owner(ctx: ScoringContext): ComponentResult {
  if (TEAM_WORDS.test(ctx.ownerName)) return weak('owner', 'the owner looks like a team or shared account');
  return strong('owner', 'one named person owns the next move');
}

function acceptanceCriteria(p: ScoringInput, ctx: ScoringContext): ComponentResult {
  if (p.responseWindowDays > ctx.maxWindowDays) {
    return weak(
      'acceptance_criteria',
      `a window of ${p.responseWindowDays} business days is over the ${ctx.maxWindowDays}-day maximum`,
    );
  }
  return strong('acceptance_criteria', `accept or decline within ${p.responseWindowDays} business days`);
}

function proof(p: ScoringInput): ComponentResult {
  if (!p.evidenceUrl) return missing('proof', 'no evidence link');
  if (!isHttpUrl(p.evidenceUrl)) return missing('proof', 'the evidence link is not a web address');
  if (isHomepage(p.evidenceUrl)) return weak('proof', 'the link is a homepage, not the evidence itself');
  return strong('proof', 'an evidence link the AE can check');
}

export function bandFor(total: number, bands: Bands): Band {
  if (total >= bands.ready) return 'ready';
  if (total >= bands.fix) return 'fix';
  return 'keep_building';
}

export function scorePacket(p: ScoringInput, ctx: ScoringContext, bands: Bands): Scorecard {
  const components = [
    targetAccount(p),
    partnerContext(p),
    relationshipPath(p),
    buyerProblem(p),
    partnerOffer(p, ctx.today),
    nextAction(p),
    owner(ctx),
    acceptanceCriteria(p, ctx),
    proof(p),
  ];
  const total = components.reduce((sum, c) => sum + c.score, 0);
  return { components, total, band: bandFor(total, bands) };
}

export interface ReadinessItem {
  label: string;
  met: boolean;
}

/** DOMAIN.md's "hand off now only when all hold". */
export function readiness(p: ScoringInput, card: Scorecard): ReadinessItem[] {
  const scoreOf = (id: ComponentId) => card.components.find((c) => c.id === id)?.score ?? 0;
  return [
    { label: 'The seller next move is concrete and doable this week', met: scoreOf('next_action') === 2 },
    { label: "The account is on the AE's priority list", met: p.onPriorityList },
    { label: 'The partner agreed their next move in writing', met: p.partnerAgreedInWriting },
    { label: 'The evidence link supports the claims', met: scoreOf('proof') === 2 },
    { label: 'The channel-conflict check is done and noted', met: Boolean(p.riskNote?.trim()) },
  ];
}
