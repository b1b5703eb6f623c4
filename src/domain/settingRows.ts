import { z } from 'zod';
import { DEFAULT_AWAY_EMOJI, DEFAULT_AWAY_WORDS } from './absence.js';
import { parseReminderPoints, type ReminderPoint } from './reminders.js';

/**
 * The program's settings, a row each (program/settings.ts says what a setting is and reads them): adding a setting is
 * a row here. Pure data, in domain/ so that the Settings page and its editors (blocks/settingsEditor.ts) read it too.
 */

/** The groups: an editor each (its modal's title: `short`, Slack's 24 characters), and who may edit it. */
export const SETTINGS_GROUPS = {
  window: { title: 'The response window', short: 'Response window', permission: 'program' },
  packets: { title: 'Packets', short: 'Packets', permission: 'policies' },
  decisions: {
    title: 'Before and after the decision',
    short: 'Around the decision',
    permission: 'program',
  },
  pools: { title: 'Pools and away', short: 'Pools and away', permission: 'program' },
  reporting: { title: 'RevOps reporting', short: 'RevOps reporting', permission: 'policies' },
} as const;
export type SettingsGroup = keyof typeof SETTINGS_GROUPS;
export const isSettingsGroup = (v: unknown): v is SettingsGroup =>
  typeof v === 'string' && Object.hasOwn(SETTINGS_GROUPS, v);

/** How a setting is edited in Slack. */
export type SettingInput =
  | { kind: 'number'; min: number; max: number; unit: string }
  | { kind: 'channel' }
  | { kind: 'yesno' }
  | { kind: 'choice'; options: readonly { value: string; label: string }[] }
  | { kind: 'text'; max: number }
  | { kind: 'time' };

export interface SettingRow {
  group: SettingsGroup;
  /**
   * The environment variable it was, read into the program once (and which of its comma-separated parts when it held
   * several). A setting that never was one has none: it is a row and its reader, edited in Slack only.
   */
  env?: string;
  envPart?: number;
  label: string;
  hint: string;
  input: SettingInput;
  /** Its stored value's schema. */
  schema: z.ZodType;
  /** Its value when the program does not set it (undefined: none, like a channel not chosen). */
  fallback: unknown;
  /** Its value in people's words on the Settings page (default: by its input, "5 business days"). */
  words?: (value: never) => string;
  /** What the app reads (program/settings.ts `Settings`), when not the stored value itself. */
  read?: (value: never) => unknown;
}

/** Reminders in words: "at 50% of the window and on its last morning"; none: "none". */
function reminderWords(points: readonly ReminderPoint[]): string {
  const words = points.map((p) =>
    p.kind === 'share' ? `at ${p.percent}% of the window` : 'on its last morning',
  );
  return words.length === 0 ? 'none' : words.join(' and ');
}

const CHANNEL = /^[CG][A-Z0-9]{2,}$/;
const channel = z.string().regex(CHANNEL, { error: 'must be a channel' });
const whole = (min: number, max: number) =>
  z
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time of day like 09:00' });
const zone = z.string().refine(
  (value) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'must be a time zone like America/New_York or Europe/Paris' },
);
const commaList = (lower: boolean) => (value: string) =>
  value
    .split(',')
    .map((w) => (lower ? w.trim().toLowerCase() : w.trim()))
    .filter(Boolean);

const number = (
  group: SettingsGroup,
  env: string,
  label: string,
  hint: string,
  [min, max, fallback]: [number, number, number],
  unit: string,
): SettingRow & { schema: z.ZodNumber; fallback: number } => ({
  group,
  env,
  label,
  hint,
  input: { kind: 'number', min, max, unit },
  schema: whole(min, max),
  fallback,
});

const channelRow = (
  group: SettingsGroup,
  env: string,
  label: string,
  hint: string,
): SettingRow & { schema: z.ZodString; fallback: undefined } => ({
  group,
  env,
  label,
  hint,
  input: { kind: 'channel' },
  schema: channel,
  fallback: undefined,
});

