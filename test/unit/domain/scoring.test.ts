import { describe, expect, it } from 'vitest';
import { readiness } from '../../../src/domain/readiness.js';
import {
  type Bands,
  bandFor,
  COMPONENTS,
  type ComponentId,
  type ComponentResult,
  fillerKind,
  type Scorecard,
  type ScoringContext,
  type ScoringInput,
  scorePacket,
  wordCount,
} from '../../../src/domain/scoring.js';

/** Monday 23 November 2026; today + 14 days is 2026-12-07. */
const CTX: ScoringContext = { today: '2026-11-23', ownerName: 'Pat Marketer', maxWindowDays: 5 };
const BANDS: Bands = { ready: 15, fix: 10 };

/** The complete Northwind packet of DOMAIN.md: every component strong, 18 of 18. */
const NORTHWIND: ScoringInput = {
  accountName: 'Northwind Logistics',
  crmOpportunity: 'OPP-1234, expansion, stage 2',
  accountDomain: 'northwind.com',
  onPriorityList: true,
  partnerOrg: 'Meridian Cloud Consulting',
  partnerContactName: 'Dana Reyes',
  partnerContactRole: 'Alliances lead',
  whyPartner: "Meridian ran Northwind's data platform migration last quarter.",
  customerTrigger:
    "At Meridian's quarterly review the ops director asked about automating carrier invoice reconciliation.",
  jointValue: 'We run the reconciliation workflow, Meridian implements it on the platform they operate.',
  warmPath: 'Dana meets the Northwind ops team monthly and can introduce the AE at the next session.',
  sellerNextMove: 'Accept the introduction and bring the demo.',
  partnerNextMove: 'Dana confirms the meeting and shares review notes by Friday.',
  partnerNextMoveDate: '2026-11-27',
  partnerAgreedInWriting: true,
  riskNote: 'No reseller registered; direct deal; Meridian paid through implementation services.',
  evidenceUrl: 'https://docs.example.com/meridian/northwind-review-notes',
  responseWindowDays: 3,
};

const score = (overrides: Partial<ScoringInput> = {}, ctx: Partial<ScoringContext> = {}, bands = BANDS) =>
  scorePacket({ ...NORTHWIND, ...overrides }, { ...CTX, ...ctx }, bands);

const componentOf = (card: Scorecard, id: ComponentId): ComponentResult => {
  const found = card.components.find((c) => c.id === id);
  if (!found) throw new Error(`no component ${id}`);
  return found;
};

type Level = 'strong' | 'weak' | 'missing';
const POINTS: Record<Level, number> = { strong: 2, weak: 1, missing: 0 };

interface Case {
  name: string;
  input?: Partial<ScoringInput>;
  ctx?: Partial<ScoringContext>;
  level: Level;
  /** Words the reason must contain (case-insensitive), after the `level: ` prefix. */
  words: string[];
  /** Other components this change is allowed to move too (a contact who is no person names nobody on the path). */
  alsoMoves?: ComponentId[];
}

/**
 * Scores the Northwind packet with one change and checks that only `id` moved: it has the expected level, the
 * reason starts with that level and names the rule, every other component stays strong, and the total follows.
 */
function expectComponent(id: ComponentId, c: Case) {
  const card = score(c.input, c.ctx);
  const result = componentOf(card, id);
  expect(result.score).toBe(POINTS[c.level]);
  expect(result.reason.startsWith(`${c.level}: `)).toBe(true);
  for (const word of c.words) expect(result.reason.toLowerCase()).toContain(word.toLowerCase());
  const excused = new Set<ComponentId>([id, ...(c.alsoMoves ?? [])]);
  const others = card.components.filter((other) => !excused.has(other.id));
  expect(others.map((other) => [other.id, other.score])).toEqual(others.map((other) => [other.id, 2]));
  expect(card.total).toBe(card.components.reduce((sum, other) => sum + other.score, 0));
  if (!c.alsoMoves) expect(card.total).toBe(16 + POINTS[c.level]);
}

describe('the Northwind packet', () => {
  it('scores every component strong, 18 of 18, ready, with every readiness item met', () => {
    const card = score();
    expect(card.components.map((c) => c.id)).toEqual([...COMPONENTS]);
    expect(card.components.map((c) => c.score)).toEqual(Array(9).fill(2));
    for (const c of card.components) expect(c.reason).toMatch(/^strong: \S/);
    expect(card.total).toBe(18);
    expect(card.band).toBe('ready');
    expect(readiness(NORTHWIND, null).map((item) => item.met)).toEqual([true, true, true, true, true]);
  });
});

describe('target account logic', () => {
  it.each<Case>([
    { name: 'priority list, opportunity and domain', level: 'strong', words: ['priority list'] },
    {
      name: 'priority list and opportunity only',
      input: { accountDomain: null },
      level: 'strong',
      words: [],
    },
    { name: 'priority list and domain only', input: { crmOpportunity: null }, level: 'strong', words: [] },
    {
      name: 'not on the priority list',
      input: { onPriorityList: false },
      level: 'weak',
      words: ['not confirmed', 'priority list'],
    },
    {
      name: 'neither opportunity nor domain',
      input: { crmOpportunity: null, accountDomain: null },
      level: 'weak',
      words: ['no CRM opportunity or company domain'],
    },
    { name: '"TBD"', input: { accountName: 'TBD' }, level: 'missing', words: ['no real account'] },
    { name: '"  tbd  " (trimmed)', input: { accountName: '  tbd  ' }, level: 'missing', words: ['account'] },
    { name: '"TBA"', input: { accountName: 'TBA' }, level: 'missing', words: ['account'] },
    { name: '"N/A"', input: { accountName: 'N/A' }, level: 'missing', words: ['account'] },
    { name: '"none"', input: { accountName: 'none' }, level: 'missing', words: ['account'] },
    { name: '"Unknown"', input: { accountName: 'Unknown' }, level: 'missing', words: ['account'] },
    { name: '"test"', input: { accountName: 'test' }, level: 'missing', words: ['account'] },
    { name: '"TODO"', input: { accountName: 'TODO' }, level: 'missing', words: ['account'] },
    { name: '"???"', input: { accountName: '???' }, level: 'missing', words: ['account'] },
    { name: '"---"', input: { accountName: '---' }, level: 'missing', words: ['account'] },
    { name: '"xxx"', input: { accountName: 'xxx' }, level: 'missing', words: ['account'] },
    {
      name: 'a placeholder wins over the priority list',
      input: { accountName: 'TBD', onPriorityList: false },
      level: 'missing',
      words: ['account'],
    },
    // Near-misses: real names that contain a placeholder word.
    {
      name: '"TBD Logistics" is a name',
      input: { accountName: 'TBD Logistics' },
      level: 'strong',
      words: [],
    },
    { name: '"Testing Co" is a name', input: { accountName: 'Testing Co' }, level: 'strong', words: [] },
    { name: '"Nonesuch" is a name', input: { accountName: 'Nonesuch' }, level: 'strong', words: [] },
    { name: '"Xerox" is a name', input: { accountName: 'Xerox' }, level: 'strong', words: [] },
  ])('$name → $level', (c) => expectComponent('target_account', c));
});

