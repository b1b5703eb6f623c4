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
import {
  CALIBRATION,
  CALIBRATION_CONTEXT,
  type CalibrationPacket,
} from '../../fixtures/packets/calibration.js';

/** Monday 23 November 2026 (today + 14 days is 2026-12-07), owner Pat Marketer, a 5-day maximum window. */
const CTX: ScoringContext = CALIBRATION_CONTEXT;
const BANDS: Bands = { ready: 15, fix: 10 };

/** The complete Northwind packet of DOMAIN.md (the first calibration packet): every component strong, 18 of 18. */
const NORTHWIND: ScoringInput = (CALIBRATION[0] as CalibrationPacket).packet;

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

/** A row of a component's table: its name, level, the reason's words, the packet's change and the context's. */
const c = (
  name: string,
  level: Level,
  words: string[],
  input: Partial<ScoringInput> = {},
  ctx?: Partial<ScoringContext>,
): Case => ({ name, level, words, input, ...(ctx && { ctx }) });
/** A row whose change moves other components too (a filler move is no move of either side, and so on). */
const cm = (
  name: string,
  level: Level,
  words: string[],
  alsoMoves: ComponentId[],
  input: Partial<ScoringInput>,
  ctx?: Partial<ScoringContext>,
): Case => ({ ...c(name, level, words, input, ctx), alsoMoves });

/** A row that changes one field of the packet: `seller(name, level, words, 'Call Dana', alsoMoves?)`. */
const set =
  <K extends keyof ScoringInput>(key: K) =>
  (name: string, level: Level, words: string[], value: ScoringInput[K], alsoMoves?: ComponentId[]): Case => ({
    ...c(name, level, words, { [key]: value }),
    ...(alsoMoves && { alsoMoves }),
  });
const [seller, url, account, warm] = [
  set('sellerNextMove'),
  set('evidenceUrl'),
  set('accountName'),
  set('warmPath'),
];
const [pmove, pdate] = [set('partnerNextMove'), set('partnerNextMoveDate')];

interface Readiness {
  name: string;
  input: Partial<ScoringInput>;
  met: boolean[];
}
const [T, F] = [true, false];
/** A row of a readiness table: which of the five items hold for the Northwind packet with one change. */
const r = (name: string, met: boolean[], input: Partial<ScoringInput> = {}): Readiness => ({
  name,
  input,
  met,
});

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
    c('priority list, opportunity and domain', 'strong', ['priority list']),
    c('priority list and opportunity only', 'strong', [], { accountDomain: null }),
    c('priority list and domain only', 'strong', [], { crmOpportunity: null }),
    c('not on the priority list', 'weak', ['not confirmed', 'priority list'], { onPriorityList: false }),
    c('neither opportunity nor domain', 'weak', ['no CRM opportunity or company domain'], {
      crmOpportunity: null,
      accountDomain: null,
    }),
    c('"TBD"', 'missing', ['no real account'], { accountName: 'TBD' }),
    c('"  tbd  " (trimmed)', 'missing', ['account'], { accountName: '  tbd  ' }),
    ...['TBA', 'N/A', 'none', 'Unknown', 'test', 'TODO', '???', '---', 'xxx'].map((accountName) =>
      c(`"${accountName}"`, 'missing', ['account'], { accountName }),
    ),
    c('a placeholder wins over the priority list', 'missing', ['account'], {
      accountName: 'TBD',
      onPriorityList: false,
    }),
    // Near-misses: real names that contain a placeholder word.
    ...['TBD Logistics', 'Testing Co', 'Nonesuch', 'Xerox'].map((accountName) =>
      c(`"${accountName}" is a name`, 'strong', [], { accountName }),
    ),
    // Nothing scores without content: target account logic: why this account, why now.
    cm('the trigger is filler: nothing says why now', 'weak', ['why now'], ['buyer_problem'], {
      customerTrigger: 'test test test test test',
    }),
    c('a CRM opportunity of "TBD" identifies nothing', 'weak', ['no CRM opportunity or company domain'], {
      crmOpportunity: 'TBD',
      accountDomain: null,
    }),
    cm('only a name', 'missing', ['only a name'], ['buyer_problem'], {
      onPriorityList: false,
      crmOpportunity: null,
      accountDomain: null,
      customerTrigger: 'TBD',
    }),
    ...['asdf', 'Lorem Ipsum Inc', 'Customer', 'Test Account'].map((accountName) =>
      c(`"${accountName}"`, 'missing', ['no real account'], { accountName }),
    ),
    // Near-misses: names are not judged as prose.
    account('"Strategic Growth Solutions" may be a company', 'strong', [], 'Strategic Growth Solutions'),
    c('"Data Inc" is a name', 'strong', [], { accountName: 'Data Inc' }),
    c('"ABC Supply" is a name', 'strong', [], { accountName: 'ABC Supply' }),
  ])('$name → $level', (c) => expectComponent('target_account', c));
});

