import { describe, expect, it } from 'vitest';
import { isExpiryLevel } from '../../../src/domain/escalation.js';
import { parsePolicyFile } from '../../../src/domain/policyFile.js';
import { POLICY_FILE, parsePolicies, policyProblems } from './unitdomain-policies.js';

const [FILE, parse, problems] = [POLICY_FILE, parsePolicies, policyProblems];

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

  it('reads pools, policies and routes; the notice at the due time is the expiry level', () => {
    const book = parsePolicyFile(FILE, text, 8);
    expect(book.policies.strategic?.levels.map(isExpiryLevel)).toEqual([false, false, true, false, false]);
    expect(book).toEqual({
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
      // Counted in hours, said in the days it was written in.
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
  const JSON_ENDS = 'it is not valid JSON: it ends before the JSON does';
  const badJson = (line: number, column: number) =>
    `it is not valid JSON: line ${line}, column ${column} (check that it is the policy file)`;
  const NOT_OBJECT = 'the file must be a JSON object with "policies"';
  const EXTRA = 'extra: not a setting of the file (pools, policies, routes, limits)';
  const LATE = 'policies.p[0]: a reminder must come before the due time (use notify after it)';
  const NOT_AE = 'policies.p[0].to: a reminder goes to the AE only (use notify)';
  const NOBODY = 'policies.p[0].to: say whom to notify';
  const ONE_POOL = `policies.p[0].to: ${REASSIGN_HELP}`;
  const EITHER = 'routes[0]: name either a partner or an aePool';
  const USER_ID = 'is not a Slack user id like U012ABCDEF';
  const GROUP_ID = 'is not a Slack user group id like S012ABCDEF';
  const at = (path: RegExp) => expect.stringMatching(path);
  /** A level at `at` of `action`, to `to` when given (with `more`), in a file with `pools` when given. */
  const level = (at: unknown, action: string, to?: unknown, more: object = {}, pools?: object) =>
    oneLevel({ at, action, ...(to !== undefined && { to }), ...more }, pools as Record<string, unknown>);
  const repeat = (every: string, times: unknown, more: object = {}) =>
    level('due', 'notify', ['owner'], { repeat: { every, times, ...more } });
  const withPools = (pools: object) => ({ pools, policies: POLICIES });
  const route = (r: object, pools?: object) => ({ ...(pools && { pools }), policies: POLICIES, routes: [r] });

  type Row = [string, unknown, unknown];
  it.each<Row>([
    ['JSON that ends early', '{"policies": {', JSON_ENDS],
    ['an empty file', '', JSON_ENDS],
    ['bad JSON, placed by line and column', '{\n  "policies": {\n    "x": nope\n  }\n}', badJson(3, 11)],
    ['a trailing comma', '{"a":1,}', badJson(1, 8)],
    ['null', 'null', NOT_OBJECT],
    ['an array', '[]', NOT_OBJECT],
    ['no policies', {}, at(/^policies: /)],
    ['a policy with no levels', { policies: { p: [] } }, at(/^policies\.p: /)],
    ['an unknown key at the top', { policies: POLICIES, extra: 1 }, EXTRA],
    [
      'an unknown key in a level',
      level('50%', 'remind', undefined, { whom: 'ae' }),
      at(/^policies\.p\[0\]: .*"whom"/),
    ],
    ['an unknown key in a repeat', repeat('4h', 1, { x: 1 }), at(/^policies\.p\[0\]\.repeat: .*"x"/)],
    [
      'an unknown key in a route',
      route({ partner: 'Acme', policy: 'basic', prio: 1 }),
      at(/^routes\[0\]: .*"prio"/),
    ],
    ['an unknown key in a pool', withPools({ p: { users: ['U0AE2'], x: 1 } }), at(/^pools\.p: /)],
    ['an at that is no string', level(50, 'remind'), at(/^policies\.p\[0\]\.at: /)],
    ['an unknown action', level('50%', 'shout'), at(/^policies\.p\[0\]\.action: .*remind/)],
    ...[0, 11, 1.5].map(
      (n): Row => [`repeat ${n} times`, repeat('4h', n), at(/^policies\.p\[0\]\.repeat\.times: /)],
    ),
    ['a pool of nobody', withPools({ p: { users: [] } }), at(/^pools\.p\.users: /)],
    ['a route to an empty partner', route({ partner: '', policy: 'basic' }), at(/^routes\[0\]\.partner: /)],
    ['a reminder at the due time', level('due', 'remind'), LATE],
    ['a reminder after the due time', level('due+4h', 'remind'), LATE],
    ['a reminder to the manager', level('50%', 'remind', ['manager']), NOT_AE],
    ['a reminder to the AE and the owner', level('50%', 'remind', ['ae', 'owner']), NOT_AE],
    ['a reminder to a channel', level('50%', 'remind', ['channel:C0ESC']), NOT_AE],
    ['a notification to nobody', level('due', 'notify'), NOBODY],
    ['a notification to an empty list', level('due', 'notify', []), NOBODY],
    ['a reassignment to no pool', level('due+4h', 'reassign', undefined, {}, POOLS), ONE_POOL],
    ['a reassignment to a manager', level('due+4h', 'reassign', ['manager'], {}, POOLS), ONE_POOL],
    [
      'a reassignment to a pool and more',
      level('due+4h', 'reassign', ['pool:backup', 'owner'], {}, POOLS),
      ONE_POOL,
    ],
    [
      'a reassignment to two pools',
      level('due+4h', 'reassign', ['pool:backup', 'pool:emea'], {}, POOLS),
      ONE_POOL,
    ],
    [
      'a notice to a pool not in pools',
      level('due', 'notify', ['owner', 'pool:nope'], {}, POOLS),
      'policies.p[0].to[1]: no pool named "nope" in pools',
    ],
    // A reassignment to it: the missing pool is the one problem named.
    [
      'a reassignment to a pool not in pools',
      level('due+4h', 'reassign', ['pool:nope']),
      'policies.p[0].to[0]: no pool named "nope" in pools',
    ],
    ...['0h', '0d', '4', '4m', '1.5h', 'often'].map(
      (every): Row => [
        `a repeat every ${every}`,
        repeat(every, 1),
        `policies.p[0].repeat.every: "${every}" must be like 4h or 1d`,
      ],
    ),
    [
      'bad user ids and user group ids in pools',
      withPools({
        backup: { users: ['U0AE2', 'u0ae3', 'B0BOT', '@ada', 'U1'] },
        emea: { usergroup: 'G0EMEA' },
      }),
      [
        `pools.backup.users[1]: "u0ae3" ${USER_ID}`,
        `pools.backup.users[2]: "B0BOT" ${USER_ID}`,
        `pools.backup.users[3]: "@ada" ${USER_ID}`,
        `pools.backup.users[4]: "U1" ${USER_ID}`,
        `pools.emea.usergroup: "G0EMEA" ${GROUP_ID}`,
      ],
    ],
    [
      'a user group handle',
      withPools({ emea: { usergroup: '@emea' } }),
      `pools.emea.usergroup: "@emea" ${GROUP_ID}`,
    ],
    [
      'bad pool and policy names',
      { pools: { 'Enterprise Backup': { users: ['U0AE2'] } }, policies: { Strategic: POLICIES.basic } },
      [
        'pools.Enterprise Backup: a pool name is lowercase letters, digits, - and _',
        'policies.Strategic: a policy id is lowercase letters, digits, - and _ (the words people read go in its "name")',
      ],
    ],
    [
      'a route naming a partner and an aePool',
      route({ partner: 'Acme', aePool: 'emea', policy: 'basic' }, POOLS),
      EITHER,
    ],
    ['a route naming neither', route({ policy: 'basic' }), EITHER],
    [
      'a route to an unknown policy',
      route({ partner: 'Acme', policy: 'strategic' }),
      'routes[0].policy: no policy named "strategic"',
    ],
    [
      'a route to an unknown pool',
      route({ aePool: 'emea', policy: 'basic' }),
      'routes[0].aePool: no pool named "emea"',
    ],
    // A schema problem (an unknown key, a wrong type) does not stop the other checks: one round, not one per kind.
    [
      'every schema problem at once',
      { pools: { p: { users: [] } }, policies: { a: [{ at: 5, action: 'shout' }] }, extra: 1 },
      [at(/^pools\.p\.users: /), at(/^policies\.a\[0\]\.at: /), at(/^policies\.a\[0\]\.action: /), EXTRA],
    ],
    [
      'schema problems with the others',
      { policies: { p: [{ at: 'soon', action: 'notify', to: ['owner'] }] }, extra: 1 },
      [`policies.p[0].at: "soon" ${AT_HELP}`, EXTRA],
    ],
    // A level with a bad `at` is still checked further: its bad targets are reported in the same round.
    [
      'the targets of a level whose at is bad',
      level('soon', 'notify', ['nobody']),
      [`policies.p[0].at: "soon" ${AT_HELP}`, `policies.p[0].to[0]: "nobody" ${TO_HELP}`],
    ],
  ])('%s', (_, file, expected) => {
    expect(problems(file)).toEqual(Array.isArray(expected) ? expected : [expected]);
  });

  it('bad JSON is placed by line and column, never quoted: a path set to the wrong file shows none of it', () => {
    const env = 'SLACK_BOT_TOKEN=xoxb-1111-2222-secret\nSLACK_SIGNING_SECRET=abcdef0123456789\n';
    expect(problems(env)).toEqual([badJson(1, 1)]);
    const key = '{"policies": {}}\n-----BEGIN PRIVATE KEY-----\nMIIEv\n';
    expect(problems(key)).toEqual([badJson(2, 1)]);
    for (const text of [env, key, '{"a": xoxb-secret}', '[1, 2, secret]'])
      expect(problems(text).join(' ')).not.toMatch(/SLACK|xoxb|secret|BEGIN|MIIE/);
  });

  it.each([
    'soon',
    '0%',
    '100%',
    '5.5%',
    '50',
    'due+0h',
    'due+4',
    'due+4m',
    'due+1w',
    'due-4h',
    'due+',
    'due+1000h',
    'last morning',
    '',
  ])('a bad at: %j', (at) => {
    expect(problems(level(at, 'notify', ['owner']))).toEqual([`policies.p[0].at: "${at}" ${AT_HELP}`]);
  });

  const BAD_TARGETS = [
    'channel:#general',
    'channel:general',
    'channel:c0esc',
    'channel:D0DIRECT',
    'channel:C',
    'channel:',
    'pool:Backup',
    'pool:',
  ];
  it.each([...BAD_TARGETS, 'Manager', 'user:U0AE2', 'U0AE2', ''])('a bad target: %j', (to) => {
    expect(problems(level('due', 'notify', ['owner', to], {}, POOLS))).toEqual([
      `policies.p[0].to[1]: "${to}" ${TO_HELP}`,
    ]);
  });

  it('needs no definition of the built-in default policy', () => {
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

  it('says "a problem" for one', () => {
    expect(() => parse({ policies: { p: [{ at: 'soon', action: 'notify', to: ['owner'] }] } })).toThrow(
      `The escalation policy file ${FILE} has a problem:\n  - policies.p[0].at: "soon" ${AT_HELP}`,
    );
  });
});
