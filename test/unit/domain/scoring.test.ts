import { describe, expect, it } from 'vitest';
import {
  type Bands,
  bandFor,
  COMPONENTS,
  type ComponentId,
  type ComponentResult,
  readiness,
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
    expect(readiness(NORTHWIND, card).map((item) => item.met)).toEqual([true, true, true, true, true]);
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
      input: { warmPath: 'Reyes will introduce the AE at the next review.' },
      level: 'strong',
      words: [],
    },
    {
      name: 'names the contact in capitals',
      input: { warmPath: 'DANA WILL INTRODUCE THE AE AT THE NEXT REVIEW.' },
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
      name: 'partnership jargon (co-sell, synergy, ecosystem)',
      input: { customerTrigger: 'Great co-sell synergy opportunity in the partner ecosystem.' },
      level: 'weak',
      words: ['partnership language'],
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
    },
    {
      name: 'a vague partner mention ("TBD")',
      input: { partnerNextMove: 'TBD' },
      level: 'missing',
      words: ['no partner next move'],
    },
    { name: 'empty', input: { partnerNextMove: '' }, level: 'missing', words: ['no partner next move'] },
    {
      name: 'two words',
      input: { partnerNextMove: 'Dana confirms' },
      level: 'missing',
      words: ['no partner next move'],
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
    { name: '"TBD"', input: { sellerNextMove: 'TBD' }, level: 'missing', words: ['no action for the AE'] },
    { name: 'empty', input: { sellerNextMove: '   ' }, level: 'missing', words: ['no action'] },
    { name: 'two words', input: { sellerNextMove: 'Call Dana' }, level: 'missing', words: ['no action'] },
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
    },
    {
      name: '"Follow up with Dana next week"',
      input: { sellerNextMove: 'Follow up with Dana next week' },
      level: 'weak',
      words: ['vague'],
    },
    {
      name: '"Follow-up with Dana on Thursday"',
      input: { sellerNextMove: 'Follow-up with Dana on Thursday' },
      level: 'weak',
      words: ['vague'],
    },
    {
      name: '"Reach out to Dana about the demo"',
      input: { sellerNextMove: 'Reach out to Dana about the demo' },
      level: 'weak',
      words: ['vague', 'concrete action'],
    },
    {
      name: '"Touch base with the ops director"',
      input: { sellerNextMove: 'Touch base with the ops director' },
      level: 'weak',
      words: ['vague'],
    },
    {
      name: '"Circle back after the review"',
      input: { sellerNextMove: 'Circle back after the review' },
      level: 'weak',
      words: ['vague'],
    },
    {
      name: '"Explore options with Dana"',
      input: { sellerNextMove: 'Explore options with Dana' },
      level: 'weak',
      words: ['vague'],
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
    { name: '1 day', input: { responseWindowDays: 1 }, level: 'strong', words: ['within 1 business days'] },
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
      name: 'as little as the rules allow',
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
      total: 2,
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
    const items = readiness(packet, scorePacket(packet, CTX, BANDS));
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