describe('partner context', () => {
  it.each<Case>([
    { name: 'named person, role and why', level: 'strong', words: ['named person', 'role'] },
    {
      name: 'contact is the partner org',
      input: { partnerContactName: 'Meridian Cloud Consulting' },
      level: 'missing',
      words: ['no person is named'],
      alsoMoves: ['relationship_path'],
    },
    {
      name: 'contact is the partner org in other case and spacing',
      input: { partnerContactName: '  meridian cloud CONSULTING ' },
      level: 'missing',
      words: ['no person'],
      alsoMoves: ['relationship_path'],
    },
    {
      name: '"Alliances team"',
      input: { partnerContactName: 'Alliances team' },
      level: 'missing',
      words: ['no person'],
      alsoMoves: ['relationship_path'],
    },
    {
      name: '"Partner Team"',
      input: { partnerContactName: 'Partner Team' },
      level: 'missing',
      words: ['no person'],
      alsoMoves: ['relationship_path'],
    },
    {
      name: '"Meridian Partners"',
      input: { partnerContactName: 'Meridian Partners' },
      level: 'missing',
      words: ['no person'],
      alsoMoves: ['relationship_path'],
    },
    {
      name: '"sales@meridian.example"',
      input: { partnerContactName: 'sales@meridian.example' },
      level: 'missing',
      words: ['no person'],
      alsoMoves: ['relationship_path'],
    },
    {
      name: '"TBD"',
      input: { partnerContactName: 'TBD' },
      level: 'missing',
      words: ['no person'],
      alsoMoves: ['relationship_path'],
    },
    {
      name: 'no person wins over no role',
      input: { partnerContactName: 'Alliances team', partnerContactRole: null },
      level: 'missing',
      words: ['no person'],
      alsoMoves: ['relationship_path'],
    },
    {
      name: 'no role',
      input: { partnerContactRole: null },
      level: 'weak',
      words: ['partner contact has no role'],
    },
    { name: 'empty role', input: { partnerContactRole: '' }, level: 'weak', words: ['no role'] },
    {
      name: 'why the partner matters in 7 words',
      input: { whyPartner: 'Meridian ran the data platform migration before.' },
      level: 'weak',
      words: ['under 8 words'],
    },
    {
      name: 'why the partner matters in exactly 8 words',
      input: { whyPartner: 'Meridian ran the data platform migration last quarter.' },
      level: 'strong',
      words: [],
    },
    // Near-misses: team words inside a person's name do not count (whole words only).
    {
      name: '"Dana Teamsters" is a person',
      input: { partnerContactName: 'Dana Teamsters' },
      level: 'strong',
      words: [],
    },
    {
      name: '"Dana Salesky" is a person',
      input: { partnerContactName: 'Dana Salesky' },
      level: 'strong',
      words: [],
    },
    {
      name: '"Dana Allison" is a person',
      input: { partnerContactName: 'Dana Allison' },
      level: 'strong',
      words: [],
    },
    {
      name: '"Dana Opsahl" is a person',
      input: { partnerContactName: 'Dana Opsahl' },
      level: 'strong',
      words: [],
    },
  ])('$name → $level', (c) => expectComponent('partner_context', c));
});

describe('relationship path', () => {
  it.each<Case>([
    { name: 'names Dana and a meeting', level: 'strong', words: ['names the partner contact'] },
    {
      name: 'names the surname',
      input: { warmPath: 'Reyes will introduce the AE to the ops director at the next review.' },
      level: 'strong',
      words: [],
    },
    {
      name: 'names the contact in capitals',
      input: { warmPath: 'DANA WILL INTRODUCE THE AE TO THE CFO AT THE NEXT REVIEW.' },
      level: 'strong',
      words: [],
    },
    {
      name: "a possessive (Dana's) names the contact",
      input: { warmPath: "Dana's weekly call with the ops director is the way in." },
      level: 'strong',
      words: [],
    },
    {
      name: '"knows" is how the introduction happens',
      input: { warmPath: 'Dana knows the ops director from the migration.' },
      level: 'strong',
      words: [],
    },
    {
      name: 'names the contact, no introduction',
      input: { warmPath: 'Dana has worked with the ops director for years.' },
      level: 'weak',
      words: ['names the contact', 'not how the introduction happens'],
    },
    {
      name: 'an introduction naming nobody',
      input: { warmPath: 'The partner will introduce the AE at the next meeting.' },
      level: 'weak',
      words: ['names nobody'],
    },
    {
      name: '"Danae" is not Dana',
      input: { warmPath: 'Danae will introduce the AE at the next review.' },
      level: 'weak',
      words: ['names nobody'],
    },
    {
      name: 'names nobody, no introduction',
      input: { warmPath: 'Strong relationship with the account.' },
      level: 'missing',
      words: ['the warm path names nobody'],
    },
    // Near-misses: introduction words only as whole words ("known", "recalls" are not "know", "call").
    {
      name: '"well known" is not an introduction',
      input: { warmPath: 'Meridian is well known at Northwind.' },
      level: 'missing',
      words: ['names nobody'],
    },
    {
      name: '"recalls" is not a call',
      input: { warmPath: 'The ops director recalls the migration fondly.' },
      level: 'missing',
      words: ['names nobody'],
    },
  ])('$name → $level', (c) => expectComponent('relationship_path', c));
});

