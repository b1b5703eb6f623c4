import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import {
  type HolidaysFor,
  hoursWords,
  type OwnDays,
  type Pause,
  type PersonBody,
  pauseEnd,
  regionsText,
  regionWords,
  weekdayName,
  weekInOrder,
  workingDaysWords,
} from '../domain/ownDays.js';
import { ACTION_ID, CALLBACK_ID, MY_DAYS_BLOCK_ID, MY_DAYS_RESUME_OPTION } from './ids.js';
import { mention, userText } from './mrkdwn.js';
import { button, context, pt, section } from './parts.js';

/** Where time off is given: the covers (`/handoff cover`), said wherever own days are. */
export const TIME_OFF_LINE =
  'Time off: `/handoff cover` names who answers for you while you are away. `/handoff pause` takes you out of your pools, `/handoff resume` puts you back.';

const listed = (names: readonly string[]) =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

/** Whose public holidays count for the person, and why, in a sentence. */
export function holidaysLine(h: HolidaysFor): string {
  const names = (regions: readonly string[]) => listed(regions.map(regionWords));
  switch (h.kind) {
    case 'own':
      return h.regions.length === 0
        ? 'No public holiday counts for you: you chose none.'
        : `Public holidays of ${names(h.regions)} count for you: you chose them.`;
    case 'zone':
      if (!h.timeZone) return "Your time zone's country's public holidays count for you.";
      return h.regions.length === 0
        ? `No public holiday counts for you: your time zone ${h.timeZone} names no country.`
        : `Public holidays of ${names(h.regions)} count for you, from your time zone ${h.timeZone}.`;
    case 'none':
      return 'No public holiday counts: this workspace skips none.';
    case 'everyone':
      return `Public holidays of ${names(h.regions)} count for you, as for everyone here.`;
  }
}

const POOLS_NAMED = 10;

/** The pools someone is in, in a sentence. */
export function poolsLine(names: readonly string[], byGroup: boolean): string {
  // At most ten by name (the section takes 3000 characters).
  const bold = names.slice(0, POOLS_NAMED).map((n) => `*${userText(n, 80)}*`);
  if (names.length > POOLS_NAMED) bold.push(`${names.length - POOLS_NAMED} more`);
  const groups = 'any pool by user group you are in';
  if (bold.length === 0) return byGroup ? `Your pools: ${groups}.` : 'You are in no pool.';
  return `Your pools: ${listed(bold)}${byGroup ? `, and ${groups}` : ''}.`;
}

/** Their week, and their own hours when they set them: "Sunday to Thursday, 08:00–16:00 (Asia/Jerusalem)". */
function weekLine(days: Pick<OwnDays, 'workingDays' | 'hours' | 'timeZone'>): string {
  const week = workingDaysWords(days.workingDays);
  return days.hours ? `${week}, ${hoursWords(days.hours, days.timeZone)}` : week;
}

/**
 * "Your days" in the App Home: working days and hours, whose holidays count and why, a pause, the pools,
 * with "Edit my days". Three blocks (appHome.ts HOME_LIMITS counts them).
 */
export function myDaysBlocks(days: OwnDays): KnownBlock[] {
  const paused = days.paused
    ? `\n:pause_button: You are out of your pools until *${pauseEnd(days.paused)}*${days.paused === 'until_resumed' ? ' (`/handoff resume`)' : ' (the last day)'}: round robin passes you over.`
    : '';
  return [
    { type: 'divider' },
    {
      type: 'section',
      block_id: 'home_my_days',
      text: {
        type: 'mrkdwn',
        verbatim: true,
        text: `*Your days*\nYou work ${weekLine(days)}. ${holidaysLine(days.holidays)}\n${poolsLine(
          days.pools.map((p) => p.name),
          days.byGroup,
        )}${paused}`,
      },
      accessory: button(
        { text: 'Edit my days', actionId: ACTION_ID.myDays, value: 'edit' },
        'Edit my days: working days and hours, public holidays, pause from pools',
      ),
    },
    context(TIME_OFF_LINE),
  ];
}

