import { describe, expect, it } from 'vitest';
import type { HandoffRow } from '../../../src/db/schema.js';
import {
  FIELD_LIMITS,
  isHttpUrl,
  type PacketField,
  type PacketInput,
  parseAttributionDates,
  parsePacket,
  RESPONSE_WINDOW,
} from '../../../src/domain/packet.js';
import { handoff } from '../blocks/fixtures.js';

const TODAY = '2026-03-02';

/** The form's values: the text fields of the fixtures' stored handoff, its people and channel, the window as typed. */
const FORM_FIELDS = [
  ...Object.keys(FIELD_LIMITS),
  ...['partnerNextMoveDate', 'partnerAgreedInWriting', 'aeUserId', 'ownerUserId', 'partnerChannelId'],
] as (keyof PacketInput & keyof HandoffRow)[];
const input = (overrides: Record<string, unknown> = {}): PacketInput =>
  ({
    ...Object.fromEntries(FORM_FIELDS.map((field) => [field, handoff()[field]])),
    responseWindowDays: '3',
    ...overrides,
  }) as PacketInput;

/** The error message for one field, or undefined when the packet (or that field) is fine. */
const errorOn = (field: PacketField, overrides: Record<string, unknown>) => {
  const result = parsePacket(input(overrides), TODAY);
  return result.ok ? undefined : result.errors[field];
};

describe('parsePacket', () => {
  it('accepts a complete packet, trimmed and typed', () => {
    const result = parsePacket(
      input({ accountName: '  Northwind Logistics \n', responseWindowDays: '3' }),
      TODAY,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.packet.accountName).toBe('Northwind Logistics');
    expect(result.packet.responseWindowDays).toBe(3);
    expect(result.packet.partnerAgreedInWriting).toBe(true);
    expect(result.packet.evidenceUrl).toBe('https://docs.example.com/review-notes');
  });

  const required: PacketField[] = [
    'accountName',
    'partnerOrg',
    'partnerContactName',
    'whyPartner',
    'customerTrigger',
    'jointValue',
    'warmPath',
    'sellerNextMove',
    'partnerNextMove',
  ];

  it.each(required)('names %s when it is missing or blank', (field) => {
    expect(errorOn(field, { [field]: undefined })).toMatch(/^Please add /);
    expect(errorOn(field, { [field]: '   ' })).toMatch(/^Please add /);
  });

  it.each(
    Object.entries(FIELD_LIMITS).filter(([field]) => field !== 'evidenceUrl' && field !== 'accountDomain'),
  )('accepts %s at its limit (%i) and rejects one character more', (field, max) => {
    // Words, not one letter repeated: the partner-visible fields refuse keyboard mash as filler. (Joined without
    // spaces, so trimming does not shorten it.)
    const text = (length: number) =>
      Array.from({ length }, (_, i) => `word${i}`)
        .join('-')
        .slice(0, length);
    expect(errorOn(field as PacketField, { [field]: text(max) })).toBeUndefined();
    expect(errorOn(field as PacketField, { [field]: text(max + 1) })).toBe(
      `Keep this under ${max} characters.`,
    );
  });

  const LINK = 'Use a full link starting with https:// or http://.';
  const NO_CHANNEL = 'Choose a channel from the list, or leave it empty.';
  const NO_WINDOW = 'Enter a number of business days.';
  const DOMAIN = "Use the company's web domain, like northwind.com.";
  it.each<[PacketField, unknown, string | RegExp | undefined]>([
    ['evidenceUrl', `https://example.com/${'a'.repeat(FIELD_LIMITS.evidenceUrl)}`, /under 2000 characters/],
    ...['javascript:alert(1)', 'ftp://x.y', 'notaurl', 'https://localhost', 'mailto:dana@example.com'].map(
      (url): [PacketField, unknown, string] => ['evidenceUrl', url, LINK],
    ),
    ['partnerNextMoveDate', '2026-03-01', 'This date is in the past.'],
    ['partnerNextMoveDate', TODAY, undefined],
    ['aeUserId', 'jordan', /^Please choose /],
    ['aeUserId', '', /^Please choose /],
    ['ownerUserId', 'C0PARTNER', /^Please choose /],
    ['ownerUserId', '@pat', /^Please choose /],
    // Optional, but a channel.
    ['partnerChannelId', 'U0AE', NO_CHANNEL],
    ['partnerChannelId', '#ext-meridian', NO_CHANNEL],
    // Values the form would never send but a forged payload might.
    ['partnerNextMoveDate', '2026-13-45', 'Pick a date.'],
    ['responseWindowDays', '', NO_WINDOW],
    ['responseWindowDays', null, NO_WINDOW],
    // The company domain: a domain or a URL of the company.
    ['accountDomain', 'www.northwind.com', undefined],
    ['accountDomain', 'https://eu.northwind.co.uk/about', undefined],
    ['accountDomain', 'northwind', DOMAIN],
    ['accountDomain', `${'a'.repeat(200)}.com`, 'Keep this under 200 characters.'],
    ['opportunityCreatedOn', '2099-01-01', 'This date is in the future.'],
    ['partnerTouchOn', '2099-01-01', 'This date is in the future.'],
    ['partnerTouchOn', '2026-01-01', undefined],
  ])('%s = %j: %s', (field, value, expected) => {
    const error = errorOn(field, { [field]: value });
    if (expected instanceof RegExp) expect(error).toMatch(expected);
    else expect(error).toBe(expected);
  });

  it.each([0, 11, 2.5, 'abc', '0', '11'])('rejects a response window of %s days', (responseWindowDays) => {
    expect(errorOn('responseWindowDays', { responseWindowDays })).toBeDefined();
  });

  it.each([1, 10, RESPONSE_WINDOW.default])('accepts a response window of %s days', (days) => {
    const result = parsePacket(input({ responseWindowDays: String(days) }), TODAY);
    expect(result.ok && result.packet.responseWindowDays).toBe(days);
  });

  it('holds the window to the program’s longest (SCORE_MAX_WINDOW_DAYS), the limit the score reads', () => {
    const seven = parsePacket(input({ responseWindowDays: '7' }), TODAY, undefined, 5);
    expect(!seven.ok && seven.errors.responseWindowDays).toBe('The window is at most 5 business days.');
    const five = parsePacket(input({ responseWindowDays: '5' }), TODAY, undefined, 5);
    expect(five.ok && five.packet.responseWindowDays).toBe(5);
  });

  it('turns empty optional fields into null', () => {
    const result = parsePacket(
      input({
        crmOpportunity: '',
        partnerContactRole: '   ',
        riskNote: null,
        evidenceUrl: '',
        partnerNextMoveDate: null,
        partnerAgreedInWriting: undefined,
      }),
      TODAY,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.packet).toMatchObject({
      crmOpportunity: null,
      partnerContactRole: null,
      riskNote: null,
      evidenceUrl: null,
      partnerNextMoveDate: null,
      partnerAgreedInWriting: false,
    });
  });

  it('accepts no partner channel, W… user ids and G… private channels; normalises the evidence link', () => {
    // A partner not on Slack Connect; Enterprise Grid user ids.
    const parsed = parsePacket(input({ partnerChannelId: null }), TODAY);
    expect(parsed.ok && parsed.packet.partnerChannelId).toBeNull();
    expect(parsePacket(input({ aeUserId: 'W0AE', partnerChannelId: 'G0PRIVATE' }), TODAY).ok).toBe(true);
    // Spaces and Slack link delimiters encoded.
    const result = parsePacket(input({ evidenceUrl: 'https://docs.example.com/a b?x=<1>|2' }), TODAY);
    expect(result.ok && result.packet.evidenceUrl).toBe('https://docs.example.com/a%20b?x=%3C1%3E%7C2');
  });
});

