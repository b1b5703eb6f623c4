/// <reference lib="dom" />
/**
 * The page's controls for what people do in Slack that Slack tells the app about (the server side is
 * sandbox/slackSide.ts): in a channel, whether Handoff is in it, with "Remove the app" or "Invite the app"; and
 * Manage apps, the workspace admin's page outside the client, with the app's install, its `/healthz`, "Revoke the bot
 * token" and "Uninstall the app".
 */
import type { AppHealth, InstallState } from '../slackSide.js';
import { escapeHtml } from './render.js';

type Json = Record<string, unknown>;

/** The place of Manage apps (beside 'home', 'salesforce' and conversation ids). */
export const APPS = 'apps';

/** What the page is told about the app's install. */
export interface AppPanel {
  install: InstallState;
  /** Whether the viewer is the workspace admin, who manages apps. */
  canManage: boolean;
  /** The app's `GET /healthz` answer, while Manage apps is open. */
  health?: AppHealth;
}

/** A channel as the bar above its messages needs it. */
interface ChannelFacts {
  id: string;
  name: string;
  kind: 'channel' | 'dm';
  appIn: boolean;
}

/** What the handlers need of the page. */
export interface PageHooks {
  post(path: string, body: Json): Promise<Json>;
  refresh(): Promise<void>;
  showNotice(text: string, ms?: number): void;
  whileBusy<T>(control: HTMLElement | null, send: () => Promise<T>): Promise<T | undefined>;
}

/** Manage apps in the sidebar, for the admin only. */
export const appsPlace = (app: AppPanel) => (app.canManage ? [{ id: APPS, label: 'Manage apps' }] : []);

/** The line above a channel's messages: is Handoff in it, and the button that changes it (for our own people). */
export function channelAppBar(c: ChannelFacts, app: AppPanel, internal: boolean): string {
  if (c.kind !== 'channel') return '';
  const name = escapeHtml(c.name);
  const button = (verb: 'remove' | 'invite', label: string) =>
    internal
      ? ` <button type="button" class="app-membership" data-app-membership="${verb}" data-channel="${escapeHtml(c.id)}">${label}</button>`
      : '';
  let text: string;
  if (app.install === 'app_uninstalled') text = 'Handoff is uninstalled from this workspace.';
  else if (app.install === 'tokens_revoked')
    text =
      'Handoff’s bot token was revoked: Slack deactivated its bot user and took it out of every channel.';
  else if (c.appIn) text = `Handoff is in #${name}.${button('remove', 'Remove the app')}`;
  else
    text = `Handoff is not in #${name}: what it would post here waits until it is invited back.${button('invite', 'Invite the app')}`;
  const out = app.install !== 'installed' || !c.appIn ? ' app-out' : '';
  return `<p class="app-bar${out}" data-app-in="${c.appIn}">${text}</p>`;
}

const INSTALL_LINE: Record<InstallState, string> = {
  installed: 'Installed. Its bot token works.',
  tokens_revoked:
    'Installed, but its bot token is revoked: Slack answers it token_revoked. Slack still sends the app commands, clicks and events.',
  app_uninstalled:
    'Uninstalled: Slack answers its token token_revoked and sends the app nothing (no command, click or event).',
};

/** Manage apps: the app's install, what its /healthz says, and the two controls that take its token away. */
export function appsPanelHtml(app: AppPanel): string {
  const health = app.health
    ? `<p class="app-health" data-health-status="${app.health.status}">The app's <code>GET /healthz</code>: <strong>${app.health.status}</strong> <code>${escapeHtml(JSON.stringify(app.health.body))}</code></p>`
    : '<p class="app-health">Reading the app’s <code>GET /healthz</code>…</p>';
  const revoke =
    app.install === 'installed'
      ? '<button type="button" class="app-token" data-app-token="revoke">Revoke the bot token</button>'
      : '';
  const uninstall =
    app.install === 'app_uninstalled'
      ? ''
      : '<button type="button" class="app-token app-danger" data-app-token="uninstall">Uninstall the app</button>';
  return (
    '<h2>Manage apps</h2><section class="apps">' +
    '<p class="sf-about">Not the Slack client: the workspace admin’s page of installed apps. What you do here, Slack tells the app by an event.</p>' +
    `<article class="app-card" data-install="${app.install}"><header><strong>Handoff</strong> <span class="app-tag">APP</span></header>` +
    `<p class="app-install">${escapeHtml(INSTALL_LINE[app.install])}</p>${health}` +
    `<div class="app-actions">${revoke}${uninstall}</div>` +
    '<p class="sf-muted">Revoke the bot token: Slack sends <code>tokens_revoked</code>. Uninstall the app: <code>app_uninstalled</code> and <code>tokens_revoked</code>. ' +
    'Either way the app stops sending (what it owes waits in its outbox), pauses its jobs that call Slack, and its /healthz answers 503. ' +
    'Nothing brings the token back in this run: a real install is reinstalled and restarted with a new token; here, restart npm run sandbox.</p>' +
    '</article></section>'
  );
}

const CONFIRM: Record<string, string> = {
  revoke: 'Revoke Handoff’s bot token? Slack refuses it from now on, for the rest of this sandbox run.',
  uninstall:
    'Uninstall Handoff? Slack refuses its token and sends it nothing more, for the rest of this sandbox run.',
};

/** A click on one of these controls: handled (true) or not ours (false). */
export function appControlClick(target: HTMLElement, hooks: PageHooks): boolean {
  const membership = target.closest<HTMLElement>('button[data-app-membership]');
  if (membership) {
    const verb = membership.dataset.appMembership === 'invite' ? 'invite' : 'remove';
    void send(membership, `/api/app/${verb}`, { channel: membership.dataset.channel }, hooks);
    return true;
  }
  const token = target.closest<HTMLElement>('button[data-app-token]');
  if (token) {
    const verb = token.dataset.appToken === 'uninstall' ? 'uninstall' : 'revoke';
    if (window.confirm(CONFIRM[verb])) void send(token, `/api/app/${verb}`, {}, hooks);
    return true;
  }
  return false;
}

async function send(control: HTMLElement, path: string, body: Json, hooks: PageHooks): Promise<void> {
  const answer = await hooks.whileBusy(control, () => hooks.post(path, body));
  if (answer && typeof answer.message === 'string') hooks.showNotice(answer.message, 8000);
  await hooks.refresh();
}