const dayOption = (day: number): PlainTextOption => ({ text: pt(weekdayName(day)), value: String(day) });
const RESUME_OPTION: PlainTextOption = { text: pt('until I resume'), value: MY_DAYS_RESUME_OPTION };

/** A time of day of one's own hours ("Your day starts", "Your day ends"). */
function timeInput(blockId: string, label: string, initial: string | undefined, hint: string) {
  return {
    type: 'input' as const,
    block_id: blockId,
    optional: true,
    label: pt(label),
    hint: pt(hint),
    element: {
      type: 'timepicker' as const,
      action_id: ACTION_ID.value,
      ...(initial ? { initial_time: initial } : {}),
    },
  };
}

/**
 * The "Your days" modal, filled with what the person saved (a pause that has passed starts empty). `teamHours`: the
 * deployment's business hours, which count for them while they give none of their own.
 */
export function myDaysModal(
  current: PersonBody | undefined,
  pausedNow: Pause | undefined,
  teamHours?: { start: string; end: string },
): ModalView {
  const working = weekInOrder(current?.workingDays);
  const team = teamHours ? `the team's, ${teamHours.start}–${teamHours.end}` : "the team's";
  const regions = regionsText(current?.regions);
  const until = pausedNow && pausedNow !== 'until_resumed' ? pausedNow : undefined;
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.myDays,
    title: pt('Your days'),
    submit: pt('Save'),
    close: pt('Cancel'),
    private_metadata: '{}',
    blocks: [
      section(
        'Your own days: the response window counts only your working days and hours, less your public holidays. Only yours: nobody else sees or changes them here.',
      ),
      {
        type: 'input',
        block_id: MY_DAYS_BLOCK_ID.days,
        label: pt('Working days'),
        element: {
          type: 'checkboxes',
          action_id: ACTION_ID.value,
          options: [1, 2, 3, 4, 5, 6, 7].map(dayOption),
          initial_options: working.map(dayOption),
        },
      },
      timeInput(
        MY_DAYS_BLOCK_ID.starts,
        'Your day starts',
        current?.hours?.start,
        `In your time zone. Empty, with the end: ${team}.`,
      ),
      timeInput(MY_DAYS_BLOCK_ID.ends, 'Your day ends', current?.hours?.end, 'After your day starts.'),
      {
        type: 'input',
        block_id: MY_DAYS_BLOCK_ID.regions,
        optional: true,
        label: pt('Public holidays of'),
        hint: pt('Like US, DE-BY; empty: from your time zone; none: no public holidays.'),
        element: {
          type: 'plain_text_input',
          action_id: ACTION_ID.value,
          max_length: 100,
          ...(regions ? { initial_value: regions } : {}),
        },
      },
      {
        type: 'input',
        block_id: MY_DAYS_BLOCK_ID.until,
        optional: true,
        label: pt('Out of my pools until'),
        hint: pt('The last day round robin passes you over. Empty: you are in your pools.'),
        element: {
          type: 'datepicker',
          action_id: ACTION_ID.value,
          ...(until ? { initial_date: until } : {}),
        },
      },
      {
        type: 'input',
        block_id: MY_DAYS_BLOCK_ID.resume,
        optional: true,
        label: pt('Or'),
        element: {
          type: 'checkboxes',
          action_id: ACTION_ID.value,
          options: [RESUME_OPTION],
          ...(pausedNow === 'until_resumed' ? { initial_options: [RESUME_OPTION] } : {}),
        },
      },
      context(`Your pools' managers are told when you pause and when you are back. ${TIME_OFF_LINE}`),
    ],
  };
}