describe('partner context', () => {
  it.each<Case>([
    c('named person, role and why', 'strong', ['named person', 'role']),
    cm('contact is the partner org', 'missing', ['no person is named'], ['relationship_path'], {
      partnerContactName: 'Meridian Cloud Consulting',
    }),
    cm(
      'contact is the partner org in other case and spacing',
      'missing',
      ['no person'],
      ['relationship_path'],
      { partnerContactName: '  meridian cloud CONSULTING ' },
    ),
    ...['Alliances team', 'Partner Team', 'Meridian Partners', 'sales@meridian.example', 'TBD'].map(
      (partnerContactName) =>
        cm(`"${partnerContactName}"`, 'missing', ['no person'], ['relationship_path'], {
          partnerContactName,
        }),
    ),
    cm('no person wins over no role', 'missing', ['no person'], ['relationship_path'], {
      partnerContactName: 'Alliances team',
      partnerContactRole: null,
    }),
    c('no role', 'weak', ['partner contact has no role'], { partnerContactRole: null }),
    c('empty role', 'weak', ['no role'], { partnerContactRole: '' }),
    c('why the partner matters in 7 words', 'weak', ['under 8 words'], {
      whyPartner: 'Meridian ran the data platform migration before.',
    }),
    c('why the partner matters in exactly 8 words', 'strong', [], {
      whyPartner: 'Meridian ran the data platform migration last quarter.',
    }),
    // Near-misses: team words inside a person's name do not count (whole words only).
    ...['Dana Teamsters', 'Dana Salesky', 'Dana Allison', 'Dana Opsahl'].map((partnerContactName) =>
      c(`"${partnerContactName}" is a person`, 'strong', [], { partnerContactName }),
    ),
    // Nothing scores without content: partner context: who, in what role, and what they did here.
    c('a filler partner organization', 'missing', ['no real partner organization'], { partnerOrg: 'asdf' }),
    ...['Lorem Ipsum', 'test test', 'John Doe', 'asdf'].map((name) =>
      cm(`contact "${name}"`, 'missing', ['no person is named'], ['relationship_path'], {
        partnerContactName: name,
      }),
    ),
    c('role "TBD"', 'weak', ['no role'], { partnerContactRole: 'TBD' }),
    c('why is buzzwords', 'weak', ['filler', 'partnership language'], {
      whyPartner: 'Best-in-class partner with great synergy across the whole ecosystem.',
    }),
    c('why is 8+ words but names no prior work, footprint or relationship', 'weak', ['no prior delivery'], {
      whyPartner: 'Meridian is a great partner that everybody here likes a lot.',
    }),
    c('why names a relationship', 'strong', [], {
      whyPartner: 'Meridian has a trusted relationship with the Northwind finance team.',
    }),
  ])('$name → $level', (c) => expectComponent('partner_context', c));
});