describe('buyer problem', () => {
  it.each<Case>([
    { name: 'the buyer asked, joint value spelled out', level: 'strong', words: ["buyer's words"] },
    ...[
      'The ops director said invoices take a week to reconcile.',
      'The CFO told Dana the carrier invoices are a mess.',
      'The ops team needs carrier invoices reconciled automatically.',
      'The ops team wants carrier invoices reconciled automatically.',
      'The ops director requested a way to reconcile carrier invoices.',
      'The ops director complained about carrier invoice errors.',
      'The ops director mentioned carrier invoice reconciliation at the review.',
      'The ops director wrote to Dana about carrier invoice errors.',
      'The AP team is struggling with carrier invoice reconciliation.',
      'The ops director is frustrated by manual carrier invoice checks.',
      'Manual carrier invoice checks are a real pain for finance.',
      'The ops team is looking for invoice reconciliation automation.',
      'The ops team is evaluating invoice reconciliation tools now.',
      'Finance has budget for invoice reconciliation next quarter.',
      '"We reconcile carrier invoices by hand," the ops director.',
    ].map(
      (customerTrigger): Case => ({
        name: `buyer words: ${customerTrigger}`,
        input: { customerTrigger },
        level: 'strong',
        words: [],
      }),
    ),
    {
      name: 'trigger in 4 words',
      input: { customerTrigger: 'Ops asked about invoices' },
      level: 'missing',
      words: ['customer trigger is under 5 words'],
      // No trigger, no "why now" for the account either.
      alsoMoves: ['target_account'],
    },
    {
      name: 'trigger in exactly 5 words',
      input: { customerTrigger: 'Ops director asked about invoices' },
      level: 'strong',
      words: [],
    },
    {
      name: 'a generic trigger',
      input: {
        customerTrigger: 'Digital transformation initiative across the logistics business this year.',
      },
      level: 'weak',
      words: ['generic trigger', 'no words from the buyer'],
    },
    {
      name: 'only partnership jargon (co-sell, synergy, ecosystem) is filler',
      input: { customerTrigger: 'Great co-sell synergy opportunity in the partner ecosystem.' },
      level: 'missing',
      words: ['filler', 'partnership language'],
      alsoMoves: ['target_account'],
    },
    {
      name: 'partnership jargon (leverage, joint go-to-market)',
      input: { customerTrigger: 'Leverage our joint go-to-market motion with Meridian at Northwind.' },
      level: 'weak',
      words: ['partnership language'],
    },
    {
      name: 'partnership jargon (strategic alignment)',
      input: { customerTrigger: 'Strong strategic alignment between Meridian and our roadmap.' },
      level: 'weak',
      words: ['partnership language'],
    },
    {
      name: 'buyer words win over jargon',
      input: { customerTrigger: 'The ops director asked how the partner ecosystem could help.' },
      level: 'strong',
      words: [],
    },
    {
      name: '"painting" is not pain (whole words only)',
      input: { customerTrigger: 'Painting the warehouse schedule across all regions.' },
      level: 'weak',
      words: ['generic trigger'],
    },
    {
      name: 'joint value in 9 words',
      input: { jointValue: 'We run the workflow; Meridian implements it for them.' },
      level: 'weak',
      words: ['joint value proposition is under 10 words'],
    },
    {
      name: 'joint value in exactly 10 words',
      input: { jointValue: 'We run the workflow; Meridian implements it on their platform.' },
      level: 'strong',
      words: [],
    },
  ])('$name → $level', (c) => expectComponent('buyer_problem', c));
});

describe('partner offer', () => {
  it.each<Case>([
    {
      name: 'dated this week, agreed in writing',
      level: 'strong',
      words: ['within two weeks', 'in writing'],
    },
    {
      name: 'dated today',
      input: { partnerNextMoveDate: '2026-11-23' },
      level: 'strong',
      words: [],
    },
    {
      name: 'dated today + 14 (edge)',
      input: { partnerNextMoveDate: '2026-12-07' },
      level: 'strong',
      words: [],
    },
    {
      name: 'dated today + 15',
      input: { partnerNextMoveDate: '2026-12-08' },
      level: 'weak',
      words: ['more than two weeks out'],
    },
    {
      name: 'today + 14 across a year end',
      input: { partnerNextMoveDate: '2027-01-08' },
      ctx: { today: '2026-12-25' },
      level: 'strong',
      words: [],
    },
    {
      name: 'today + 15 across a year end',
      input: { partnerNextMoveDate: '2027-01-09' },
      ctx: { today: '2026-12-25' },
      level: 'weak',
      words: ['two weeks'],
    },
    {
      name: 'no date',
      input: { partnerNextMoveDate: null },
      level: 'weak',
      words: ['has no date'],
      // The owner's next move is undated too.
      alsoMoves: ['owner'],
    },
    {
      name: 'not agreed in writing',
      input: { partnerAgreedInWriting: false },
      level: 'weak',
      words: ['not agreed in writing'],
    },
    {
      name: 'no date and not in writing: the date is named first',
      input: { partnerNextMoveDate: null, partnerAgreedInWriting: false },
      level: 'weak',
      words: ['no date'],
      alsoMoves: ['owner'],
    },
    {
      name: 'a vague partner mention ("TBD")',
      input: { partnerNextMove: 'TBD' },
      level: 'missing',
      words: ['no partner next move'],
      // Nothing for the owner to own either.
      alsoMoves: ['owner'],
    },
    {
      name: 'empty',
      input: { partnerNextMove: '' },
      level: 'missing',
      words: ['no partner next move'],
      alsoMoves: ['owner'],
    },
    {
      name: 'two words',
      input: { partnerNextMove: 'Dana confirms' },
      level: 'missing',
      words: ['no partner next move'],
      alsoMoves: ['owner'],
    },
    {
      name: 'three words',
      input: { partnerNextMove: 'Dana confirms meeting' },
      level: 'strong',
      words: [],
    },
  ])('$name → $level', (c) => expectComponent('partner_offer', c));
});

