import { otherAccountsNamed } from './accountMatch.js';
import { stepDate } from './firstStep.js';
import { type ScoreWeights, weightedTotal } from './scoreWeights.js';
import {
  type Band,
  type Bands,
  type ComponentResult,
  missing,
  SCORING_RULES,
  type Scorecard,
  type ScoringContext,
  type ScoringInput,
  strong,
  weak,
} from './scoringModel.js';
import { proof } from './scoringProof.js';
import {
  accountWords,
  addDays,
  BUYER_WORDS,
  CUSTOMER_SIDE,
  dealWords,
  fillerKind,
  INTRODUCTION,
  isPerson,
  mentions,
  nameParts,
  PARTNER_JARGON,
  PLACEHOLDER,
  PRIOR_WORK,
  SEVERAL_ACTIONS,
  sentences,
  TEAM_WORDS,
  tokens,
  VAGUE_ACTION,
  wordCount,
} from './scoringWords.js';

export * from './scoringModel.js';
export { fillerKind, wordCount } from './scoringWords.js';

/**
 * The packet scorecard of DOMAIN.md: nine components, each strong (2), weak (1) or missing (0), out of 18.
 * Every rule below is deterministic and stated in the reason the author sees, so the score can be predicted.
 *
 * Nothing scores for what every packet has anyway (an owner chosen in Slack, the default response window, a
 * ticked box, any https link): each component needs content in the packet. Filler (placeholders, lorem ipsum,
 * keyboard mash, the same words repeated, partnership language with nothing specific) counts as no content.
 * The calibration set in test/fixtures/packets/calibration.ts pins what good, weak and filler packets score.
 */

export const realMove = (text: string, minWords: number, deal: Set<string>) =>
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

export function nextAction(p: ScoringInput, deal: Set<string>): ComponentResult {
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
  return strong('owner', `one named person owns the next move, due ${stepDate(p.partnerNextMoveDate)}`);
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

/**
 * The account-specific fields, each with the component it counts in and how its reason names it: text about this
 * account. Pasted from a packet about another (the author's suggestions) it says nothing of this one.
 */
const ACCOUNT_SPECIFIC = [
  { field: 'whyPartner', id: 'partner_context', name: 'why this partner matters' },
  { field: 'customerTrigger', id: 'buyer_problem', name: 'the customer trigger' },
  { field: 'jointValue', id: 'buyer_problem', name: 'the joint value' },
  { field: 'warmPath', id: 'relationship_path', name: 'the warm path' },
] as const;

/**
 * A component whose field names another known account and not this one is at most weak, its reason naming the field
 * and the account (a reason already weaker keeps its own first).
 */
function aboutThisAccount(c: ComponentResult, p: ScoringInput, known: readonly string[]): ComponentResult {
  for (const { field, id, name } of ACCOUNT_SPECIFIC) {
    if (id !== c.id) continue;
    const [other] = otherAccountsNamed(p[field], p.accountName, known);
    if (other === undefined) continue;
    const why = `${name} names ${other}, not ${p.accountName.trim()}`;
    if (c.score === 2) return weak(c.id, `${why}: make it about this account`);
    return { ...c, reason: `${c.reason}; and ${why}` };
  }
  return c;
}

export function bandFor(total: number, bands: Bands): Band {
  if (total >= bands.ready) return 'ready';
  if (total >= bands.fix) return 'fix';
  return 'keep_building';
}

/** `weights`: the program's score weights (domain/scoreWeights.ts; absent: every component 1, the plain sum). */
export function scorePacket(
  p: ScoringInput,
  ctx: ScoringContext,
  bands: Bands,
  weights?: ScoreWeights,
): Scorecard {
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
  ].map((c) => aboutThisAccount(c, p, ctx.knownAccounts ?? []));
  const total = weightedTotal(components, weights);
  return { components, total, band: bandFor(total, bands) };
}