describe('relationship path', () => {
  it.each<Case>([
    c('names Dana and a meeting', 'strong', ['names the partner contact']),
    c('names the surname', 'strong', [], {
      warmPath: 'Reyes will introduce the AE to the ops director at the next review.',
    }),
    c('names the contact in capitals', 'strong', [], {
      warmPath: 'DANA WILL INTRODUCE THE AE TO THE CFO AT THE NEXT REVIEW.',
    }),
    c("a possessive (Dana's) names the contact", 'strong', [], {
      warmPath: "Dana's weekly call with the ops director is the way in.",
    }),
    c('"knows" is how the introduction happens', 'strong', [], {
      warmPath: 'Dana knows the ops director from the migration.',
    }),
    c(
      'names the contact, no introduction',
      'weak',
      ['names the contact', 'not how the introduction happens'],
      { warmPath: 'Dana has worked with the ops director for years.' },
    ),
    c('an introduction naming nobody', 'weak', ['names nobody'], {
      warmPath: 'The partner will introduce the AE at the next meeting.',
    }),
    warm('"Danae" is not Dana', 'weak', ['names nobody'], 'Danae will introduce the AE at the next review.'),
    c('names nobody, no introduction', 'missing', ['the warm path names nobody'], {
      warmPath: 'Strong relationship with the account.',
    }),
    // Near-misses: introduction words only as whole words ("known", "recalls" are not "know", "call").
    c('"well known" is not an introduction', 'missing', ['names nobody'], {
      warmPath: 'Meridian is well known at Northwind.',
    }),
    c('"recalls" is not a call', 'missing', ['names nobody'], {
      warmPath: 'The ops director recalls the migration fondly.',
    }),
    // Nothing scores without content: relationship path: a person on each side and how they connect.
    c('partnership language', 'missing', ['filler'], {
      warmPath: 'Strong partnership, lots of synergy, leverage the relationship.',
    }),
    c('the contact and an introduction, nobody at the account', 'weak', ['nobody at the account'], {
      warmPath: 'Dana will introduce the AE at the next review.',
    }),
    c('the account by its domain name', 'strong', [], {
      warmPath: 'Dana will introduce the AE to her contacts at northwind next week.',
    }),
    c('"bring the AE" is how the introduction happens', 'strong', [], {
      warmPath: 'Dana has a monthly review with the CFO and will bring the AE along.',
    }),
  ])('$name → $level', (c) => expectComponent('relationship_path', c));
});

describe('buyer problem', () => {
  it.each<Case>([
    c('the buyer asked, joint value spelled out', 'strong', ["buyer's words"]),
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
    ].map((customerTrigger) => c(`buyer words: ${customerTrigger}`, 'strong', [], { customerTrigger })),
    // No trigger, no "why now" for the account either.
    cm('trigger in 4 words', 'missing', ['customer trigger is under 5 words'], ['target_account'], {
      customerTrigger: 'Ops asked about invoices',
    }),
    c('trigger in exactly 5 words', 'strong', [], { customerTrigger: 'Ops director asked about invoices' }),
    c('a generic trigger', 'weak', ['generic trigger', 'no words from the buyer'], {
      customerTrigger: 'Digital transformation initiative across the logistics business this year.',
    }),
    cm(
      'only partnership jargon (co-sell, synergy, ecosystem) is filler',
      'missing',
      ['filler', 'partnership language'],
      ['target_account'],
      { customerTrigger: 'Great co-sell synergy opportunity in the partner ecosystem.' },
    ),
    c('partnership jargon (leverage, joint go-to-market)', 'weak', ['partnership language'], {
      customerTrigger: 'Leverage our joint go-to-market motion with Meridian at Northwind.',
    }),
    c('partnership jargon (strategic alignment)', 'weak', ['partnership language'], {
      customerTrigger: 'Strong strategic alignment between Meridian and our roadmap.',
    }),
    c('buyer words win over jargon', 'strong', [], {
      customerTrigger: 'The ops director asked how the partner ecosystem could help.',
    }),
    c('"painting" is not pain (whole words only)', 'weak', ['generic trigger'], {
      customerTrigger: 'Painting the warehouse schedule across all regions.',
    }),
    c('joint value in 9 words', 'weak', ['joint value proposition is under 10 words'], {
      jointValue: 'We run the workflow; Meridian implements it for them.',
    }),
    c('joint value in exactly 10 words', 'strong', [], {
      jointValue: 'We run the workflow; Meridian implements it on their platform.',
    }),
    // Nothing scores without content: buyer problem: the joint value says who does what.
    cm('filler trigger', 'missing', ['filler', 'lorem ipsum'], ['target_account'], {
      customerTrigger: 'Lorem ipsum dolor sit amet, consectetur.',
    }),
    c('joint value is buzzwords', 'weak', ['joint value proposition is filler'], {
      jointValue: 'Best-in-class joint solution delivering synergy and value across the whole ecosystem.',
    }),
    c('joint value without our part', 'weak', ['what we do and what the partner does'], {
      jointValue: 'Meridian implements the reconciliation workflow on the platform they operate.',
    }),
    c("joint value without the partner's part", 'weak', ['what we do and what the partner does'], {
      jointValue: 'We run the reconciliation workflow for the ops director every single week.',
    }),
  ])('$name → $level', (c) => expectComponent('buyer_problem', c));
});

