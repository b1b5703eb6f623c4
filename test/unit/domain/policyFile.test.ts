import { describe, expect, it } from 'vitest';
import { isExpiryLevel } from '../../../src/domain/escalation.js';
import { type PolicyBook, PolicyFileError, parsePolicyFile } from '../../../src/domain/policyFile.js';

const FILE = '/etc/cosell/escalation.json';

const parse = (file: unknown, dayHours = 8): PolicyBook =>
  parsePolicyFile(FILE, typeof file === 'string' ? file : JSON.stringify(file), dayHours);

/** The problems a file is refused for (fails the test when it is accepted or throws something else). */
function problems(file: unknown, dayHours = 8): string[] {
  try {
    parse(file, dayHours);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyFileError);
    const e = error as PolicyFileError;
    expect(e.file).toBe(FILE);
    expect(e.name).toBe('PolicyFileError');
    return e.problems;
  }
  throw new Error('the file was accepted');
}

/** The smallest valid policies section, to put next to the part a test is about. */
const POLICIES = { basic: [{ at: '50%', action: 'remind' }] };
/** A file with one policy of one level. */
const oneLevel = (level: Record<string, unknown>, pools?: Record<string, unknown>) => ({
  ...(pools ? { pools } : {}),
  policies: { p: [level] },
});
const POOLS = { backup: { users: ['U0AE2', 'U0AE3'] }, emea: { usergroup: 'S0EMEA' } };

const AT_HELP = 'must be like 50%, last-morning, due, due+4h or due+1d';
const TO_HELP = 'must be ae, manager, owner, cover, channel:C012ABCDEF or pool:<name>';
const REASSIGN_HELP =
  'a reassignment goes to exactly one pool, like ["pool:enterprise-backup"], or to ["cover"]';

