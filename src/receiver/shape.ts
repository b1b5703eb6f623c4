import { type ParsedUrlQuery, parse as parseForm } from 'node:querystring';

/**
 * Nesting beyond this is refused as malformed: the deepest thing Slack sends (a rich text element of a message inside
 * an edited message's event) is about 20 levels, and code that walks a payload recursively must not meet 10,000.
 */
export const MAX_BODY_DEPTH = 64;

// The shape rule: a correctly signed body must have the shape Slack gives the fields Bolt reads before any listener
// runs (a wrong one answered 500, or crashed the process: `payload=null`). It does not decide where Bolt routes a body:
// a body Bolt cannot route (no type, an unknown one, a form that is no command) goes to Bolt and gets Bolt's own
// answer (a warning, and 404 once its 3-second acknowledgement timer runs out).

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

type Check = (payload: Record<string, unknown>) => string | undefined;

/** Every interaction names its user: Bolt reads `user.id` of each (App.js buildSource). */
const interaction: Check = (p) => {
  if (!(isObject(p.user) && typeof p.user.id === 'string')) return 'payload has no user';
  if (p.channel !== undefined && !isObject(p.channel)) return 'channel is not an object';
  return undefined;
};

/** Bolt takes the first action as the listener's payload, and matches block actions by their `action_id`. */
const blockActionIds: Check = (p) =>
  Array.isArray(p.actions) && !p.actions.every((a) => isObject(a) && typeof a.action_id === 'string')
    ? 'malformed action'
    : undefined;

/** Every view listener reads the submitted state first. */
const submittedState: Check = (p) => {
  const view = p.view;
  return isObject(view) && !(isObject(view.state) && isObject(view.state.values))
    ? 'view has no state'
    : undefined;
};

const needsView: Check = (p) => (p.view === undefined ? 'view is not an object' : undefined);

/** What else each type Slack sends must carry, by its `type` (a type not here is checked for its fields only). */
const BY_TYPE: Record<string, Check[]> = {
  block_actions: [interaction, blockActionIds],
  interactive_message: [interaction],
  dialog_submission: [interaction],
  block_suggestion: [interaction],
  dialog_suggestion: [interaction],
  shortcut: [interaction],
  message_action: [interaction],
  view_submission: [interaction, needsView, submittedState],
  view_closed: [interaction, needsView],
};

/** The fields Bolt dereferences wherever they appear, checked when present (a form's fields are strings: refused). */
function fieldProblem(body: Record<string, unknown>): string | undefined {
  if (body.type !== undefined && typeof body.type !== 'string') return 'type is not a string';
  if (body.event !== undefined) {
    const event = body.event;
    if (!isObject(event)) return 'event is not an object';
    if ('channel' in event && !(typeof event.channel === 'string' || isObject(event.channel)))
      return 'event channel is neither an id nor an object';
    if ('item' in event && !isObject(event.item)) return 'event item is not an object';
    if ('user' in event && event.user === null) return 'event user is null';
    if ('subteam' in event && (event.subteam === null || event.subteam === undefined))
      return 'event subteam is null';
    const authorizations = body.authorizations;
    if (Array.isArray(authorizations) && authorizations.length > 0 && !isObject(authorizations[0]))
      return 'authorization is not an object';
  }
  if (body.actions !== undefined) {
    if (!Array.isArray(body.actions) || body.actions.length === 0) return 'actions is not a list';
    if (!body.actions.every(isObject)) return 'malformed action';
  }
  if (body.view !== undefined && !(isObject(body.view) && typeof body.view.id === 'string'))
    return 'view is not an object';
  return undefined;
}

/** Whether any object or array in `value` is nested deeper than `limit` (walked without recursion). */
function deeperThan(value: unknown, limit: number): boolean {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 1 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, depth } = item;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node as object))
      if (typeof child === 'object' && child !== null) stack.push({ node: child, depth: depth + 1 });
  }
  return false;
}