describe('next action', () => {
  it.each<Case>([
    { name: 'one concrete action', level: 'strong', words: ['one concrete action'] },
    // No seller next move: nothing says what accepting means either.
    ...(
      [
        ['"TBD"', 'TBD'],
        ['empty', '   '],
        ['two words', 'Call Dana'],
      ] as const
    ).map(
      ([name, sellerNextMove]): Case => ({
        name,
        input: { sellerNextMove },
        level: 'missing',
        words: ['no action for the AE'],
        alsoMoves: ['acceptance_criteria'],
      }),
    ),
    {
      name: 'a semicolon and "then"',
      input: { sellerNextMove: 'Call Dana; then send the deck' },
      level: 'weak',
      words: ['several actions'],
    },
    {
      name: '"then" alone',
      input: { sellerNextMove: 'Call Dana then send the deck' },
      level: 'weak',
      words: ['several actions'],
    },
    {
      name: '"and also"',
      input: { sellerNextMove: 'Call Dana and also send the deck' },
      level: 'weak',
      words: ['several actions'],
    },
    {
      name: 'a numbered list on one line',
      input: { sellerNextMove: '1. Call Dana 2. Send the deck' },
      level: 'weak',
      words: ['several actions'],
    },
    {
      name: 'a numbered list with parentheses',
      input: { sellerNextMove: '1) Call Dana about the demo' },
      level: 'weak',
      words: ['several actions'],
    },
    {
      name: 'two lines',
      input: { sellerNextMove: 'Call Dana about the demo\nSend the deck' },
      level: 'weak',
      words: ['several actions'],
    },
    {
      name: 'bullets',
      input: { sellerNextMove: '• Call Dana • Send the deck' },
      level: 'weak',
      words: ['several actions'],
    },
    {
      name: 'two sentences',
      input: { sellerNextMove: 'Call Dana about the demo. Send the deck.' },
      level: 'weak',
      words: ['several actions', 'this week'],
    },
    {
      name: 'a question and a sentence',
      input: { sellerNextMove: 'Is the demo ready? Book it with Dana.' },
      level: 'weak',
      words: ['several actions'],
    },
    {
      name: 'several actions win over vague',
      input: { sellerNextMove: 'Follow up with Dana; send the deck' },
      level: 'weak',
      words: ['several actions'],
      alsoMoves: ['acceptance_criteria'],
    },
    {
      name: '"Follow up with Dana next week"',
      input: { sellerNextMove: 'Follow up with Dana next week' },
      level: 'weak',
      words: ['vague'],
      alsoMoves: ['acceptance_criteria'],
    },
    {
      name: '"Follow-up with Dana on Thursday"',
      input: { sellerNextMove: 'Follow-up with Dana on Thursday' },
      level: 'weak',
      words: ['vague'],
      alsoMoves: ['acceptance_criteria'],
    },
    {
      name: '"Reach out to Dana about the demo"',
      input: { sellerNextMove: 'Reach out to Dana about the demo' },
      level: 'weak',
      words: ['vague', 'concrete action'],
      alsoMoves: ['acceptance_criteria'],
    },
    {
      name: '"Touch base with the ops director"',
      input: { sellerNextMove: 'Touch base with the ops director' },
      level: 'weak',
      words: ['vague'],
      alsoMoves: ['acceptance_criteria'],
    },
    {
      name: '"Circle back after the review"',
      input: { sellerNextMove: 'Circle back after the review' },
      level: 'weak',
      words: ['vague'],
      alsoMoves: ['acceptance_criteria'],
    },
    {
      name: '"Explore options with Dana"',
      input: { sellerNextMove: 'Explore options with Dana' },
      level: 'weak',
      words: ['vague'],
      alsoMoves: ['acceptance_criteria'],
    },
    // Near-misses that must not trigger.
    {
      name: 'a vague word not at the start',
      input: { sellerNextMove: 'Book a call to explore options with Dana' },
      level: 'strong',
      words: [],
    },
    {
      name: '"then" inside a word',
      input: { sellerNextMove: 'Send the authentication deck to Dana' },
      level: 'strong',
      words: [],
    },
    {
      name: 'a number that is not a list',
      input: { sellerNextMove: 'Book the 30 minute demo with Dana' },
      level: 'strong',
      words: [],
    },
    {
      name: '"Synchronize" is not "sync"',
      input: { sellerNextMove: 'Synchronize calendars with Dana for Thursday' },
      level: 'strong',
      words: [],
    },
    {
      name: 'a dot inside a link is not a sentence end',
      input: { sellerNextMove: 'Book the demo at cal.example.com/ae with Dana' },
      level: 'strong',
      words: [],
    },
  ])('$name → $level', (c) => expectComponent('next_action', c));
});

describe('owner', () => {
  it.each<Case>([
    { name: '"Pat Marketer"', level: 'strong', words: ['one named person'] },
    { name: '"Partner Team"', ctx: { ownerName: 'Partner Team' }, level: 'weak', words: ['team or shared'] },
    { name: '"alliances-ops"', ctx: { ownerName: 'alliances-ops' }, level: 'weak', words: ['team'] },
    { name: '"Sales"', ctx: { ownerName: 'Sales' }, level: 'weak', words: ['team'] },
    { name: '"partner-marketing"', ctx: { ownerName: 'partner-marketing' }, level: 'weak', words: ['team'] },
    { name: '"marketing all"', ctx: { ownerName: 'marketing all' }, level: 'weak', words: ['team'] },
    { name: '"Shared inbox"', ctx: { ownerName: 'Shared inbox' }, level: 'weak', words: ['team'] },
    { name: '"Partners"', ctx: { ownerName: 'Partners' }, level: 'weak', words: ['team'] },
    { name: '"info"', ctx: { ownerName: 'info' }, level: 'weak', words: ['team'] },
    { name: '"Admin"', ctx: { ownerName: 'Admin' }, level: 'weak', words: ['team'] },
    // Near-misses: a team word inside a person's name is not a team.
    { name: '"Teamsters"', ctx: { ownerName: 'Teamsters' }, level: 'strong', words: [] },
    { name: '"Sally Allison"', ctx: { ownerName: 'Sally Allison' }, level: 'strong', words: [] },
    { name: '"Dana Salesky"', ctx: { ownerName: 'Dana Salesky' }, level: 'strong', words: [] },
    { name: '"Opsahl Berg"', ctx: { ownerName: 'Opsahl Berg' }, level: 'strong', words: [] },
  ])('$name → $level', (c) => expectComponent('owner', c));
});