describe('parsePolicyFile: a valid file', () => {
  const text = JSON.stringify({
    pools: {
      'enterprise-backup': { users: ['U0AE2', 'U0AE3', 'W0ENTERPRISE'] },
      emea: { usergroup: 'S0EMEA' },
    },
    policies: {
      strategic: [
        { at: '50%', action: 'remind' },
        { at: ' last-morning ', action: 'remind', to: ['ae'], repeat: { every: '2h', times: 1 } },
        { at: 'due', action: 'notify', to: ['manager', 'channel:C0ESCALATE'] },
        {
          at: 'due+4h',
          action: 'reassign',
          to: ['pool:enterprise-backup'],
          repeat: { every: '8h', times: 1 },
        },
        { at: 'due+2d', action: 'notify', to: ['owner', 'channel:G0PRIVATE', 'pool:emea'] },
      ],
      quiet_1: [{ at: 'due', action: 'notify', to: ['owner'] }],
    },
    routes: [
      { partner: 'Meridian Cloud Consulting', policy: 'strategic' },
      { aePool: 'emea', policy: 'quiet_1' },
      { partner: 'Acme', policy: 'default' },
    ],
  });

  it('reads pools, policies and routes', () => {
    expect(parsePolicyFile(FILE, text, 8)).toEqual({
      pools: {
        // No `name` in the file: the ids made readable.
        'enterprise-backup': {
          kind: 'users',
          users: ['U0AE2', 'U0AE3', 'W0ENTERPRISE'],
          displayName: 'Enterprise backup',
        },
        emea: { kind: 'usergroup', id: 'S0EMEA', displayName: 'Emea' },
      },
      policies: {
        strategic: {
          name: 'strategic',
          // No `name` in the file: the id made readable.
          displayName: 'Strategic',
          levels: [
            // A reminder without `to` goes to the AE.
            { at: { kind: 'share', percent: 50 }, action: 'remind', to: [{ kind: 'ae' }] },
            {
              at: { kind: 'lastMorning' },
              action: 'remind',
              to: [{ kind: 'ae' }],
              repeat: { everyBusinessHours: 2, times: 1 },
            },
            {
              at: { kind: 'due', afterBusinessHours: 0 },
              action: 'notify',
              to: [{ kind: 'manager' }, { kind: 'channel', id: 'C0ESCALATE' }],
            },
            {
              at: { kind: 'due', afterBusinessHours: 4 },
              action: 'reassign',
              to: [{ kind: 'pool', name: 'enterprise-backup', displayName: 'Enterprise backup' }],
              repeat: { everyBusinessHours: 8, times: 1 },
            },
            {
              // 2 business days of 8 hours, said in days.
              at: { kind: 'due', afterBusinessHours: 16, afterBusinessDays: 2 },
              action: 'notify',
              to: [
                { kind: 'owner' },
                { kind: 'channel', id: 'G0PRIVATE' },
                { kind: 'pool', name: 'emea', displayName: 'Emea' },
              ],
            },
          ],
        },
        quiet_1: {
          name: 'quiet_1',
          displayName: 'Quiet 1',
          levels: [{ at: { kind: 'due', afterBusinessHours: 0 }, action: 'notify', to: [{ kind: 'owner' }] }],
        },
      },
      routes: [
        { partner: 'Meridian Cloud Consulting', policy: 'strategic' },
        { aePool: 'emea', policy: 'quiet_1' },
        { partner: 'Acme', policy: 'default' },
      ],
    });
  });

  it('the notice at the due time is the expiry level', () => {
    const { strategic } = parsePolicyFile(FILE, text, 8).policies;
    expect(strategic?.levels.map(isExpiryLevel)).toEqual([false, false, true, false, false]);
  });

  it('needs only policies', () => {
    expect(parse({ policies: POLICIES })).toEqual({
      pools: {},
      policies: {
        basic: {
          name: 'basic',
          displayName: 'Basic',
          levels: [{ at: { kind: 'share', percent: 50 }, action: 'remind', to: [{ kind: 'ae' }] }],
        },
      },
      routes: [],
    });
  });

  it('counts a day as dayHours business hours (due+2d, repeat every 1d)', () => {
    const file = oneLevel({
      at: 'due+2d',
      action: 'notify',
      to: ['manager'],
      repeat: { every: '1d', times: 2 },
    });
    const levelWith = (dayHours: number) => parse(file, dayHours).policies.p?.levels[0];
    expect(levelWith(8)).toMatchObject({
      // Counted in hours, said in the days it was written in (issue 77 item 19).
      at: { kind: 'due', afterBusinessHours: 16, afterBusinessDays: 2 },
      repeat: { everyBusinessHours: 8, times: 2 },
    });
    expect(levelWith(9)).toMatchObject({
      at: { kind: 'due', afterBusinessHours: 18 },
      repeat: { everyBusinessHours: 9, times: 2 },
    });
    expect(levelWith(7.5)).toMatchObject({
      at: { kind: 'due', afterBusinessHours: 15 },
      repeat: { everyBusinessHours: 7.5, times: 2 },
    });
  });

  it.each([
    ['1%', { kind: 'share', percent: 1 }],
    ['99%', { kind: 'share', percent: 99 }],
    ['last-morning', { kind: 'lastMorning' }],
    ['due', { kind: 'due', afterBusinessHours: 0 }],
    ['due+1h', { kind: 'due', afterBusinessHours: 1 }],
    ['due+999h', { kind: 'due', afterBusinessHours: 999 }],
    ['due+1d', { kind: 'due', afterBusinessHours: 8, afterBusinessDays: 1 }],
  ])('reads at %j', (at, trigger) => {
    expect(parse(oneLevel({ at, action: 'notify', to: ['owner'] })).policies.p?.levels[0]?.at).toEqual(
      trigger,
    );
  });
});

