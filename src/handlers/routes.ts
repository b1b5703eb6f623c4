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
// matched (its own answer after 3 seconds). The tables are the installation's the request is for (`Routed`: the one
// app serves every installation, app.ts), and its listeners get that installation's client.

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

/** The tables as they are looked up: built once per installation (handlers/index.ts `listenersFor`). */
export interface Routes {
  actions: { exact: Map<string, ActionListener>; prefixed: [string, ActionListener][] };
  views: Map<string, ViewListener>;
  events: Map<string, (args: EventArgs<string>) => Promise<void>>;
}

export function routesOf<Names extends string>(
  actions: ActionTable,
  views: Readonly<Record<string, ViewListener>>,
  events: EventTable<Names>,
): Routes {
  return {
    actions: { exact: new Map(Object.entries(actions.exact)), prefixed: Object.entries(actions.prefixed) },
    views: new Map(Object.entries(views)),
    events: new Map(Object.entries(events) as [string, (args: EventArgs<string>) => Promise<void>][]),
  };
}

/** The installation's part of a request, as the app found it (app.ts): its routes, and the client its listeners use. */
export interface Routed {
  routes: Routes;
  client: AllMiddlewareArgs['client'];
  logger: AllMiddlewareArgs['logger'];
}
type RoutedOf = (context: AllMiddlewareArgs['context']) => Routed;

/** One Bolt listener for block actions, one for view submissions, one for events, each finding its handler. */
export function route(app: App, of: RoutedOf): void {
  app.action({ type: 'block_actions' }, async (args) => {
    const { routes, client, logger } = of(args.context);
    const id = args.action.action_id;
    const { exact, prefixed } = routes.actions;
    const listener = exact.get(id) ?? prefixed.find(([prefix]) => id.startsWith(prefix))?.[1];
    if (listener) await listener({ ...args, client, logger });
  });
  // View submissions by the view's `callback_id`.
  app.view({ type: 'view_submission', callback_id: /.*/ }, async (args) => {
    const { routes, client, logger } = of(args.context);
    const listener = routes.views.get(args.view.callback_id);
    if (listener) await listener({ ...(args as Parameters<ViewListener>[0]), client, logger });
  });
  // Events by their `type` (Bolt acknowledges events itself, before any listener runs).
  app.event(/.*/, async (args) => {
    const { routes, client, logger } = of(args.context);
    const listener = routes.events.get(args.event.type);
    if (listener) await listener({ ...args, client, logger });
  });
}
