import { parse } from 'node:querystring';
import { HTTPModuleFunctions } from '@slack/bolt';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readForm, readSlackBody } from '../../../src/receiver/shape.js';

// The receiver reads a form exactly as Bolt will (node:querystring): its shortcut for a lone `payload` field must give
// the same fields for any body, well or badly escaped.
const pieces = fc.constantFrom(
  '%7B',
  '%22',
  '%E2%9C%93',
  '%E0%A4%A',
  '%',
  '%2',
  '%ZZ',
  '+',
  '=',
  '&',
  'a',
  '{',
  ' ',
  'é',
  '%26',
  '%2B',
);
const body = fc
  .tuple(
    fc.constantFrom('payload=', 'payload', 'payload=a&', 'x=1&payload=', 'payload=&', ''),
    fc.array(fc.oneof(pieces, fc.string({ maxLength: 4 })), { maxLength: 30 }),
  )
  .map(([head, rest]) => head + rest.join(''));

describe('readForm', () => {
  it('gives the fields node:querystring gives, for any body (property)', () => {
    fc.assert(
      fc.property(body, (raw) => {
        expect({ ...readForm(raw) }).toEqual({ ...parse(raw) });
      }),
      { numRuns: 5000 },
    );
  });

  it('decodes a click’s payload, JSON escaped as Slack sends it', () => {
    const payload = JSON.stringify({ type: 'block_actions', user: { id: 'U1' }, text: 'a+b & c = d ✓' });
    const raw = `payload=${encodeURIComponent(payload).replaceAll('%20', '+')}`;
    expect(readForm(raw).payload).toBe(payload);
    expect(readForm(raw).payload).toBe(parse(raw).payload);
  });
});

// What Bolt reads of a body (its own function), as the receiver hands it over: an interaction's form as its payload's
// JSON text, anything else as it came.
const boltReads = (contentType: string, raw: string) =>
  HTTPModuleFunctions.parseHTTPRequestBody(
    Object.assign(Object.create(null), {
      rawBody: Buffer.from(raw),
      headers: { 'content-type': contentType },
    }),
  );

function handedToBolt(raw: string): { contentType: string; raw: string } | undefined {
  const read = readSlackBody(FORM, raw);
  if (read.verdict !== undefined) return undefined;
  return read.payload === undefined
    ? { contentType: FORM, raw }
    : { contentType: 'application/json', raw: read.payload };
}

const FORM = 'application/x-www-form-urlencoded';

describe('readSlackBody', () => {
  it('hands Bolt the body it would have read from the form, for any interaction (property)', () => {
    const payloads = fc.record({
      type: fc.constantFrom('block_actions', 'view_submission', 'shortcut'),
      user: fc.record({ id: fc.string({ minLength: 1, maxLength: 8 }) }),
      text: fc.string({ maxLength: 40 }),
      actions: fc.array(fc.record({ action_id: fc.string({ maxLength: 8 }), value: fc.string() }), {
        maxLength: 3,
      }),
      view: fc.record({ state: fc.record({ values: fc.dictionary(fc.string(), fc.string()) }) }),
    });
    const forms = fc.tuple(payloads, fc.boolean(), fc.constantFrom('', '&x=1')).map(([p, plus, extra]) => {
      const encoded = encodeURIComponent(JSON.stringify(p));
      return `payload=${plus ? encoded.replaceAll('%20', '+') : encoded}${extra}`;
    });
    fc.assert(
      fc.property(forms, (raw) => {
        const handed = handedToBolt(raw);
        if (!handed) return;
        expect(boltReads(handed.contentType, handed.raw)).toEqual(boltReads(FORM, raw));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the payload only for a form that is that one field', () => {
    const payload = JSON.stringify({ type: 'block_actions', user: { id: 'U1' } });
    expect(readSlackBody(FORM, `payload=${encodeURIComponent(payload)}`).payload).toBe(payload);
    expect(readSlackBody(FORM, `payload=${encodeURIComponent(payload)}&x=1`).payload).toBeUndefined();
    expect(readSlackBody(FORM, 'ssl_check=1').payload).toBeUndefined();
    expect(readSlackBody('application/json', payload).payload).toBeUndefined();
  });
});