describe('parsePolicyFile: problems, each with its place', () => {
  it('bad JSON', () => {
    expect(problems('{"policies": {')).toEqual(['it is not valid JSON: it ends before the JSON does']);
    expect(problems('')).toEqual(['it is not valid JSON: it ends before the JSON does']);
    expect(problems('{\n  "policies": {\n    "x": nope\n  }\n}')).toEqual([
      'it is not valid JSON: line 3, column 11 (check that it is the policy file)',
    ]);
    expect(problems('{"a":1,}')).toEqual([
      'it is not valid JSON: line 1, column 8 (check that it is the policy file)',
    ]);
  });

  it('bad JSON is placed by line and column, never quoted: a path set to the wrong file shows none of it', () => {
    // ESCALATION_POLICY_FILE pointed at the .env: JSON.parse's own message quoted "SLACK_BOT_"… (issue 50 item 31).
    const env = 'SLACK_BOT_TOKEN=xoxb-1111-2222-secret\nSLACK_SIGNING_SECRET=abcdef0123456789\n';
    expect(problems(env)).toEqual([
      'it is not valid JSON: line 1, column 1 (check that it is the policy file)',
    ]);
    const key = '{"policies": {}}\n-----BEGIN PRIVATE KEY-----\nMIIEv\n';
    const [problem] = problems(key);
    expect(problem).toBe('it is not valid JSON: line 2, column 1 (check that it is the policy file)');
    for (const text of [env, key, '{"a": xoxb-secret}', '[1, 2, secret]'])
      expect(problems(text).join(' ')).not.toMatch(/SLACK|xoxb|secret|BEGIN|MIIE/);
  });

  it('not an object, or no policies', () => {
    expect(problems('null')).toEqual(['the file must be a JSON object with "policies"']);
    expect(problems('[]')).toEqual(['the file must be a JSON object with "policies"']);
    expect(problems({})).toEqual([expect.stringMatching(/^policies: /)]);
    expect(problems({ policies: { p: [] } })).toEqual([expect.stringMatching(/^policies\.p: /)]);
  });

  it('unknown keys, wherever they are', () => {
    expect(problems({ policies: POLICIES, extra: 1 })).toEqual([
      'extra: not a setting of the file (pools, policies, routes, limits)',
    ]);
    expect(problems(oneLevel({ at: '50%', action: 'remind', whom: 'ae' }))).toEqual([
      expect.stringMatching(/^policies\.p\[0\]: .*"whom"/),
    ]);
    expect(
      problems(
        oneLevel({ at: 'due', action: 'notify', to: ['owner'], repeat: { every: '4h', times: 1, x: 1 } }),
      ),
    ).toEqual([expect.stringMatching(/^policies\.p\[0\]\.repeat: .*"x"/)]);
    expect(problems({ policies: POLICIES, routes: [{ partner: 'Acme', policy: 'basic', prio: 1 }] })).toEqual(
      [expect.stringMatching(/^routes\[0\]: .*"prio"/)],
    );
    expect(problems({ pools: { p: { users: ['U0AE2'], x: 1 } }, policies: POLICIES })).toEqual([
      expect.stringMatching(/^pools\.p: /),
    ]);
  });

  it('wrong types and values the schema checks', () => {
    expect(problems(oneLevel({ at: 50, action: 'remind' }))).toEqual([
      expect.stringMatching(/^policies\.p\[0\]\.at: /),
    ]);
    expect(problems(oneLevel({ at: '50%', action: 'shout' }))).toEqual([
      expect.stringMatching(/^policies\.p\[0\]\.action: .*remind/),
    ]);
    for (const times of [0, 11, 1.5])
      expect(
        problems(oneLevel({ at: 'due', action: 'notify', to: ['owner'], repeat: { every: '4h', times } })),
      ).toEqual([expect.stringMatching(/^policies\.p\[0\]\.repeat\.times: /)]);
    expect(problems({ pools: { p: { users: [] } }, policies: POLICIES })).toEqual([
      expect.stringMatching(/^pools\.p\.users: /),
    ]);
    expect(problems({ policies: POLICIES, routes: [{ partner: '', policy: 'basic' }] })).toEqual([
      expect.stringMatching(/^routes\[0\]\.partner: /),
    ]);
  });

  it.each([
    'soon',
    '0%',
    '100%',
    '5.5%',
    '50',
    'last morning',
    'due+0h',
    'due+4',
    'due+4m',
    'due+1w',
    'due-4h',
    'due+',
    'due+1000h',
    '',
  ])('a bad at: %j', (at) => {
    expect(problems(oneLevel({ at, action: 'notify', to: ['owner'] }))).toEqual([
      `policies.p[0].at: "${at}" ${AT_HELP}`,
    ]);
  });

  it('a reminder at or after the due time', () => {
    expect(problems(oneLevel({ at: 'due', action: 'remind' }))).toEqual([
      'policies.p[0]: a reminder must come before the due time (use notify after it)',
    ]);
    expect(problems(oneLevel({ at: 'due+4h', action: 'remind' }))).toEqual([
      'policies.p[0]: a reminder must come before the due time (use notify after it)',
    ]);
  });

  it('a reminder to anyone but the AE', () => {
    for (const to of [['manager'], ['ae', 'owner'], ['channel:C0ESC']])
      expect(problems(oneLevel({ at: '50%', action: 'remind', to }))).toEqual([
        'policies.p[0].to: a reminder goes to the AE only (use notify)',
      ]);
  });

  it('a notification to nobody', () => {
    expect(problems(oneLevel({ at: 'due', action: 'notify' }))).toEqual([
      'policies.p[0].to: say whom to notify',
    ]);
    expect(problems(oneLevel({ at: 'due', action: 'notify', to: [] }))).toEqual([
      'policies.p[0].to: say whom to notify',
    ]);
  });

  it('a reassignment to no pool, to something else than a pool, or to two pools', () => {
    expect(problems(oneLevel({ at: 'due+4h', action: 'reassign' }, POOLS))).toEqual([
      `policies.p[0].to: ${REASSIGN_HELP}`,
    ]);
    expect(problems(oneLevel({ at: 'due+4h', action: 'reassign', to: ['manager'] }, POOLS))).toEqual([
      `policies.p[0].to: ${REASSIGN_HELP}`,
    ]);
    expect(
      problems(oneLevel({ at: 'due+4h', action: 'reassign', to: ['pool:backup', 'owner'] }, POOLS)),
    ).toEqual([`policies.p[0].to: ${REASSIGN_HELP}`]);
    expect(
      problems(oneLevel({ at: 'due+4h', action: 'reassign', to: ['pool:backup', 'pool:emea'] }, POOLS)),
    ).toEqual([`policies.p[0].to: ${REASSIGN_HELP}`]);
  });

  it('a pool that is not in pools', () => {
    expect(problems(oneLevel({ at: 'due', action: 'notify', to: ['owner', 'pool:nope'] }, POOLS))).toEqual([
      'policies.p[0].to[1]: no pool named "nope" in pools',
    ]);
    // A reassignment to it: the missing pool is the one problem named.
    expect(problems(oneLevel({ at: 'due+4h', action: 'reassign', to: ['pool:nope'] }))).toEqual([
      'policies.p[0].to[0]: no pool named "nope" in pools',
    ]);
  });

  it.each([
    'channel:#general',
    'channel:general',
    'channel:c0esc',
    'channel:D0DIRECT',
    'channel:C',
    'channel:',
    'pool:Backup',
    'pool:',
    'Manager',
    'user:U0AE2',
    'U0AE2',
    '',
  ])('a bad target: %j', (to) => {
    expect(problems(oneLevel({ at: 'due', action: 'notify', to: ['owner', to] }, POOLS))).toEqual([
      `policies.p[0].to[1]: "${to}" ${TO_HELP}`,
    ]);
  });

  it('a bad repeat interval', () => {
    for (const every of ['0h', '0d', '4', '4m', '1.5h', 'often'])
      expect(
        problems(oneLevel({ at: 'due', action: 'notify', to: ['owner'], repeat: { every, times: 1 } })),
      ).toEqual([`policies.p[0].repeat.every: "${every}" must be like 4h or 1d`]);
  });

  it('bad user ids and user group ids in pools', () => {
    expect(
      problems({
        pools: {
          backup: { users: ['U0AE2', 'u0ae3', 'B0BOT', '@ada', 'U1'] },
          emea: { usergroup: 'G0EMEA' },
        },
        policies: POLICIES,
      }),
    ).toEqual([
      'pools.backup.users[1]: "u0ae3" is not a Slack user id like U012ABCDEF',
      'pools.backup.users[2]: "B0BOT" is not a Slack user id like U012ABCDEF',
      'pools.backup.users[3]: "@ada" is not a Slack user id like U012ABCDEF',
      'pools.backup.users[4]: "U1" is not a Slack user id like U012ABCDEF',
      'pools.emea.usergroup: "G0EMEA" is not a Slack user group id like S012ABCDEF',
    ]);
    expect(problems({ pools: { emea: { usergroup: '@emea' } }, policies: POLICIES })).toEqual([
      'pools.emea.usergroup: "@emea" is not a Slack user group id like S012ABCDEF',
    ]);
  });

  it('bad pool and policy names', () => {
    expect(
      problems({
        pools: { 'Enterprise Backup': { users: ['U0AE2'] } },
        policies: { Strategic: POLICIES.basic },
      }),
    ).toEqual([
      'pools.Enterprise Backup: a pool name is lowercase letters, digits, - and _',
      'policies.Strategic: a policy id is lowercase letters, digits, - and _ (the words people read go in its "name")',
    ]);
  });

  it('a route naming both a partner and an aePool, or neither', () => {
    expect(
      problems({
        pools: POOLS,
        policies: POLICIES,
        routes: [{ partner: 'Acme', aePool: 'emea', policy: 'basic' }],
      }),
    ).toEqual(['routes[0]: name either a partner or an aePool']);
    expect(problems({ policies: POLICIES, routes: [{ policy: 'basic' }] })).toEqual([
      'routes[0]: name either a partner or an aePool',
    ]);
  });

  it('a route to an unknown policy or pool', () => {
    expect(problems({ policies: POLICIES, routes: [{ partner: 'Acme', policy: 'strategic' }] })).toEqual([
      'routes[0].policy: no policy named "strategic"',
    ]);
    expect(problems({ policies: POLICIES, routes: [{ aePool: 'emea', policy: 'basic' }] })).toEqual([
      'routes[0].aePool: no pool named "emea"',
    ]);
    // The built-in default policy needs no definition.
    expect(parse({ policies: POLICIES, routes: [{ partner: 'Acme', policy: 'default' }] }).routes).toEqual([
      { partner: 'Acme', policy: 'default' },
    ]);
  });
});