describe('partner offer', () => {
  it.each<Case>([
    c('dated this week, agreed in writing', 'strong', ['within two weeks', 'in writing']),
    c('dated today', 'strong', [], { partnerNextMoveDate: '2026-11-23' }),
    c('dated today + 14 (edge)', 'strong', [], { partnerNextMoveDate: '2026-12-07' }),
    c('dated today + 15', 'weak', ['more than two weeks out'], { partnerNextMoveDate: '2026-12-08' }),
    c(
      'today + 14 across a year end',
      'strong',
      [],
      { partnerNextMoveDate: '2027-01-08' },
      { today: '2026-12-25' },
    ),
    c(
      'today + 15 across a year end',
      'weak',
      ['two weeks'],
      { partnerNextMoveDate: '2027-01-09' },
      { today: '2026-12-25' },
    ),
    // The owner's next move is undated too.
    cm('no date', 'weak', ['has no date'], ['owner'], { partnerNextMoveDate: null }),
    c('not agreed in writing', 'weak', ['not agreed in writing'], { partnerAgreedInWriting: false }),
    cm('no date and not in writing: the date is named first', 'weak', ['no date'], ['owner'], {
      partnerNextMoveDate: null,
      partnerAgreedInWriting: false,
    }),
    // Nothing for the owner to own either.
    pmove('a vague partner mention ("TBD")', 'missing', ['no partner next move'], 'TBD', ['owner']),
    cm('empty', 'missing', ['no partner next move'], ['owner'], { partnerNextMove: '' }),
    cm('two words', 'missing', ['no partner next move'], ['owner'], { partnerNextMove: 'Dana confirms' }),
    c('three words', 'strong', [], { partnerNextMove: 'Dana confirms meeting' }),
    // Nothing scores without content: next moves: filler is no move.
    cm('partner move in buzzwords', 'missing', ['filler'], ['owner'], {
      partnerNextMove: 'Drive joint GTM and leverage the relationship.',
    }),
    cm('partner move repeated words', 'missing', ['same words repeated'], ['owner'], {
      partnerNextMove: 'meeting meeting meeting meeting',
    }),
  ])('$name → $level', (c) => expectComponent('partner_offer', c));
});