/** To a pool's manager: a member paused, or is back (`by`: an admin did it for them). */
export function ownDaysNotice(n: { person: string; pools: readonly string[]; paused?: Pause; by?: string }) {
  const who = mention(n.person);
  const pools = listed(n.pools.map((p) => `*${userText(p, 80)}*`));
  const noun = n.pools.length === 1 ? 'pool' : 'pools';
  const by = n.by ? ` (${n.paused ? 'paused' : 'resumed'} by ${mention(n.by)})` : '';
  const text = n.paused
    ? `:pause_button: ${who} is out of the ${pools} ${noun} until ${n.paused === 'until_resumed' ? 'they resume' : `*${pauseEnd(n.paused)}* (the last day)`}${by}: round robin passes them over until then. Nothing to do.`
    : `:white_check_mark: ${who} is back in the ${pools} ${noun}${by}: round robin gives them handoffs again.`;
  return { text, blocks: [section(text)] };
}

/** To the person an admin paused or resumed (`/handoff pause @person`). */
export function ownPauseNotice(n: { by: string; pools: readonly string[]; paused?: Pause }) {
  const pools =
    n.pools.length > 0
      ? ` (${listed(n.pools.map((p) => `*${userText(p, 80)}*`))})`
      : ' (you are in none now)';
  const text = n.paused
    ? `:pause_button: ${mention(n.by)} took you out of your pools${pools} until ${n.paused === 'until_resumed' ? 'you resume' : `*${pauseEnd(n.paused)}* (the last day)`}: round robin passes you over. \`/handoff resume\` puts you back.`
    : `:white_check_mark: ${mention(n.by)} put you back in your pools${pools}: round robin gives you handoffs again.`;
  return { text, blocks: [section(text)] };
}

/** The answers of `/handoff pause` and `/handoff resume`, and the form's refusal. */
export const myDaysReplies = {
  external: () => 'Your days are for the team that runs this app.',
  /** `told`: some of the pools have a manager, who was told. */
  paused: (paused: Pause, pools: readonly string[], told: boolean) => {
    const until =
      paused === 'until_resumed'
        ? 'until you resume (`/handoff resume`)'
        : `until *${pauseEnd(paused)}*, the last day`;
    if (pools.length === 0)
      return `:pause_button: Noted: you are paused ${until}. You are in no pool now, so round robin passes nobody over; if you join one, it will pass you over.`;
    return `:pause_button: You are out of ${listed(pools.map((p) => `*${userText(p, 80)}*`))} ${until}: round robin passes you over.${told ? ' Their managers have been told.' : ''} For time off, \`/handoff cover\` also names who answers for you.`;
  },
  resumed: (pools: readonly string[], told: boolean) =>
    pools.length === 0
      ? ':white_check_mark: You are no longer paused. You are in no pool now.'
      : `:white_check_mark: You are back in ${listed(pools.map((p) => `*${userText(p, 80)}*`))}: round robin gives you handoffs again.${told ? ' Their managers have been told.' : ''}`,
  notPaused: () => 'You were not paused: you are in your pools. `/handoff pause` takes you out of them.',
  /** An admin's `/handoff pause @person`: they were told, and (`told`) some of their pools' managers. */
  pausedOther: (person: string, paused: Pause, pools: readonly string[], told: boolean) => {
    const until = paused === 'until_resumed' ? 'until resumed' : `until *${pauseEnd(paused)}*, the last day`;
    const where =
      pools.length === 0 ? 'of any pool they join' : `of ${listed(pools.map((p) => `*${userText(p, 80)}*`))}`;
    return `:pause_button: ${mention(person)} is out ${where} ${until}: round robin passes them over. They${told ? " and their pools' managers" : ''} have been told; \`/handoff resume ${mention(person)}\` puts them back.`;
  },
  resumedOther: (person: string, pools: readonly string[], told: boolean) =>
    `:white_check_mark: ${mention(person)} is no longer paused${pools.length > 0 ? `: back in ${listed(pools.map((p) => `*${userText(p, 80)}*`))}` : ''}. They${told ? " and their pools' managers" : ''} have been told.`,
  notPausedOther: (person: string) => `${mention(person)} was not paused. Nothing was changed.`,
};