describe('parsePolicyFile: every problem at once', () => {
  it('reports all the problems of a file, in file order, not only the first', () => {
    const file = {
      pools: { backup: { users: ['u1'] }, emea: { usergroup: 'G1' } },
      policies: {
        strategic: [
          { at: 'due+4h', action: 'remind' },
          { at: '50%', action: 'remind', to: ['manager'] },
          { at: 'due+1h', action: 'reassign', to: ['pool:backup', 'pool:emea'] },
          { at: 'due', action: 'notify', to: ['channel:X1'] },
          { at: 'soon', action: 'notify', to: ['owner'] },
          { at: 'due+1h', action: 'reassign', to: ['pool:nope'] },
          { at: 'due', action: 'notify', to: ['owner'], repeat: { every: '0h', times: 1 } },
        ],
        other: [{ at: 'due', action: 'notify' }],
      },
      routes: [
        { partner: 'A', aePool: 'backup', policy: 'strategic' },
        { policy: 'zz' },
        { aePool: 'apac', policy: 'other' },
      ],
    };
    const found = problems(file);
    expect(found).toEqual([
      'pools.backup.users[0]: "u1" is not a Slack user id like U012ABCDEF',
      'pools.emea.usergroup: "G1" is not a Slack user group id like S012ABCDEF',
      'policies.strategic[0]: a reminder must come before the due time (use notify after it)',
      'policies.strategic[1].to: a reminder goes to the AE only (use notify)',
      `policies.strategic[2].to: ${REASSIGN_HELP}`,
      `policies.strategic[3].to[0]: "channel:X1" ${TO_HELP}`,
      `policies.strategic[4].at: "soon" ${AT_HELP}`,
      'policies.strategic[5].to[0]: no pool named "nope" in pools',
      'policies.strategic[6].repeat.every: "0h" must be like 4h or 1d',
      'policies.other[0].to: say whom to notify',
      'routes[0]: name either a partner or an aePool',
      'routes[1]: name either a partner or an aePool',
      'routes[1].policy: no policy named "zz"',
      'routes[2].aePool: no pool named "apac"',
    ]);
    // The message names the file and lists them all, one a line.
    expect(() => parse(file)).toThrow(
      `The escalation policy file ${FILE} has ${found.length} problems:\n${found.map((p) => `  - ${p}`).join('\n')}`,
    );
  });

  it('reports every problem the schema finds at once', () => {
    expect(
      problems({ pools: { p: { users: [] } }, policies: { a: [{ at: 5, action: 'shout' }] }, extra: 1 }),
    ).toEqual([
      expect.stringMatching(/^pools\.p\.users: /),
      expect.stringMatching(/^policies\.a\[0\]\.at: /),
      expect.stringMatching(/^policies\.a\[0\]\.action: /),
      'extra: not a setting of the file (pools, policies, routes, limits)',
    ]);
  });

  it('says "a problem" for one', () => {
    expect(() => parse({ policies: { p: [{ at: 'soon', action: 'notify', to: ['owner'] }] } })).toThrow(
      `The escalation policy file ${FILE} has a problem:\n  - policies.p[0].at: "soon" ${AT_HELP}`,
    );
  });
});

describe('parsePolicyFile: one round names everything', () => {
  // A schema problem (an unknown key, a wrong type) does not stop the other checks: one round, not one per kind.
  it('reports schema problems together with the other problems', () => {
    expect(
      problems({ policies: { p: [{ at: 'soon', action: 'notify', to: ['owner'] }] }, extra: 1 }),
    ).toEqual([
      `policies.p[0].at: "soon" ${AT_HELP}`,
      'extra: not a setting of the file (pools, policies, routes, limits)',
    ]);
  });

  // Schema problems are placed as the others are (`policies.p[0].action`, the documented form).
  it('places schema problems in the same form as the others', () => {
    expect(problems(oneLevel({ at: '50%', action: 'shout' }))).toEqual([
      expect.stringMatching(/^policies\.p\[0\]\.action: /),
    ]);
  });

  // A level with a bad `at` is still checked further: its bad targets are reported in the same round.
  it('checks the targets of a level whose at is bad', () => {
    expect(problems(oneLevel({ at: 'soon', action: 'notify', to: ['nobody'] }))).toEqual([
      `policies.p[0].at: "soon" ${AT_HELP}`,
      `policies.p[0].to[0]: "nobody" ${TO_HELP}`,
    ]);
  });
});