describe('isHttpUrl', () => {
  it.each(['https://example.com', 'http://docs.example.com/a?b=c', 'HTTPS://EXAMPLE.COM'])(
    'accepts %s',
    (url) => {
      expect(isHttpUrl(url)).toBe(true);
    },
  );

  it.each(['https://localhost', 'http://intranet/notes', 'javascript:alert(1)', 'ftp://x.y', 'notaurl', ''])(
    'rejects %j (not http(s), or no dot in the host name)',
    (url) => {
      expect(isHttpUrl(url)).toBe(false);
    },
  );
});

describe('parsePacket: the valid fields of an invalid packet', () => {
  it('returns every well-formed field beside the errors, so the other checks can still run', () => {
    const result = parsePacket(
      input({ evidenceUrl: 'not a link', aeUserId: 'nobody', accountName: '  Northwind  ' }),
      TODAY,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(['aeUserId', 'evidenceUrl']);
    expect(result.valid).toMatchObject({
      accountName: 'Northwind',
      ownerUserId: 'U0AUTHOR',
      partnerChannelId: 'C0PARTNER',
      partnerOrg: 'Meridian Cloud Consulting',
      responseWindowDays: 3,
    });
    expect(result.valid).not.toHaveProperty('aeUserId');
    expect(result.valid).not.toHaveProperty('evidenceUrl');
  });
});

describe('parseAttributionDates', () => {
  it('accepts empty or past dates and refuses future or malformed ones, on their own field', () => {
    expect(parseAttributionDates({ opportunityCreatedOn: null, partnerTouchOn: undefined }, TODAY)).toEqual({
      ok: true,
      opportunityCreatedOn: null,
      partnerTouchOn: null,
    });
    expect(
      parseAttributionDates({ opportunityCreatedOn: '2026-02-01', partnerTouchOn: '2026-01-15' }, TODAY),
    ).toEqual({ ok: true, opportunityCreatedOn: '2026-02-01', partnerTouchOn: '2026-01-15' });
    expect(
      parseAttributionDates({ opportunityCreatedOn: '2099-01-01', partnerTouchOn: 'yesterday' }, TODAY),
    ).toEqual({
      ok: false,
      errors: { opportunityCreatedOn: 'This date is in the future.', partnerTouchOn: 'Pick a date.' },
    });
  });
});