export const SETTINGS = {
  reminders: {
    group: 'window',
    env: 'REMINDERS',
    label: 'Reminders',
    hint: 'When the AE is reminded: NN% of the window’s business hours and/or "last-morning" of its last day, comma-separated; "none" for no reminder.',
    input: { kind: 'text', max: 200 },
    schema: z.string().refine((spec) => parseReminderPoints(spec) !== undefined, {
      error: 'must be a list like 50%,last-morning (or none)',
    }),
    fallback: '50%,last-morning',
    read: (spec: string) => parseReminderPoints(spec) ?? [],
    words: (spec: string) => reminderWords(parseReminderPoints(spec) ?? []),
  },
  escalationChannelId: channelRow(
    'window',
    'ESCALATION_CHANNEL_ID',
    'Escalation channel',
    'An internal channel told of every expiry (with the default policy). None: only the owner is told.',
  ),
  stallBusinessDays: number(
    'window',
    'STALL_BUSINESS_DAYS',
    'Quiet accepted deals',
    'An accepted deal with no outcome for this many business days nudges its AE (0: never).',
    [0, 60, 5],
    'business days',
  ),
  defaultTimeZone: {
    group: 'window',
    env: 'DEFAULT_TIMEZONE',
    label: 'Default time zone',
    hint: 'For someone whose Slack time zone is unknown, and for the program’s own dates.',
    input: { kind: 'text', max: 64 },
    schema: zone,
    fallback: 'UTC',
  },
  businessDayStart: {
    group: 'window',
    env: 'BUSINESS_DAY_START',
    label: 'Business day starts',
    hint: 'In each person’s own time zone (a person may set their own hours).',
    input: { kind: 'time' },
    schema: time,
    fallback: '09:00',
  },
  businessDayEnd: {
    group: 'window',
    env: 'BUSINESS_DAY_END',
    label: 'Business day ends',
    hint: 'After the start.',
    input: { kind: 'time' },
    schema: time,
    fallback: '17:00',
  },
  scoreReady: {
    ...number(
      'packets',
      'SCORE_BANDS',
      'Ready from',
      'A packet scoring this much (out of 18) or more is ready to send.',
      [1, 18, 15],
      'of 18',
    ),
    envPart: 0,
  },
  scoreFix: {
    ...number(
      'packets',
      'SCORE_BANDS',
      'Fix below',
      'A packet scoring less than this needs fixing; between the two, it may be sent with care.',
      [0, 17, 10],
      'of 18',
    ),
    envPart: 1,
  },
  scoreMaxWindowDays: number(
    'packets',
    'SCORE_MAX_WINDOW_DAYS',
    'Longest window',
    'The most business days an author may give the AE to answer.',
    [1, 10, 5],
    'business days',
  ),
  conflictLookbackDays: number(
    'packets',
    'CONFLICT_LOOKBACK_DAYS',
    'Conflict look-back',
    'A packet for an account another partner handed off within this many days is flagged as a conflict.',
    [0, 3650, 90],
    'days',
  ),
  allowGuestAuthors: {
    group: 'packets',
    env: 'ALLOW_GUEST_AUTHORS',
    label: 'Guests may send handoffs',
    hint: 'Workspace guests (not people of another organization) may send and own handoffs.',
    input: { kind: 'yesno' },
    schema: z.boolean(),
    fallback: false,
  },
  allowGuestAes: {
    group: 'packets',
    env: 'ALLOW_GUEST_AES',
    label: 'Guests may be AEs',
    hint: 'Workspace guests may be a handoff’s AE or cover, and read its internal packet.',
    input: { kind: 'yesno' },
    schema: z.boolean(),
    fallback: false,
  },
  questionPauseDays: number(
    'decisions',
    'QUESTION_PAUSE_DAYS',
    'Pause for a question',
    'The longest the AE’s clock stops while their question to the author waits (0: it does not stop).',
    [0, 10, 2],
    'business days',
  ),
  moreTimeDays: number(
    'decisions',
    'MORE_TIME_DAYS',
    'More time',
    'What "Need more time" gives the AE, once per handoff.',
    [1, 10, 2],
    'business days',
  ),
  moreTimeApproval: {
    group: 'decisions',
    env: 'MORE_TIME_APPROVAL',
    label: 'More time is',
    hint: 'The owner is told either way.',
    input: {
      kind: 'choice',
      options: [
        { value: 'owner', label: 'approved by the owner, with one click' },
        { value: 'auto', label: 'given at once' },
      ],
    },
    schema: z.enum(['owner', 'auto'], { error: 'must be owner or auto' }),
    fallback: 'owner',
  },
  firstStepBusinessDays: number(
    'decisions',
    'FIRST_STEP_BUSINESS_DAYS',
    'First step offered',
    'The date the Accept offers for the AE’s first step: this many business days after the accept.',
    [1, 30, 3],
    'business days',
  ),
  firstStepGraceDays: number(
    'decisions',
    'FIRST_STEP_GRACE_DAYS',
    'First step grace',
    'Business days after the first step’s check-in, with no news, before the owner is told.',
    [1, 10, 2],
    'business days',
  ),
  unassignedManagerDays: number(
    'decisions',
    'UNASSIGNED_MANAGER_DAYS',
    'Nobody to take it',
    'A deal handed back or taken back to its owner and given to nobody: its owner is reminded each working morning, and their manager told after this many business days (0: never).',
    [0, 30, 3],
    'business days',
  ),
  outcomeUndoSeconds: number(
    'decisions',
    'OUTCOME_UNDO_SECONDS',
    'Undo an outcome',
    'How long a recorded outcome can be undone before the partner and the CRM hear of it (0: no wait).',
    [0, 3600, 60],
    'seconds',
  ),
  partnerHelpChannelId: channelRow(
    'decisions',
    'PARTNER_HELP_CHANNEL_ID',
    'Partner help channel',
    'An internal channel where AEs’ requests for partner help go. None: the button says it is not set up.',
  ),
  poolMaxOpen: number(
    'pools',
    'POOL_MAX_OPEN_HANDOFFS',
    'Open handoffs per AE',
    'Round robin passes over a pool member holding this many open handoffs (a pool’s own cap wins).',
    [1, 1000, 10],
    'handoffs',
  ),
  awayWords: {
    group: 'pools',
    env: 'AWAY_STATUS_WORDS',
    label: 'Away words',
    hint: 'A Slack status with one of these words (comma-separated) says its person is away.',
    input: { kind: 'text', max: 1000 },
    schema: z.string().trim().min(1, { error: 'name at least one word' }),
    fallback: DEFAULT_AWAY_WORDS.join(', '),
    read: commaList(true),
  },
  awayEmoji: {
    group: 'pools',
    env: 'AWAY_STATUS_EMOJI',
    label: 'Away emoji',
    hint: 'A Slack status showing one of these emoji says its person is away, like :palm_tree:, :airplane:.',
    input: { kind: 'text', max: 1000 },
    schema: z.string().refine((value) => value.split(',').every((e) => /^:[a-z0-9_+'-]+:$/.test(e.trim())), {
      error: 'must be emoji names like :palm_tree:,:airplane: (comma-separated)',
    }),
    fallback: DEFAULT_AWAY_EMOJI.join(', '),
    read: commaList(false),
  },
  digestChannelId: channelRow(
    'reporting',
    'DIGEST_CHANNEL_ID',
    'Digest channel',
    'An internal channel where the weekly digest is posted. None: no digest.',
  ),
  trendWeeks: number(
    'reporting',
    'METRICS_TREND_WEEKS',
    'Weeks in the trend',
    'How many weeks the App Home’s and the digest’s trend chart shows.',
    [2, 52, 12],
    'weeks',
  ),
  reportingCurrency: {
    group: 'reporting',
    env: 'REPORTING_CURRENCY',
    label: 'Reporting currency',
    hint: 'The currency RevOps’ money figures are shown in (ISO code like USD or EUR), converted with the CRM’s own rates. None: the CRM’s corporate currency.',
    input: { kind: 'text', max: 3 },
    schema: z.string().regex(/^[A-Za-z]{3}$/, { error: 'must be a currency code like USD or EUR' }),
    fallback: undefined,
    words: (code: string | undefined) => code?.toUpperCase() ?? 'the CRM’s corporate currency',
    read: (code: string) => code.toUpperCase(),
  },
} as const satisfies Record<string, SettingRow>;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
export const settingsOfGroup = (group: SettingsGroup) =>
  SETTING_KEYS.filter((key) => SETTINGS[key].group === group);