describe('next action', () => {
  it.each<Case>([
    c('one concrete action', 'strong', ['one concrete action']),
    // No seller next move: nothing says what accepting means either.
    ...(
      [
        ['"TBD"', 'TBD'],
        ['empty', '   '],
        ['two words', 'Call Dana'],
      ] as const
    ).map(([name, move]) => seller(name, 'missing', ['no action for the AE'], move, ['acceptance_criteria'])),
    seller('a semicolon and "then"', 'weak', ['several actions'], 'Call Dana; then send the deck'),
    c('"then" alone', 'weak', ['several actions'], { sellerNextMove: 'Call Dana then send the deck' }),
    c('"and also"', 'weak', ['several actions'], { sellerNextMove: 'Call Dana and also send the deck' }),
    seller('a numbered list on one line', 'weak', ['several actions'], '1. Call Dana 2. Send the deck'),
    seller('a numbered list with parentheses', 'weak', ['several actions'], '1) Call Dana about the demo'),
    seller('two lines', 'weak', ['several actions'], 'Call Dana about the demo\nSend the deck'),
    c('bullets', 'weak', ['several actions'], { sellerNextMove: '• Call Dana • Send the deck' }),
    c('two sentences', 'weak', ['several actions', 'this week'], {
      sellerNextMove: 'Call Dana about the demo. Send the deck.',
    }),
    seller('a question and a sentence', 'weak', ['several actions'], 'Is the demo ready? Book it with Dana.'),
    cm('several actions win over vague', 'weak', ['several actions'], ['acceptance_criteria'], {
      sellerNextMove: 'Follow up with Dana; send the deck',
    }),
    cm('"Follow up with Dana next week"', 'weak', ['vague'], ['acceptance_criteria'], {
      sellerNextMove: 'Follow up with Dana next week',
    }),
    cm('"Follow-up with Dana on Thursday"', 'weak', ['vague'], ['acceptance_criteria'], {
      sellerNextMove: 'Follow-up with Dana on Thursday',
    }),
    cm('"Reach out to Dana about the demo"', 'weak', ['vague', 'concrete action'], ['acceptance_criteria'], {
      sellerNextMove: 'Reach out to Dana about the demo',
    }),
    ...['Touch base with the ops director', 'Circle back after the review', 'Explore options with Dana'].map(
      (sellerNextMove) =>
        cm(`"${sellerNextMove}"`, 'weak', ['vague'], ['acceptance_criteria'], { sellerNextMove }),
    ),
    // Near-misses that must not trigger.
    seller('a vague word not at the start', 'strong', [], 'Book a call to explore options with Dana'),
    c('"then" inside a word', 'strong', [], { sellerNextMove: 'Send the authentication deck to Dana' }),
    c('a number that is not a list', 'strong', [], { sellerNextMove: 'Book the 30 minute demo with Dana' }),
    seller('"Synchronize" is not "sync"', 'strong', [], 'Synchronize calendars with Dana for Thursday'),
    c('a dot inside a link is not a sentence end', 'strong', [], {
      sellerNextMove: 'Book the demo at cal.example.com/ae with Dana',
    }),
    // Nothing scores without content: next moves: filler is no move.
    cm('seller move in buzzwords', 'missing', ['no action for the AE', 'filler'], ['acceptance_criteria'], {
      sellerNextMove: 'Leverage the partnership to drive synergies.',
    }),
    seller('seller move "test test test"', 'missing', ['filler'], 'test test test', ['acceptance_criteria']),
  ])('$name → $level', (c) => expectComponent('next_action', c));
});

describe('owner', () => {
  it.each<Case>([
    c('"Pat Marketer"', 'strong', ['one named person']),
    c('"Partner Team"', 'weak', ['team or shared'], {}, { ownerName: 'Partner Team' }),
    ...[
      'alliances-ops',
      'Sales',
      'partner-marketing',
      'marketing all',
      'Shared inbox',
      'Partners',
      'info',
      'Admin',
    ].map((ownerName) => c(`"${ownerName}"`, 'weak', ['team'], {}, { ownerName })),
    // Near-misses: a team word inside a person's name is not a team.
    ...['Teamsters', 'Sally Allison', 'Dana Salesky', 'Opsahl Berg'].map((ownerName) =>
      c(`"${ownerName}"`, 'strong', [], {}, { ownerName }),
    ),
    // Nothing scores without content: owner: one named person and a dated next move they own.
    c('a real, dated partner move', 'strong', ['one named person owns the next move', 'due Fri 27 Nov']),
    cm('the partner move is filler', 'missing', ['no real next move for the owner'], ['partner_offer'], {
      partnerNextMove: 'asdf asdf asdf asdf',
    }),
    cm(
      'a team owner with nothing to own: missing wins',
      'missing',
      ['no real next move'],
      ['partner_offer'],
      { partnerNextMove: 'TBD' },
      { ownerName: 'Partner Team' },
    ),
    cm('an undated move', 'weak', ['has no date'], ['partner_offer'], { partnerNextMoveDate: null }),
    pdate('a move whose date has passed', 'weak', ['has passed'], '2026-11-20', ['partner_offer']),
    cm(
      'a team owner wins over an undated move',
      'weak',
      ['team or shared'],
      ['partner_offer'],
      { partnerNextMoveDate: null },
      { ownerName: 'Partner Team' },
    ),
  ])('$name → $level', (c) => expectComponent('owner', c));
});