describe('acceptance criteria', () => {
  it.each<Case>([
    { name: '3 days of 5', level: 'strong', words: ['within 3 business days'] },
    { name: '1 day', input: { responseWindowDays: 1 }, level: 'strong', words: ['within 1 business day'] },
    {
      name: '5 days, the maximum',
      input: { responseWindowDays: 5 },
      level: 'strong',
      words: ['within 5 business days'],
    },
    {
      name: '6 days, over the maximum',
      input: { responseWindowDays: 6 },
      level: 'weak',
      words: ['window of 6 business days', 'over the 5-day maximum'],
    },
    {
      name: '10 days with a maximum of 10',
      input: { responseWindowDays: 10 },
      ctx: { maxWindowDays: 10 },
      level: 'strong',
      words: ['within 10'],
    },
    {
      name: '3 days with a maximum of 2',
      ctx: { maxWindowDays: 2 },
      level: 'weak',
      words: ['over the 2-day maximum'],
    },
  ])('$name → $level', (c) => expectComponent('acceptance_criteria', c));
});

describe('proof', () => {
  it.each<Case>([
    { name: 'a page of notes', level: 'strong', words: ['evidence link'] },
    {
      name: 'https://example.com/notes',
      input: { evidenceUrl: 'https://example.com/notes' },
      level: 'strong',
      words: [],
    },
    {
      name: 'a homepage with a query',
      input: { evidenceUrl: 'https://example.com/?doc=42' },
      level: 'strong',
      words: [],
    },
    {
      name: 'a homepage with an anchor',
      input: { evidenceUrl: 'https://example.com/#review' },
      level: 'strong',
      words: [],
    },
    { name: 'no link', input: { evidenceUrl: null }, level: 'missing', words: ['no evidence link'] },
    { name: 'an empty link', input: { evidenceUrl: '' }, level: 'missing', words: ['no evidence link'] },
    {
      name: 'https://example.com/',
      input: { evidenceUrl: 'https://example.com/' },
      level: 'weak',
      words: ['homepage'],
    },
    {
      name: 'https://example.com',
      input: { evidenceUrl: 'https://example.com' },
      level: 'weak',
      words: ['homepage'],
    },
    {
      name: 'http://www.example.com/',
      input: { evidenceUrl: 'http://www.example.com/' },
      level: 'weak',
      words: ['homepage', 'not the evidence'],
    },
  ])('$name → $level', (c) => expectComponent('proof', c));
});

describe('total and band', () => {
  it.each<{ name: string; input: Partial<ScoringInput>; ctx: Partial<ScoringContext>; total: number }>([
    { name: 'complete', input: {}, ctx: {}, total: 18 },
    {
      name: 'three weak',
      input: { onPriorityList: false, responseWindowDays: 6 },
      ctx: { ownerName: 'Partner Team' },
      total: 15,
    },
    {
      name: 'four weak',
      input: { onPriorityList: false, responseWindowDays: 6, evidenceUrl: 'https://example.com/' },
      ctx: { ownerName: 'Partner Team' },
      total: 14,
    },
    {
      name: 'three missing, two weak',
      input: {
        onPriorityList: false,
        warmPath: 'Strong relationship with the account.',
        customerTrigger: 'Wants automation',
        evidenceUrl: null,
      },
      ctx: { ownerName: 'Partner Team' },
      total: 10,
    },
    {
      name: 'three missing, three weak',
      input: {
        onPriorityList: false,
        warmPath: 'Strong relationship with the account.',
        customerTrigger: 'Wants automation',
        evidenceUrl: null,
        responseWindowDays: 6,
      },
      ctx: { ownerName: 'Partner Team' },
      total: 9,
    },
    {
      // Before issue 20 the owner and the window earned 2 here without any content: nothing earns points now.
      name: 'as little as the rules allow: nothing',
      input: {
        accountName: 'TBD',
        partnerContactName: 'Meridian Cloud Consulting',
        warmPath: 'Strong relationship with the account.',
        customerTrigger: 'Wants automation',
        partnerNextMove: 'TBD',
        sellerNextMove: 'TBD',
        evidenceUrl: null,
        responseWindowDays: 6,
      },
      ctx: { ownerName: 'Partner Team' },
      total: 0,
    },
  ])('$name: total $total is the sum of the components', ({ input, ctx, total }) => {
    const card = score(input, ctx);
    expect(card.total).toBe(total);
    expect(card.components.reduce((sum, c) => sum + c.score, 0)).toBe(total);
    expect(card.band).toBe(bandFor(total, BANDS));
  });

  it.each<[number, string]>([
    [18, 'ready'],
    [15, 'ready'],
    [14, 'fix'],
    [10, 'fix'],
    [9, 'keep_building'],
    [0, 'keep_building'],
  ])('bands { ready: 15, fix: 10 }: %i → %s', (total, band) => {
    expect(bandFor(total, BANDS)).toBe(band);
  });

  it.each<[number, string]>([
    [12, 'ready'],
    [11, 'fix'],
    [6, 'fix'],
    [5, 'keep_building'],
  ])('thresholds are configuration, { ready: 12, fix: 6 }: %i → %s', (total, band) => {
    expect(bandFor(total, { ready: 12, fix: 6 })).toBe(band);
  });

  it.each<[Bands, string]>([
    [{ ready: 15, fix: 10 }, 'ready'],
    [{ ready: 19, fix: 18 }, 'fix'],
    [{ ready: 20, fix: 19 }, 'keep_building'],
  ])('scorePacket bands the complete packet with %o → %s', (bands, band) => {
    expect(score({}, {}, bands).band).toBe(band);
  });
});

