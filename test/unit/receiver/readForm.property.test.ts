import { parse } from 'node:querystring';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readForm } from '../../../src/receiver/shape.js';

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
