import { describe, expect, it } from 'vitest';
import {
  anywhere,
  ERASED_TEXT,
  forPartner,
  inHandoff,
  type KnownPerson,
  names,
  type Person,
  personOf,
  pseudonymOf,
  resolveName,
  scrubbed,
  withNames,
} from '../../../src/domain/erasure.js';

const named = (words: string[], more: Partial<Person> = {}): Person => ({
  namedBy: 'name',
  ids: [],
  words,
  parts: [],
  others: [],
  ...more,
});

describe('naming a person to erase', () => {
  it('reads a Slack id as typed or as Slack escapes a mention, an email as typed or linked, else a name', () => {
    expect(personOf('U0AE')).toEqual({
      person: { namedBy: 'slack_id', ids: ['U0AE'], words: [], parts: [], others: [] },
    });
    expect(personOf('<@U0AE|jordan>')).toMatchObject({ person: { namedBy: 'slack_id', ids: ['U0AE'] } });
    expect(personOf('<mailto:ada@acme.example|ada@acme.example>')).toMatchObject({
      person: { namedBy: 'email', ids: [], words: ['ada@acme.example'] },
    });
    expect(personOf('  Ada   Lovelace ')).toMatchObject({
      person: { namedBy: 'name', ids: [], words: ['Ada Lovelace'] },
    });
    expect(personOf('ERASED0A1B2C3D')).toHaveProperty('problem');
  });

  it('refuses a name with a part shorter than two letters (an initial is not a name)', () => {
    expect(personOf('J')).toHaveProperty('problem');
    expect(personOf('Lee P.')).toHaveProperty('problem');
    expect(personOf('Bo Li')).toHaveProperty('person');
  });

  it('adds the names the app knows for their id once each (one word: as a part), their parts, and the other people who share a part', () => {
    const person = { namedBy: 'slack_id' as const, ids: ['U0AE'], words: [], parts: [], others: [] };
    const known: KnownPerson[] = [
      { name: 'Jordan Seller', id: 'U0AE', as: 'AE' },
      { name: 'Jordan Smith', id: 'U0AE2', as: 'AE' },
      { name: 'Dana Reyes', id: null, as: 'partner contact' },
    ];
    expect(withNames(person, ['Jordan Seller', 'jordan seller', 'Jo', ERASED_TEXT], known)).toMatchObject({
      words: ['Jordan Seller'],
      parts: ['Jordan', 'Seller', 'Jo'],
      others: ['Jordan Smith'],
    });
  });

  it('makes an 8-character pseudonym from random bytes', () => {
    expect(pseudonymOf(new Uint8Array([0x0a, 0x1b, 0x2c, 0x3d, 0xff]))).toBe('ERASED0A1B2C3D');
  });
});

describe('a name, as the one person the app knows by it', () => {
  const known: KnownPerson[] = [
    { name: 'Lee Park', id: null, as: 'partner contact' },
    { name: 'Lee Chen', id: null, as: 'partner contact' },
    { name: 'Ted Lasso', id: null, as: 'partner contact' },
    { name: 'Jordan Seller', id: 'U0AE', as: 'AE' },
    { name: 'Zoë Brandt', id: null, as: 'partner contact' },
    { name: ERASED_TEXT, id: null, as: 'partner contact' },
  ];
  const resolve = (typed: string) => {
    const person = personOf(typed);
    if (!('person' in person)) throw new Error(person.problem);
    return resolveName(person.person, known);
  };

  it('refuses a name that is a part of two people’s names, listing them', () => {
    const refused = resolve('lee');
    expect(refused).toHaveProperty('problem');
    expect((refused as { problem: string }).problem).toContain(
      'Lee Park (partner contact); Lee Chen (partner contact)',
    );
  });

  it('refuses a single word that is nobody’s name: it would be erased wherever the word stands', () => {
    expect((resolve('Meridian') as { problem: string }).problem).toMatch(/too short to be a person/);
    expect((resolve('erased') as { problem: string }).problem).toMatch(/too short to be a person/);
  });

  it('takes the one person a name is (or is a part of): their whole name, and their Slack id when they are an AE', () => {
    expect(resolve('Ted')).toMatchObject({ person: { words: ['Ted Lasso'], ids: [] } });
    expect(resolve('ZOË BRANDT')).toMatchObject({ person: { words: ['Zoë Brandt'] } });
    expect(resolve('jordan seller')).toMatchObject({ person: { words: ['Jordan Seller'], ids: ['U0AE'] } });
    // A name of several words the app knows nobody by (someone named in a packet's words): searched as typed.
    expect(resolve('Priya Partnerova')).toMatchObject({ person: { words: ['Priya Partnerova'], ids: [] } });
  });
});

