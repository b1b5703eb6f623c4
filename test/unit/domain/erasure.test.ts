import { describe, expect, it } from 'vitest';
import {
  ERASED_TEXT,
  names,
  personOf,
  pseudonymOf,
  scrubbed,
  withNames,
} from '../../../src/domain/erasure.js';

describe('naming a person to erase (issue 57)', () => {
  it('reads a Slack id as typed or as Slack escapes a mention, an email as typed or linked, else a name', () => {
    expect(personOf('U0AE')).toEqual({ person: { namedBy: 'slack_id', ids: ['U0AE'], words: [] } });
    expect(personOf('<@U0AE|jordan>')).toEqual({ person: { namedBy: 'slack_id', ids: ['U0AE'], words: [] } });
    expect(personOf('<mailto:ada@acme.example|ada@acme.example>')).toEqual({
      person: { namedBy: 'email', ids: [], words: ['ada@acme.example'] },
    });
    expect(personOf('  Ada   Lovelace ')).toEqual({
      person: { namedBy: 'name', ids: [], words: ['Ada Lovelace'] },
    });
    expect(personOf('Al')).toHaveProperty('problem');
    expect(personOf('ERASED0A1B2C3D')).toHaveProperty('problem');
  });

  it('adds the names the app knows for their id, once each', () => {
    const person = { namedBy: 'slack_id' as const, ids: ['U0AE'], words: [] };
    expect(withNames(person, ['Jordan Seller', 'jordan seller', 'Jo']).words).toEqual(['Jordan Seller']);
  });

  it('makes an 8-character pseudonym from random bytes', () => {
    expect(pseudonymOf(new Uint8Array([0x0a, 0x1b, 0x2c, 0x3d, 0xff]))).toBe('ERASED0A1B2C3D');
  });
});

describe('scrubbing a value of a person', () => {
  const person = { namedBy: 'slack_id' as const, ids: ['U0AE'], words: ['Jordan Seller', 'a.b@x.io'] };

  it('replaces a whole id with the pseudonym, never a part of another id; names and emails in any case', () => {
    expect(scrubbed('<@U0AE> and <@U0AE2> met JORDAN SELLER (a.b@x.io)', person, 'ERASEDX')).toBe(
      `<@ERASEDX> and <@U0AE2> met ${ERASED_TEXT} (${ERASED_TEXT})`,
    );
    expect(scrubbed('aXb@x.io', person, 'ERASEDX')).toBe('aXb@x.io');
  });

  it('rewrites JSON of any depth, keys kept, and returns the very same value when nothing named them', () => {
    const value = { to: ['U0AE', 'U0OWNER'], note: { text: 'Jordan Seller said no' }, n: 3 };
    expect(scrubbed(value, person, 'ERASEDX')).toEqual({
      to: ['ERASEDX', 'U0OWNER'],
      note: { text: `${ERASED_TEXT} said no` },
      n: 3,
    });
    const untouched = { to: ['U0OWNER'], n: 3 };
    expect(scrubbed(untouched, person, 'ERASEDX')).toBe(untouched);
    expect(names(untouched, person)).toBe(false);
    expect(names(value, person)).toBe(true);
  });
});