describe('acceptance criteria', () => {
  it.each<Case>([
    c('3 days of 5', 'strong', ['within 3 business days']),
    c('1 day', 'strong', ['within 1 business day'], { responseWindowDays: 1 }),
    c('5 days, the maximum', 'strong', ['within 5 business days'], { responseWindowDays: 5 }),
    c('6 days, over the maximum', 'weak', ['window of 6 business days', 'over the 5-day maximum'], {
      responseWindowDays: 6,
    }),
    c(
      '10 days with a maximum of 10',
      'strong',
      ['within 10'],
      { responseWindowDays: 10 },
      { maxWindowDays: 10 },
    ),
    c('3 days with a maximum of 2', 'weak', ['over the 2-day maximum'], {}, { maxWindowDays: 2 }),
    // Nothing scores without content: acceptance criteria: what accepting means, and the window.
    c('a concrete seller move and a window within the maximum', 'strong', [
      'accepting means taking the seller next move',
      'within 3 business days',
    ]),
    cm(
      'the window alone (the seller move is filler)',
      'missing',
      ['a window alone is not a criterion'],
      ['next_action'],
      { sellerNextMove: 'Lorem ipsum dolor sit amet.' },
    ),
    cm(
      'the window alone (the seller move is TBD)',
      'missing',
      ['nothing says what accepting means'],
      ['next_action'],
      { sellerNextMove: 'TBD' },
    ),
    seller('a vague seller move', 'weak', ['vague'], 'Reach out to Dana about the demo', ['next_action']),
    cm(
      'several concrete actions still say what accepting means',
      'strong',
      ['within 3 business days'],
      ['next_action'],
      { sellerNextMove: 'Call Dana; then send the deck' },
    ),
    cm('a long window wins over a vague move', 'weak', ['over the 5-day maximum'], ['next_action'], {
      sellerNextMove: 'Follow up with Dana next week',
      responseWindowDays: 8,
    }),
  ])('$name → $level', (c) => expectComponent('acceptance_criteria', c));
});

describe('proof', () => {
  it.each<Case>([
    c('a page of notes', 'strong', ['evidence link']),
    c('https://example.com/notes', 'strong', [], { evidenceUrl: 'https://example.com/notes' }),
    c('a homepage with a query', 'strong', [], { evidenceUrl: 'https://example.com/?doc=42' }),
    c('a homepage with an anchor', 'strong', [], { evidenceUrl: 'https://example.com/#review' }),
    c('no link', 'missing', ['no evidence link'], { evidenceUrl: null }),
    c('an empty link', 'missing', ['no evidence link'], { evidenceUrl: '' }),
    c('https://example.com/', 'weak', ['homepage'], { evidenceUrl: 'https://example.com/' }),
    c('https://example.com', 'weak', ['homepage'], { evidenceUrl: 'https://example.com' }),
    url('http://www.example.com/', 'weak', ['homepage', 'not the evidence'], 'http://www.example.com/'),
    // Nothing scores without content: proof: a specific link that says what it is.
    ...[
      'https://docs.google.com/document/d/1AbCdEfGh/edit',
      'https://acme.slack.com/archives/C0123ABC/p1763452800000100',
      'https://acme.my.salesforce.com/lightning/r/Opportunity/006Ab00000XyZ/view',
      'https://crm.example.com/opportunity/20417',
      'https://example.com/deals/OPP-1234',
      'https://files.example.com/meridian/case-study.pdf',
    ].map((link) => url(link, 'strong', [], link)),
    url('placeholder path: https://example.com/asdf', 'missing', ['placeholder'], 'https://example.com/asdf'),
    url('placeholder host: https://test.com/notes', 'missing', ['placeholder'], 'https://test.com/notes'),
    c('a short link', 'weak', ['short link'], { evidenceUrl: 'https://bit.ly/3xYzAbc' }),
    url('a search', 'weak', ['search or social'], 'https://www.google.com/search?q=northwind+meridian'),
    url('a company profile', 'weak', ['search or social'], 'https://www.linkedin.com/company/meridian-cloud'),
    url("the partner's about page", 'weak', ['generic page'], 'https://meridian.example/about'),
    url("the partner's partners page", 'weak', ['generic page'], 'https://meridian.example/en/partners/'),
    c("a partner's blog post that names only the partner", 'weak', ['does not say what it is'], {
      evidenceUrl: 'https://meridian.example/blog/why-meridian',
    }),
    c('an opaque path', 'weak', ['does not say what it is'], { evidenceUrl: 'https://example.com/x7k2p9' }),
  ])('$name → $level', (c) => expectComponent('proof', c));
});