describe('scrubbing a value of a person', () => {
  const person = {
    namedBy: 'slack_id' as const,
    ids: ['U0AE'],
    words: ['Jordan Seller', 'a.b@x.io'],
    parts: [],
    others: [],
  };

  it('replaces a whole id with the pseudonym, never a part of another id; names and emails in any case', () => {
    expect(scrubbed('<@U0AE> and <@U0AE2> met JORDAN SELLER (a.b@x.io)', person, 'ERASEDX')).toBe(
      `<@ERASEDX> and <@U0AE2> met ${ERASED_TEXT} (${ERASED_TEXT})`,
    );
    expect(scrubbed('aXb@x.io and xa.b@x.io', person, 'ERASEDX')).toBe('aXb@x.io and xa.b@x.io');
  });

  it('erases whole words only, whatever the script: never the letters of another word', () => {
    const ted = named(['Ted']);
    const accepted = 'Accepted by Meridian: Ted said so, TED too; Teddy and Ted’s team';
    expect(scrubbed(accepted, ted, 'ERASEDX')).toBe(
      `Accepted by Meridian: ${ERASED_TEXT} said so, ${ERASED_TEXT} too; Teddy and ${ERASED_TEXT}’s team`,
    );
    expect(names('accepted at Meridian', named(['ian']))).toBe(false);
    const zoe = named(['Zoë Brandt']);
    expect(scrubbed('ZOË BRANDT, Zoë  Brandt and ÉZoë Brandt', zoe, 'ERASEDX')).toBe(
      `${ERASED_TEXT}, ${ERASED_TEXT} and ÉZoë Brandt`,
    );
    expect(names('Zoë Brandtová', zoe)).toBe(false);
    expect(names('Zoë Brandt', named(['Zoe Brandt']))).toBe(false);
  });

  it('erases a lone part of their name where the handoff names them, not elsewhere, and not another person’s name', () => {
    const lee = withNames(
      named(['Lee Park']),
      [],
      [
        { name: 'Lee Park', id: null, as: 'partner contact' },
        { name: 'Lee Chen', id: null, as: 'partner contact' },
      ],
    );
    const text = 'Lee sends workshop dates; Lee Chen joins; LEE agreed; Leeds office; Park it, park it';
    expect(scrubbed(text, inHandoff(lee, [4], 4), 'ERASEDX')).toBe(
      `${ERASED_TEXT} sends workshop dates; Lee Chen joins; ${ERASED_TEXT} agreed; Leeds office; ${ERASED_TEXT} it, park it`,
    );
    expect(scrubbed(text, inHandoff(lee, [4], 5), 'ERASEDX')).toBe(text);
    expect(scrubbed(text, inHandoff(lee, [4], null), 'ERASEDX')).toBe(text);
    expect(anywhere(lee).parts).toEqual([]);
  });

  it('writes what the partner reads in place of the name in a partner post, capitalised where a sentence starts', () => {
    expect(scrubbed('Thank you, Lee Park (Meridian).', named(['Lee Park']), 'ERASEDX', 'your contact')).toBe(
      'Thank you, your contact (Meridian).',
    );
    expect(
      scrubbed('accepted. Jordan Seller is taking it forward', named(['Jordan Seller']), 'X', 'our team'),
    ).toBe('accepted. Our team is taking it forward');
    expect(forPartner(`${ERASED_TEXT} sends the dates; call ${ERASED_TEXT}.`)).toBe(
      'Your contact sends the dates; call your contact.',
    );
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