describe('readiness', () => {
  it.each<{ name: string; input: Partial<ScoringInput>; met: boolean[] }>([
    { name: 'complete packet', input: {}, met: [true, true, true, true, true] },
    {
      name: 'a vague seller next move',
      input: { sellerNextMove: 'Follow up with Dana next week' },
      met: [false, true, true, true, true],
    },
    {
      name: 'several seller actions',
      input: { sellerNextMove: 'Call Dana; then send the deck' },
      met: [false, true, true, true, true],
    },
    { name: 'no seller next move', input: { sellerNextMove: 'TBD' }, met: [false, true, true, true, true] },
    {
      name: 'not on the priority list',
      input: { onPriorityList: false },
      met: [true, false, true, true, true],
    },
    {
      name: 'partner move not in writing',
      input: { partnerAgreedInWriting: false },
      met: [true, true, false, true, true],
    },
    {
      name: 'partner move undated but in writing',
      input: { partnerNextMoveDate: null },
      met: [true, true, true, true, true],
    },
    {
      name: 'evidence is a homepage',
      input: { evidenceUrl: 'https://example.com/' },
      met: [true, true, true, false, true],
    },
    { name: 'no evidence', input: { evidenceUrl: null }, met: [true, true, true, false, true] },
    { name: 'no conflict note', input: { riskNote: null }, met: [true, true, true, true, false] },
    { name: 'a blank conflict note', input: { riskNote: '   ' }, met: [true, true, true, true, false] },
    {
      name: 'nothing holds',
      input: {
        sellerNextMove: 'TBD',
        onPriorityList: false,
        partnerAgreedInWriting: false,
        evidenceUrl: null,
        riskNote: null,
      },
      met: [false, false, false, false, false],
    },
  ])('$name → $met', ({ input, met }) => {
    const packet = { ...NORTHWIND, ...input };
    const items = readiness(packet, null);
    expect(items.map((item) => item.met)).toEqual(met);
    expect(items.map((item) => item.label)).toEqual([
      expect.stringMatching(/seller next move/i),
      expect.stringMatching(/priority list/i),
      expect.stringMatching(/in writing/i),
      expect.stringMatching(/evidence/i),
      expect.stringMatching(/conflict/i),
    ]);
  });
});

/**
 * Issue 20: pure filler scored 7 of 18, because the owner and the response window (which every packet has) earned
 * 4 points and any https link counted as evidence. Each rule below needs content in the packet.
 */
