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
  'é',
  '%26',
  '%2B',
  ' ',
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

// What Bolt reads of a body (its own function), for the body as it came.
const boltReads = (contentType: string, raw: string) =>
  HTTPModuleFunctions.parseHTTPRequestBody(
    Object.assign(Object.create(null), {
      rawBody: Buffer.from(raw),
      headers: { 'content-type': contentType },
    }),
  );

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

describe('readSlackBody', () => {
  it('gives the app the body Bolt would have read, for any interaction, command or event (property)', () => {
    const payloads = fc.record({
      type: fc.constantFrom('block_actions', 'view_submission', 'shortcut', 'event_callback'),
      user: fc.record({ id: fc.string({ minLength: 1, maxLength: 8 }) }),
      text: fc.string({ maxLength: 40 }),
      actions: fc.array(fc.record({ action_id: fc.string({ maxLength: 8 }), value: fc.string() }), {
        minLength: 1,
        maxLength: 3,
      }),
      view: fc.record({
        id: fc.string({ maxLength: 8 }),
        state: fc.record({ values: fc.dictionary(fc.string(), fc.string()) }),
      }),
    });
    const forms = fc.tuple(payloads, fc.boolean(), fc.constantFrom('', '&x=1')).map(([p, plus, extra]) => {
      const encoded = encodeURIComponent(JSON.stringify(p));
      return { contentType: FORM, raw: `payload=${plus ? encoded.replaceAll('%20', '+') : encoded}${extra}` };
    });
    const commands = fc
      .record({
        command: fc.constant('/handoff'),
        text: fc.string({ maxLength: 30 }),
        user_id: fc.constant('U1'),
      })
      .map((c) => ({ contentType: FORM, raw: new URLSearchParams(c).toString() }));
    const events = payloads.map((p) => ({ contentType: JSON_TYPE, raw: JSON.stringify(p) }));
    let given = 0;
    fc.assert(
      fc.property(fc.oneof(forms, commands, events), ({ contentType, raw }) => {
        const read = readSlackBody(contentType, raw);
        if (read.verdict !== undefined) return;
        given += 1;
        expect(read.body).toEqual(boltReads(contentType, raw));
      }),
      { numRuns: 2000 },
    );
    // Most generated bodies are well formed: the property is not vacuous.
    expect(given).toBeGreaterThan(1000);
  });

  it('gives no body for what Bolt answers itself, or refuses', () => {
    expect(
      readSlackBody(JSON_TYPE, JSON.stringify({ type: 'url_verification', challenge: 'c' })).body,
    ).toBeUndefined();
    expect(readSlackBody(FORM, 'ssl_check=1').body).toBeUndefined();
    expect(readSlackBody(JSON_TYPE, '[1]').body).toBeUndefined();
    expect(readSlackBody(FORM, 'payload=null').body).toBeUndefined();
    const click = { type: 'block_actions', user: { id: 'U1' }, actions: [{ action_id: 'a' }] };
    expect(readSlackBody(FORM, `payload=${encodeURIComponent(JSON.stringify(click))}`).body).toEqual(click);
  });
});
