import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { ACTION_ID, MY_DAYS_BLOCK_ID, MY_DAYS_RESUME_OPTION } from '../../blocks/ids.js';
import { myDaysReplies } from '../../blocks/myDays.js';
import type { MyDaysForm } from '../../program/myDays.js';
import { requestContext } from '../context.js';
import type { HandlerDeps } from '../deps.js';
import { publishHome } from '../homeTab.js';
import { markSaved } from '../saved.js';

type Values = ViewSubmitAction['view']['state']['values'];

/** The values of a checkbox group, as Slack sends them (anything else: none). */
function checked(values: Values, block: string): string[] {
  const input: unknown = values[block]?.[ACTION_ID.value];
  const options: unknown =
    typeof input === 'object' && input !== null
      ? (input as { selected_options?: unknown }).selected_options
      : undefined;
  if (!Array.isArray(options)) return [];
  return options.flatMap((o: unknown) => {
    const value = (o as { value?: unknown } | null)?.value;
    return typeof value === 'string' ? [value] : [];
  });
}

/** The form as Slack sent it: only strings and the options it offers are read. */
export function myDaysForm(values: Values): MyDaysForm {
  const input = (block: string): Record<string, unknown> => {
    const found: unknown = values[block]?.[ACTION_ID.value];
    return typeof found === 'object' && found !== null ? (found as Record<string, unknown>) : {};
  };
  const regions = input(MY_DAYS_BLOCK_ID.regions).value;
  const until = input(MY_DAYS_BLOCK_ID.until).selected_date;
  const time = (block: string): string | undefined => {
    const value = input(block).selected_time;
    return typeof value === 'string' && value !== '' ? value.slice(0, 10) : undefined;
  };
  return {
    workingDays: checked(values, MY_DAYS_BLOCK_ID.days)
      .filter((v) => /^[1-7]$/.test(v))
      .map(Number),
    starts: time(MY_DAYS_BLOCK_ID.starts),
    ends: time(MY_DAYS_BLOCK_ID.ends),
    regions: typeof regions === 'string' ? regions.slice(0, 200) : '',
    until: typeof until === 'string' && until !== '' ? until : undefined,
    untilResumed: checked(values, MY_DAYS_BLOCK_ID.resume).includes(MY_DAYS_RESUME_OPTION),
  };
}

/**
 * Saving "Your days": always the submitter's own (the key is their user id, never anything in the view); errors
 * inline on the field at fault; once saved, their App Home shows it.
 */
export function myDaysSubmit(deps: HandlerDeps) {
  return async ({
    ack,
    body,
    view,
    client,
    logger,
    context,
  }: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
    // Whatever Slack (or anyone) sent as the state: only inputs of the form are read.
    const state: unknown = view.state?.values;
    const values = (typeof state === 'object' && state !== null ? state : {}) as Values;
    const result = await deps.myDays.save(requestContext(body, deps), myDaysForm(values));
    if (result.kind === 'forbidden') {
      await ack({ response_action: 'errors', errors: { [MY_DAYS_BLOCK_ID.days]: myDaysReplies.external() } });
      return;
    }
    if (result.kind === 'invalid') {
      await ack({ response_action: 'errors', errors: { [MY_DAYS_BLOCK_ID[result.field]]: result.message } });
      return;
    }
    markSaved(context, 'your days');
    await ack();
    try {
      await publishHome(deps, { client, logger }, body.user.id);
    } catch (error) {
      logger.warn(`views.publish after saving your days failed: ${String(error)}`);
    }
  };
}