describe('total and band', () => {
  const team = { ownerName: 'Partner Team' };
  const filler = { warmPath: 'Strong relationship with the account.', customerTrigger: 'Wants automation' };
  const weak = { onPriorityList: false, responseWindowDays: 6 };
  it.each<[string, number, Partial<ScoringInput>, Partial<ScoringContext>]>([
    ['complete', 18, {}, {}],
    ['three weak', 15, weak, team],
    ['four weak', 14, { ...weak, evidenceUrl: 'https://example.com/' }, team],
    ['three missing, two weak', 10, { onPriorityList: false, ...filler, evidenceUrl: null }, team],
    ['three missing, three weak', 9, { ...weak, ...filler, evidenceUrl: null }, team],
    // The owner and the window earn nothing without content either.
    [
      'as little as the rules allow: nothing',
      0,
      {
        ...filler,
        accountName: 'TBD',
        partnerContactName: 'Meridian Cloud Consulting',
        partnerNextMove: 'TBD',
        sellerNextMove: 'TBD',
        evidenceUrl: null,
        responseWindowDays: 6,
      },
      team,
    ],
  ])('%s: total %i is the sum of the components', (_, total, input, ctx) => {
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
  it.each<Readiness>([
    r('complete packet', [T, T, T, T, T], {}),
    r('a vague seller next move', [F, T, T, T, T], { sellerNextMove: 'Follow up with Dana next week' }),
    r('several seller actions', [F, T, T, T, T], { sellerNextMove: 'Call Dana; then send the deck' }),
    r('no seller next move', [F, T, T, T, T], { sellerNextMove: 'TBD' }),
    r('not on the priority list', [T, F, T, T, T], { onPriorityList: false }),
    r('partner move not in writing', [T, T, F, T, T], { partnerAgreedInWriting: false }),
    r('partner move undated but in writing', [T, T, T, T, T], { partnerNextMoveDate: null }),
    r('evidence is a homepage', [T, T, T, F, T], { evidenceUrl: 'https://example.com/' }),
    r('no evidence', [T, T, T, F, T], { evidenceUrl: null }),
    r('no conflict note', [T, T, T, T, F], { riskNote: null }),
    r('a blank conflict note', [T, T, T, T, F], { riskNote: '   ' }),
    // Nothing scores without content: a filler note, move or link is no check.
    r('a risk note of "n/a" is no check', [T, T, T, T, F], { riskNote: 'n/a' }),
    r('a risk note of "TBD" is no check', [T, T, T, T, F], { riskNote: 'TBD' }),
    r('the in-writing box ticked for a filler move', [T, T, F, T, T], { partnerNextMove: 'test test test' }),
    r('an evidence link that does not say what it is', [T, T, T, F, T], {
      evidenceUrl: 'https://example.com/x7k2p9',
    }),
    r('nothing holds', [F, F, F, F, F], {
      sellerNextMove: 'TBD',
      onPriorityList: false,
      partnerAgreedInWriting: false,
      evidenceUrl: null,
      riskNote: null,
    }),
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

/** Each rule needs content: the rows marked "Nothing scores without content" above, and what is filler. */
describe('fillerKind: nothing scores without content', () => {
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

describe("readiness counts the app's own conflict check", () => {
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

describe('a field about another account is not specific to this one', () => {
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
