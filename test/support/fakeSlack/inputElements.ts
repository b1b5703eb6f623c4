/**
 * What Slack checks of the input elements' own fields (https://docs.slack.dev/reference/block-kit/block-elements),
 * beyond the lengths and counts of blockLimits.ts: a choice's initial option must be one of its options, a number
 * input says whether decimals are allowed and its numbers fit it, and the user and conversation selects take ids.
 * Each problem is a json-pointer and Slack's kind of message, reported by blockLimits.ts as Slack words them.
 */

type Obj = Record<string, unknown>;
export type InputProblem = [pointer: string, message: string];

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An option as Slack compares them: its text and value. */
const optionKey = (o: unknown) =>
  isObj(o)
    ? JSON.stringify([(o.text as Obj | undefined)?.text, (o.text as Obj | undefined)?.type, o.value])
    : '';

/** initial_option / initial_options: each the same as one of the element's options. */
function initialOptions(el: Obj, ptr: string): InputProblem[] {
  if (!Array.isArray(el.options)) return [];
  const offered = new Set(el.options.map(optionKey));
  const problems: InputProblem[] = [];
  if (el.initial_option !== undefined && !offered.has(optionKey(el.initial_option)))
    problems.push([`${ptr}/initial_option`, 'must match one of the options']);
  if (el.initial_options !== undefined) {
    if (!Array.isArray(el.initial_options))
      problems.push([`${ptr}/initial_options`, 'must provide an array']);
    else
      el.initial_options.forEach((o, i) => {
        if (!offered.has(optionKey(o)))
          problems.push([`${ptr}/initial_options/${i}`, 'must match one of the options']);
      });
  }
  return problems;
}

/** A number input: `is_decimal_allowed` (required), and its numbers as strings that fit it and its bounds. */
function numberInput(el: Obj, ptr: string): InputProblem[] {
  if (typeof el.is_decimal_allowed !== 'boolean')
    return [[ptr, 'missing required field: is_decimal_allowed']];
  const problems: InputProblem[] = [];
  const numbers: Partial<Record<'initial_value' | 'min_value' | 'max_value', number>> = {};
  for (const key of ['initial_value', 'min_value', 'max_value'] as const) {
    const value = el[key];
    if (value === undefined) continue;
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
    if (typeof value !== 'string' || !Number.isFinite(n))
      problems.push([`${ptr}/${key}`, 'must be a number string']);
    else if (!el.is_decimal_allowed && !Number.isInteger(n))
      problems.push([`${ptr}/${key}`, 'must be an integer when decimals are not allowed']);
    else numbers[key] = n;
  }
  const { initial_value: initial, min_value: min, max_value: max } = numbers;
  if (min !== undefined && max !== undefined && min > max)
    problems.push([`${ptr}/min_value`, 'must be less than or equal to max_value']);
  if (initial !== undefined && ((min !== undefined && initial < min) || (max !== undefined && initial > max)))
    problems.push([`${ptr}/initial_value`, 'must be between min_value and max_value']);
  return problems;
}

/** A list of ids (initial_users, initial_conversations): strings. */
function ids(el: Obj, key: string, ptr: string): InputProblem[] {
  const value = el[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) return [[`${ptr}/${key}`, 'must provide an array']];
  return value.flatMap((id, i): InputProblem[] =>
    typeof id === 'string' && id !== '' ? [] : [[`${ptr}/${key}/${i}`, 'must be a string']],
  );
}

const FILTER_INCLUDES = new Set(['im', 'mpim', 'private', 'public']);

/** A conversations select's filter: `include` of im, mpim, private, public; the exclusions booleans. */
function conversationFilter(el: Obj, ptr: string): InputProblem[] {
  if (el.filter === undefined) return [];
  const p = `${ptr}/filter`;
  if (!isObj(el.filter)) return [[p, 'must provide an object']];
  const problems: InputProblem[] = [];
  const { include, exclude_external_shared_channels: shared, exclude_bot_users: bots } = el.filter;
  if (include !== undefined) {
    if (!Array.isArray(include) || include.length === 0)
      problems.push([`${p}/include`, 'must provide a non-empty array']);
    else
      include.forEach((v, i) => {
        if (!FILTER_INCLUDES.has(v as string))
          problems.push([`${p}/include/${i}`, 'must be one of im, mpim, private, public']);
      });
  }
  if (shared !== undefined && typeof shared !== 'boolean')
    problems.push([`${p}/exclude_external_shared_channels`, 'must be a boolean']);
  if (bots !== undefined && typeof bots !== 'boolean')
    problems.push([`${p}/exclude_bot_users`, 'must be a boolean']);
  return problems;
}

/** `max_selected_items` of a multi-select: a whole number of at least 1. */
function maxSelected(el: Obj, ptr: string): InputProblem[] {
  const v = el.max_selected_items;
  return v === undefined || (Number.isInteger(v) && (v as number) >= 1)
    ? []
    : [[`${ptr}/max_selected_items`, 'must be an integer of at least 1']];
}

/** The problems of an element's own fields (none for an element type this does not know). */
export function inputElementProblems(el: Obj, ptr: string): InputProblem[] {
  switch (el.type) {
    case 'static_select':
    case 'multi_static_select':
    case 'radio_buttons':
    case 'checkboxes':
      return [...initialOptions(el, ptr), ...(el.type === 'multi_static_select' ? maxSelected(el, ptr) : [])];
    case 'number_input':
      return numberInput(el, ptr);
    case 'users_select':
      return el.initial_user === undefined || typeof el.initial_user === 'string'
        ? []
        : [[`${ptr}/initial_user`, 'must be a string']];
    case 'multi_users_select':
      return [...ids(el, 'initial_users', ptr), ...maxSelected(el, ptr)];
    case 'multi_conversations_select':
      return [
        ...ids(el, 'initial_conversations', ptr),
        ...maxSelected(el, ptr),
        ...conversationFilter(el, ptr),
      ];
    default:
      return [];
  }
}
