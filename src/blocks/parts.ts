import type { Button, ConfirmationDialog, KnownBlock } from '@slack/types';
import type { HandoffRow } from '../db/schema.js';
import { plain, userText } from './mrkdwn.js';

/** Small Block Kit pieces every renderer uses. mrkdwn is verbatim: typed URLs and #names never become links. */

export const pt = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });

export const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', verbatim: true, text },
});

export const context = (text: string): KnownBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', verbatim: true, text }],
});

/** Slack reads a button's `accessibility_label` out instead of its text, and allows 75 characters. */
export const BUTTON_LABEL_MAX = 75;

/** What a button acts on: a handoff (pass the row), or another numbered thing of an account (`noun`). */
export interface ButtonSubject {
  id: number;
  accountName: string;
  /** What `id` numbers: a handoff unless said. */
  noun?: string;
}

/**
 * The accessibility label of a button: its action, the handoff's number and its account ("View, handoff #12,
 * Northwind Logistics"), so a screen reader tells one row's View from the next. Cut to Slack's 75 characters on a
 * code-point boundary with an ellipsis (the account, last, is what is cut). Plain text: Slack parses none of it.
 */
export function buttonLabel(action: string, about: ButtonSubject): string {
  const account = about.accountName.replace(/\s+/g, ' ').trim();
  return plain(`${action}, ${about.noun ?? 'handoff'} #${about.id}, ${account}`, BUTTON_LABEL_MAX);
}

/** A button's text, action id, value and look; `action`: the words read out for it when not its text. */
export interface ButtonSpec {
  text: string;
  actionId: string;
  value: string;
  action?: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmationDialog;
}

/**
 * Every button of the app, labelled for screen readers: `about` is what it acts on (a handoff row, or a subject,
 * labelled by `buttonLabel`), or the whole label when it acts on no handoff (cut to 75 characters).
 */
export function button(spec: ButtonSpec, about: ButtonSubject | string): Button {
  return {
    type: 'button',
    action_id: spec.actionId,
    text: pt(spec.text),
    value: spec.value,
    ...(spec.style ? { style: spec.style } : {}),
    ...(spec.confirm ? { confirm: spec.confirm } : {}),
    accessibility_label:
      typeof about === 'string'
        ? plain(about, BUTTON_LABEL_MAX)
        : buttonLabel(spec.action ?? spec.text, about),
  };
}

/**
 * The notification text of a message about a handoff: since 2026-07 Slack's mobile notifications show only a
 * message's `text`, so it stands alone on a lock screen: the handoff's number, account and partner, then what
 * happened or is due (`Handoff #12 · Northwind Logistics (Meridian Cloud): accept or decline by Wed 9 Dec, 17:00
 * CET`). Escaped for mrkdwn. Internal: never for a partner channel (their posts take the partner's view only).
 */
export const notifyText = (h: Pick<HandoffRow, 'id' | 'accountName' | 'partnerOrg'>, what: string) =>
  `Handoff #${h.id} · ${userText(h.accountName, 150)} (${userText(h.partnerOrg, 100)}): ${what}`;

/** `#12 *Northwind Logistics* (via Meridian)`, escaped and cut, as notices name a handoff. */
export const handoffTitle = (h: HandoffRow) =>
  `#${h.id} *${userText(h.accountName, 150)}* (via ${userText(h.partnerOrg, 150)})`;

/**
 * Where a message's reader finds the owner's buttons (Reassign, Extend, Withdraw): on it (`here`); on their newest
 * message about the handoff, where they sit alone (`newest`); or nowhere, for a reader who cannot use them now
 * (`none`). A message's words ask for a click only where its buttons are.
 */
export type OwnerButtons = 'here' | 'newest' | 'none';

/** Where the reader acts when the buttons are on their newest message about the handoff. */
export const ON_NEWEST = 'from your newest message about it';