/** A payload (a JSON body, or a form's `payload`). */
function payloadProblem(payload: Record<string, unknown>): string | undefined {
  if (deeperThan(payload, MAX_BODY_DEPTH)) return 'nested too deep';
  const fields = fieldProblem(payload);
  if (fields !== undefined) return fields;
  for (const check of BY_TYPE[payload.type as string] ?? []) {
    const problem = check(payload);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** What to do with a correctly signed body: refuse it (400), answer it here, or hand it to Bolt (undefined). */
export type BodyVerdict = { problem: string } | { answer: 'app_rate_limited' | 'ssl_check' } | undefined;

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/**
 * A form as node:querystring reads it (Bolt's reading). Slack sends every interaction as one field, `payload`, whose
 * value is decoded directly (the general parser walks the body a character at a time in JavaScript: on a click with
 * the message's blocks in it, a few percent of an Accept's CPU). Anything else, or an escape decodeURIComponent
 * refuses, goes to querystring.
 */
export function readForm(raw: string): ParsedUrlQuery {
  if (raw.startsWith('payload=') && !raw.includes('&')) {
    try {
      const form: ParsedUrlQuery = Object.create(null);
      form.payload = decodeURIComponent(raw.slice('payload='.length).replaceAll('+', ' '));
      return form;
    } catch {
      // A malformed escape: querystring decodes what it can of it, as Bolt will.
    }
  }
  return parseForm(raw);
}

export function inspectBody(contentType: string | undefined, raw: string): BodyVerdict {
  return readSlackBody(contentType, raw).verdict;
}

/**
 * What to do with a correctly signed body, and the body as Bolt would read it (HTTPModuleFunctions.parseHTTPRequestBody:
 * a form's `payload` field as JSON, else the form; JSON for any other content type). The receiver gives that body to
 * the app itself (receiver.ts), so a click is parsed once. No body for what Bolt answers itself (Slack's URL
 * verification, an SSL check in a JSON body).
 */
export function readSlackBody(
  contentType: string | undefined,
  raw: string,
): { verdict: BodyVerdict; body?: Record<string, unknown> } {
  const problem = (text: string | undefined) => ({
    verdict: text === undefined ? undefined : { problem: text },
  });
  // Read the body exactly as Bolt will: a form, with node:querystring, only for this exact content type; JSON for
  // anything else.
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = readForm(raw);
    for (const [key, value] of Object.entries(form))
      if (Array.isArray(value)) return problem(`field ${key.slice(0, 40)} repeated`);
    // Slack's SSL check is answered here, before anything else in the form is read: Bolt checks no signature
    // (receiver.ts), so it no longer strips a payload smuggled beside `ssl_check=1`, and nothing else of it may run.
    if (form.ssl_check === '1') return { verdict: { answer: 'ssl_check' } };
    if (form.payload === undefined) {
      if (form.command !== undefined && (form.user_id ?? '') === '')
        return problem('command without user_id');
      const found = fieldProblem(form);
      return found === undefined ? { verdict: undefined, body: form } : problem(found);
    }
    const payload = parseJson(form.payload as string);
    if (!isObject(payload)) return problem('payload is not a JSON object');
    return read(payload);
  }
  const body = parseJson(raw);
  if (body === undefined) return problem('body is not JSON');
  return isObject(body) ? read(body) : problem('JSON body is not an object');
}

function read(payload: Record<string, unknown>): { verdict: BodyVerdict; body?: Record<string, unknown> } {
  // Bolt answers an SSL check and a URL verification itself, before reading anything else.
  if (payload.ssl_check === '1' || payload.type === 'url_verification') return { verdict: undefined };
  const found = verdict(payload);
  return found === undefined ? { verdict: undefined, body: payload } : { verdict: found };
}

function verdict(payload: Record<string, unknown>): BodyVerdict {
  // Slack telling the app it paused event deliveries: no listener could acknowledge it, so it is answered here.
  if (payload.type === 'app_rate_limited') return { answer: 'app_rate_limited' };
  const problem = payloadProblem(payload);
  return problem === undefined ? undefined : { problem };
}

/** Why a correctly signed body is refused as something Slack never sends (undefined: it goes on to Bolt). */
export function malformedReason(contentType: string | undefined, raw: string): string | undefined {
  const found = inspectBody(contentType, raw);
  return found && 'problem' in found ? found.problem : undefined;
}