describe('nothing scores without content (issue 20)', () => {
  describe('owner: one named person and a dated next move they own', () => {
    it.each<Case>([
      {
        name: 'a real, dated partner move',
        level: 'strong',
        words: ['one named person owns the next move', 'due Fri 27 Nov'],
      },
      {
        name: 'the partner move is filler',
        input: { partnerNextMove: 'asdf asdf asdf asdf' },
        level: 'missing',
        words: ['no real next move for the owner'],
        alsoMoves: ['partner_offer'],
      },
      {
        name: 'a team owner with nothing to own: missing wins',
        input: { partnerNextMove: 'TBD' },
        ctx: { ownerName: 'Partner Team' },
        level: 'missing',
        words: ['no real next move'],
        alsoMoves: ['partner_offer'],
      },
      {
        name: 'an undated move',
        input: { partnerNextMoveDate: null },
        level: 'weak',
        words: ['has no date'],
        alsoMoves: ['partner_offer'],
      },
      {
        name: 'a move whose date has passed',
        input: { partnerNextMoveDate: '2026-11-20' },
        level: 'weak',
        words: ['has passed'],
        alsoMoves: ['partner_offer'],
      },
      {
        name: 'a team owner wins over an undated move',
        input: { partnerNextMoveDate: null },
        ctx: { ownerName: 'Partner Team' },
        level: 'weak',
        words: ['team or shared'],
        alsoMoves: ['partner_offer'],
      },
    ])('$name → $level', (c) => expectComponent('owner', c));
  });

  describe('acceptance criteria: what accepting means, and the window', () => {
    it.each<Case>([
      {
        name: 'a concrete seller move and a window within the maximum',
        level: 'strong',
        words: ['accepting means taking the seller next move', 'within 3 business days'],
      },
      {
        name: 'the window alone (the seller move is filler)',
        input: { sellerNextMove: 'Lorem ipsum dolor sit amet.' },
        level: 'missing',
        words: ['a window alone is not a criterion'],
        alsoMoves: ['next_action'],
      },
      {
        name: 'the window alone (the seller move is TBD)',
        input: { sellerNextMove: 'TBD' },
        level: 'missing',
        words: ['nothing says what accepting means'],
        alsoMoves: ['next_action'],
      },
      {
        name: 'a vague seller move',
        input: { sellerNextMove: 'Reach out to Dana about the demo' },
        level: 'weak',
        words: ['vague'],
        alsoMoves: ['next_action'],
      },
      {
        name: 'several concrete actions still say what accepting means',
        input: { sellerNextMove: 'Call Dana; then send the deck' },
        level: 'strong',
        words: ['within 3 business days'],
        alsoMoves: ['next_action'],
      },
      {
        name: 'a long window wins over a vague move',
        input: { sellerNextMove: 'Follow up with Dana next week', responseWindowDays: 8 },
        level: 'weak',
        words: ['over the 5-day maximum'],
        alsoMoves: ['next_action'],
      },
    ])('$name → $level', (c) => expectComponent('acceptance_criteria', c));
  });

  describe('proof: a specific link that says what it is', () => {
    it.each<Case>([
      ...[
        'https://docs.google.com/document/d/1AbCdEfGh/edit',
        'https://acme.slack.com/archives/C0123ABC/p1763452800000100',
        'https://acme.my.salesforce.com/lightning/r/Opportunity/006Ab00000XyZ/view',
        'https://crm.example.com/opportunity/20417',
        'https://example.com/deals/OPP-1234',
        'https://files.example.com/meridian/case-study.pdf',
      ].map(
        (evidenceUrl): Case => ({ name: evidenceUrl, input: { evidenceUrl }, level: 'strong', words: [] }),
      ),
      {
        name: 'placeholder path: https://example.com/asdf',
        input: { evidenceUrl: 'https://example.com/asdf' },
        level: 'missing',
        words: ['placeholder'],
      },
      {
        name: 'placeholder host: https://test.com/notes',
        input: { evidenceUrl: 'https://test.com/notes' },
        level: 'missing',
        words: ['placeholder'],
      },
      {
        name: 'a short link',
        input: { evidenceUrl: 'https://bit.ly/3xYzAbc' },
        level: 'weak',
        words: ['short link'],
      },
      {
        name: 'a search',
        input: { evidenceUrl: 'https://www.google.com/search?q=northwind+meridian' },
        level: 'weak',
        words: ['search or social'],
      },
      {
        name: 'a company profile',
        input: { evidenceUrl: 'https://www.linkedin.com/company/meridian-cloud' },
        level: 'weak',
        words: ['search or social'],
      },
      {
        name: "the partner's about page",
        input: { evidenceUrl: 'https://meridian.example/about' },
        level: 'weak',
        words: ['generic page'],
      },
      {
        name: "the partner's partners page",
        input: { evidenceUrl: 'https://meridian.example/en/partners/' },
        level: 'weak',
        words: ['generic page'],
      },
      {
        name: "a partner's blog post that names only the partner",
        input: { evidenceUrl: 'https://meridian.example/blog/why-meridian' },
        level: 'weak',
        words: ['does not say what it is'],
      },
      {
        name: 'an opaque path',
        input: { evidenceUrl: 'https://example.com/x7k2p9' },
        level: 'weak',
        words: ['does not say what it is'],
      },
    ])('$name → $level', (c) => expectComponent('proof', c));
  });

  describe('target account logic: why this account, why now', () => {
    it.each<Case>([
      {
        name: 'the trigger is filler: nothing says why now',
        input: { customerTrigger: 'test test test test test' },
        level: 'weak',
        words: ['why now'],
        alsoMoves: ['buyer_problem'],
      },
      {
        name: 'a CRM opportunity of "TBD" identifies nothing',
        input: { crmOpportunity: 'TBD', accountDomain: null },
        level: 'weak',
        words: ['no CRM opportunity or company domain'],
      },
      {
        name: 'only a name',
        input: { onPriorityList: false, crmOpportunity: null, accountDomain: null, customerTrigger: 'TBD' },
        level: 'missing',
        words: ['only a name'],
        alsoMoves: ['buyer_problem'],
      },
      { name: '"asdf"', input: { accountName: 'asdf' }, level: 'missing', words: ['no real account'] },
      {
        name: '"Lorem Ipsum Inc"',
        input: { accountName: 'Lorem Ipsum Inc' },
        level: 'missing',
        words: ['no real account'],
      },
      {
        name: '"Customer"',
        input: { accountName: 'Customer' },
        level: 'missing',
        words: ['no real account'],
      },
      {
        name: '"Test Account"',
        input: { accountName: 'Test Account' },
        level: 'missing',
        words: ['no real account'],
      },
      // Near-misses: names are not judged as prose.
      {
        name: '"Strategic Growth Solutions" may be a company',
        input: { accountName: 'Strategic Growth Solutions' },
        level: 'strong',
        words: [],
      },
      { name: '"Data Inc" is a name', input: { accountName: 'Data Inc' }, level: 'strong', words: [] },
      { name: '"ABC Supply" is a name', input: { accountName: 'ABC Supply' }, level: 'strong', words: [] },
    ])('$name → $level', (c) => expectComponent('target_account', c));
  });

  describe('partner context: who, in what role, and what they did here', () => {
    it.each<Case>([
      {
        name: 'a filler partner organization',
        input: { partnerOrg: 'asdf' },
        level: 'missing',
        words: ['no real partner organization'],
      },
      ...['Lorem Ipsum', 'test test', 'John Doe', 'asdf'].map(
        (partnerContactName): Case => ({
          name: `contact "${partnerContactName}"`,
          input: { partnerContactName },
          level: 'missing',
          words: ['no person is named'],
          alsoMoves: ['relationship_path'],
        }),
      ),
      { name: 'role "TBD"', input: { partnerContactRole: 'TBD' }, level: 'weak', words: ['no role'] },
      {
        name: 'why is buzzwords',
        input: { whyPartner: 'Best-in-class partner with great synergy across the whole ecosystem.' },
        level: 'weak',
        words: ['filler', 'partnership language'],
      },
      {
        name: 'why is 8+ words but names no prior work, footprint or relationship',
        input: { whyPartner: 'Meridian is a great partner that everybody here likes a lot.' },
        level: 'weak',
        words: ['no prior delivery'],
      },
      {
        name: 'why names a relationship',
        input: { whyPartner: 'Meridian has a trusted relationship with the Northwind finance team.' },
        level: 'strong',
        words: [],
      },
    ])('$name → $level', (c) => expectComponent('partner_context', c));
  });

  describe('relationship path: a person on each side and how they connect', () => {
    it.each<Case>([
      {
        name: 'partnership language',
        input: { warmPath: 'Strong partnership, lots of synergy, leverage the relationship.' },
        level: 'missing',
        words: ['filler'],
      },
      {
        name: 'the contact and an introduction, nobody at the account',
        input: { warmPath: 'Dana will introduce the AE at the next review.' },
        level: 'weak',
        words: ['nobody at the account'],
      },
      {
        name: 'the account by its domain name',
        input: { warmPath: 'Dana will introduce the AE to her contacts at northwind next week.' },
        level: 'strong',
        words: [],
      },
      {
        name: '"bring the AE" is how the introduction happens',
        input: { warmPath: 'Dana has a monthly review with the CFO and will bring the AE along.' },
        level: 'strong',
        words: [],
      },
    ])('$name → $level', (c) => expectComponent('relationship_path', c));
  });

  describe('buyer problem: the joint value says who does what', () => {
    it.each<Case>([
      {
        name: 'filler trigger',
        input: { customerTrigger: 'Lorem ipsum dolor sit amet, consectetur.' },
        level: 'missing',
        words: ['filler', 'lorem ipsum'],
        alsoMoves: ['target_account'],
      },
      {
        name: 'joint value is buzzwords',
        input: {
          jointValue: 'Best-in-class joint solution delivering synergy and value across the whole ecosystem.',
        },
        level: 'weak',
        words: ['joint value proposition is filler'],
      },
      {
        name: 'joint value without our part',
        input: {
          jointValue: 'Meridian implements the reconciliation workflow on the platform they operate.',
        },
        level: 'weak',
        words: ['what we do and what the partner does'],
      },
      {
        name: "joint value without the partner's part",
        input: { jointValue: 'We run the reconciliation workflow for the ops director every single week.' },
        level: 'weak',
        words: ['what we do and what the partner does'],
      },
    ])('$name → $level', (c) => expectComponent('buyer_problem', c));
  });

  describe('next moves: filler is no move', () => {
    it.each<Case>([
      {
        name: 'partner move in buzzwords',
        input: { partnerNextMove: 'Drive joint GTM and leverage the relationship.' },
        level: 'missing',
        words: ['filler'],
        alsoMoves: ['owner'],
      },
      {
        name: 'partner move repeated words',
        input: { partnerNextMove: 'meeting meeting meeting meeting' },
        level: 'missing',
        words: ['same words repeated'],
        alsoMoves: ['owner'],
      },
    ])('partner offer: $name → $level', (c) => expectComponent('partner_offer', c));

    it.each<Case>([
      {
        name: 'seller move in buzzwords',
        input: { sellerNextMove: 'Leverage the partnership to drive synergies.' },
        level: 'missing',
        words: ['no action for the AE', 'filler'],
        alsoMoves: ['acceptance_criteria'],
      },
      {
        name: 'seller move "test test test"',
        input: { sellerNextMove: 'test test test' },
        level: 'missing',
        words: ['filler'],
        alsoMoves: ['acceptance_criteria'],
      },
    ])('next action: $name → $level', (c) => expectComponent('next_action', c));
  });

  describe('fillerKind', () => {
    const deal = new Set(['northwind', 'meridian', 'dana', 'reyes']);
    it.each<[string, string]>([
      ['', 'empty'],
      ['   ', 'empty'],
      ['---', 'empty'],
      ['TBD', 'placeholder'],
      ['n/a', 'placeholder'],
      ['N/A.', 'placeholder'],
      ['asdf', 'placeholder words'],
      ['asdf asdf', 'placeholder words'],
      ['test test', 'placeholder words'],
      ['blah blah blah', 'placeholder words'],
      ['xxx yyy', 'placeholder words'],
      ['the customer', 'placeholder words'],
      ['Will update later', 'placeholder words'],
      ['Lorem ipsum dolor sit amet', 'lorem ipsum'],
      ['meeting meeting meeting', 'same words repeated'],
      ['Dana Dana Dana Dana', 'same words repeated'],
      ['synergy leverage best-in-class', 'partnership language'],
      ['Leverage synergies to drive joint GTM growth.', 'partnership language'],
      ['Best-in-class partner with strong synergy and a world-class ecosystem.', 'partnership language'],
    ])('%j is filler (%s)', (text, kind) => {
      expect(fillerKind(text, deal)).toContain(kind);
    });

    it.each<string>([
      "Meridian ran Northwind's data platform migration last quarter.",
      'Dana meets the Northwind ops team monthly and can introduce the AE at the next session.',
      'TBD Logistics',
      'Testing Co',
      'Accept the introduction and bring the demo.',
      'Follow up with the account.',
      // Partnership language around something specific is generic, not filler: the component rules weigh it.
      'Strong strategic alignment between Meridian and our roadmap.',
      'Digital transformation initiative across the logistics business this year.',
      'Leverage the Q3 budget for a best-in-class rollout.',
    ])('%j is not filler', (text) => {
      expect(fillerKind(text, deal)).toBeUndefined();
    });
  });

  describe('readiness', () => {
    it.each<{ name: string; input: Partial<ScoringInput>; met: boolean[] }>([
      {
        name: 'a risk note of "n/a" is no check',
        input: { riskNote: 'n/a' },
        met: [true, true, true, true, false],
      },
      {
        name: 'a risk note of "TBD" is no check',
        input: { riskNote: 'TBD' },
        met: [true, true, true, true, false],
      },
      {
        name: 'the in-writing box ticked for a filler move',
        input: { partnerNextMove: 'test test test' },
        met: [true, true, false, true, true],
      },
      {
        name: 'an evidence link that does not say what it is',
        input: { evidenceUrl: 'https://example.com/x7k2p9' },
        met: [true, true, true, false, true],
      },
    ])('$name → $met', ({ input, met }) => {
      const packet = { ...NORTHWIND, ...input };
      expect(readiness(packet, null).map((item) => item.met)).toEqual(met);
    });
  });
});

