import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  SlackActionMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';

// Bolt runs the matchers of every registered listener for every request it receives, and a click waits for all of
// them: with one listener per button, modal and event (36), that was about 7% of an Accept's CPU (bench/README.md).
// So each kind of request has one Bolt listener, which finds its handler in a table by its id: a new button, modal
// or event is an entry in its table, and an id without one is left unanswered, as Bolt leaves a request no listener
// matched (its own answer after 3 seconds).

export type ActionListener = (
  args: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs,
) => Promise<void>;
export type ViewListener = (
  args: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs,
) => Promise<void>;
type EventArgs<E extends string> = SlackEventMiddlewareArgs<E> & AllMiddlewareArgs;
/** Each event the app handles, by its type, with the listener typed for that event. */
export type EventTable<Names extends string> = { [E in Names]: (args: EventArgs<E>) => Promise<void> };

/** Block actions by `action_id`; `prefixed`: ids that carry a value after a fixed prefix (the outcome buttons). */
export interface ActionTable {
  exact: Readonly<Record<string, ActionListener>>;
  prefixed: Readonly<Record<string, ActionListener>>;
}

export function routeActions(app: App, table: ActionTable): void {
  const exact = new Map(Object.entries(table.exact));
  const prefixed = Object.entries(table.prefixed);
  app.action({ type: 'block_actions' }, async (args) => {
    const id = args.action.action_id;
    const listener = exact.get(id) ?? prefixed.find(([prefix]) => id.startsWith(prefix))?.[1];
    if (listener) await listener(args);
  });
}

/** View submissions by the view's `callback_id`. */
export function routeViews(app: App, table: Readonly<Record<string, ViewListener>>): void {
  const listeners = new Map(Object.entries(table));
  app.view({ type: 'view_submission', callback_id: /.*/ }, async (args) => {
    const listener = listeners.get(args.view.callback_id);
    if (listener) await listener(args as SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs);
  });
}

/** Events by their `type` (Bolt acknowledges events itself, before any listener runs). */
export function routeEvents<Names extends string>(app: App, table: EventTable<Names>): void {
  const listeners = new Map(Object.entries(table) as [string, (args: EventArgs<string>) => Promise<void>][]);
  app.event(/.*/, async (args) => {
    const listener = listeners.get(args.event.type);
    if (listener) await listener(args);
  });
}