describe("readiness counts the app's own conflict check (issue 77 item 8)", () => {
  const conflictOf = (input: Partial<ScoringInput>, findings: Parameters<typeof readiness>[1]) =>
    readiness({ ...NORTHWIND, ...input }, findings)[4] ?? { label: '', met: false };

  it('holds without a note when the check found no other partner and no reseller', () => {
    expect(conflictOf({ riskNote: null }, [])).toEqual({
      label:
        'The channel-conflict check is done: the app found no other partner and no registered reseller on this account',
      met: true,
    });
    // A duplicate (the same partner's open handoff) is no channel conflict.
    expect(conflictOf({ riskNote: null }, [{ kind: 'duplicate' }]).met).toBe(true);
  });

  it('needs a real note when the check found a conflict or a reseller, or when no check is on record', () => {
    for (const kind of ['conflict', 'reseller'] as const) {
      expect(conflictOf({ riskNote: 'n/a' }, [{ kind }])).toEqual({
        label: 'The channel-conflict check is done and noted',
        met: false,
      });
      expect(conflictOf({}, [{ kind }]).met).toBe(true);
    }
    expect(conflictOf({ riskNote: null }, null).met).toBe(false);
  });
});

describe('a field about another account is not specific to this one (issue 77 item 15)', () => {
  const known = { knownAccounts: ['Coho Winery', 'Northwind Logistics', 'Blue Yonder'] };
  const COHO = {
    jointValue: 'We automate Coho Winery bottling plans, Meridian runs the platform they operate for them.',
    warmPath: 'Dana meets the Coho Winery ops team monthly and can introduce the AE at the next session.',
  };

  it("scores Coho's joint value and warm path as not about Northwind, naming each field", () => {
    const card = score(COHO, known);
    expect(componentOf(card, 'buyer_problem')).toEqual({
      id: 'buyer_problem',
      score: 1,
      reason: 'weak: the joint value names Coho Winery, not Northwind Logistics: make it about this account',
    });
    expect(componentOf(card, 'relationship_path')).toEqual({
      id: 'relationship_path',
      score: 1,
      reason: 'weak: the warm path names Coho Winery, not Northwind Logistics: make it about this account',
    });
    expect(card.total).toBe(16);
  });

  it('keeps a field that names this account too, or none, and a weaker reason with the field added', () => {
    expect(score({ warmPath: `${COHO.warmPath} Northwind asked for it.` }, known).total).toBe(18);
    expect(score({}, known).total).toBe(18);
    const short = componentOf(
      score({ ...COHO, whyPartner: 'Meridian ran Coho Winery migrations.' }, known),
      'partner_context',
    );
    expect(short.score).toBe(1);
    expect(short.reason).toBe(
      'weak: why this partner matters is under 8 words; and why this partner matters names Coho Winery, not Northwind Logistics',
    );
  });
});

describe('wordCount', () => {
  it.each<[string | null, number]>([
    [null, 0],
    ['', 0],
    ['   ', 0],
    ['one', 1],
    ['  two   words  ', 2],
    ['a\nb\tc', 3],
  ])('%j → %i', (text, count) => {
    expect(wordCount(text)).toBe(count);
  });
});
