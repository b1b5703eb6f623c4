import type { ActionsBlock, KnownBlock, ModalView } from '@slack/types';
import { joinContact, PACKET_FIELDS } from '../domain/packet.js';
import { namingOthers, type PacketSuggestions, type SuggestedField } from '../domain/packetSuggestions.js';
import { ACTION_ID } from './ids.js';
import { plain, userText } from './mrkdwn.js';
import { button, context } from './parts.js';

/**
 * The author's defaults in a new packet: a line saying where they come from, and one button per
 * field (and one for all), each filling its input on click. Never filled silently. A value that names another account
 * is marked with that name, said in the line, and left out of "Use all".
 */

export const SUGGESTIONS_BLOCK_ID = 'packet_suggestions';

/** What a suggestion button fills: one field, or all of them. */
export type SuggestionPick = SuggestedField | 'all';

const BUTTON_LABEL: Record<SuggestedField, string> = {
  partnerContactName: 'Contact',
  jointValue: 'Joint value',
  warmPath: 'Warm path',
};

/** "a, b and c". */
const andJoined = (words: readonly string[]) =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;

/** The other accounts a field's value names, as its button and hint say them ("Coho Winery"). */
const namedBy = (s: PacketSuggestions, field: SuggestedField) => andJoined(s.others[field] ?? []);

/** ":warning: The warm path names Coho Winery: use it only for that account." for the fields left that name one. */
function othersLine(s: PacketSuggestions, left: readonly SuggestedField[]): string {
  const marked = namingOthers(s).filter((f) => left.includes(f));
  const byNames = new Map<string, SuggestedField[]>();
  for (const f of marked) byNames.set(namedBy(s, f), [...(byNames.get(namedBy(s, f)) ?? []), f]);
  return [...byNames]
    .map(([names, fields]) => {
      const what = andJoined(fields.map((f) => `the ${BUTTON_LABEL[f].toLowerCase()}`));
      const one = fields.length === 1;
      const many = (s.others[fields[0] as SuggestedField]?.length ?? 0) > 1;
      return ` :warning: ${what.charAt(0).toUpperCase()}${what.slice(1)} name${one ? 's' : ''} ${userText(names, 300)}: use ${one ? 'it' : 'them'} only for ${many ? 'those accounts' : 'that account'}.`;
    })
    .join('');
}

/** Each button's own action id (Slack refuses two of one block alike): `packet_suggest:warmPath`. */
export const suggestActionId = (pick: SuggestionPick) => `${ACTION_ID.packetSuggest}:${pick}`;

/** A button's value: the handoff the suggestion comes from, and what it fills (`12:warmPath`). */
export const suggestionValue = (handoffId: number, pick: SuggestionPick) => `${handoffId}:${pick}`;

export function parseSuggestionValue(
  value: unknown,
): { handoffId: number; pick: SuggestionPick } | undefined {
  const m =
    typeof value === 'string' ? /^(\d{1,9}):(partnerContactName|jointValue|warmPath|all)$/.exec(value) : null;
  return m ? { handoffId: Number(m[1]), pick: m[2] as SuggestionPick } : undefined;
}

/** The fields "Use all" fills: those left that name no other account. */
const allOf = (s: PacketSuggestions, left: readonly SuggestedField[]) =>
  left.filter((f) => !namingOthers(s).includes(f));

/** The suggestions line and its buttons, for the fields not used yet (nothing when all are). */
export function suggestionBlocks(s: PacketSuggestions, used: readonly SuggestedField[] = []): KnownBlock[] {
  const left = (Object.keys(s.values) as SuggestedField[]).filter((f) => !used.includes(f));
  if (left.length === 0) return [];
  const contact = s.values.partnerContactName;
  const all = allOf(s, left);
  const offerAll = all.length > 1;
  const actions: ActionsBlock = {
    type: 'actions',
    block_id: SUGGESTIONS_BLOCK_ID,
    elements: [
      ...left.map((field) => {
        const names = namedBy(s, field);
        const label = field === 'partnerContactName' && contact ? `Contact: ${contact}` : BUTTON_LABEL[field];
        const text = plain(names ? `${label} (names ${names})` : label, 75);
        const spec = { text, actionId: suggestActionId(field), value: suggestionValue(s.handoffId, field) };
        return button(
          spec,
          `Use the ${BUTTON_LABEL[field].toLowerCase()} of your last packet for this partner${names ? `; it names ${names}` : ''}`,
        );
      }),
      ...(offerAll
        ? [
            button(
              {
                text: 'Use all',
                actionId: suggestActionId('all'),
                value: suggestionValue(s.handoffId, 'all'),
              },
              'Use all of these from your last packet for this partner that name no other account',
            ),
          ]
        : []),
    ],
  };
  const leftOut = offerAll && all.length < left.length ? ' "Use all" leaves them out.' : '';
  return [
    context(
      `:bulb: From your last packet for ${userText(s.partnerOrg, 100)} (#${s.handoffId}), one click each: ${left.map((f) => BUTTON_LABEL[f].toLowerCase()).join(', ')}.${othersLine(s, left)}${leftOut}`,
    ),
    actions,
  ];
}

/** A field's input in the packet modal. */
const blockIdOf = (field: SuggestedField) => PACKET_FIELDS[field].blockId;

interface InputLike {
  type: string;
  block_id?: string;
  hint?: { text?: string };
  element?: { action_id?: string; initial_value?: string; max_length?: number };
}

/**
 * The open packet with suggested values put in their inputs, for views.update: each filled input gets a new action
 * id (`value~N`), so Slack shows the new initial value instead of what the input held; every other input keeps
 * what the author typed (same block and action ids). The used buttons go.
 */
export function viewWithSuggestion(
  view: {
    callback_id?: string;
    title: { type: 'plain_text'; text: string };
    submit?: { type: 'plain_text'; text: string } | null;
    close?: { type: 'plain_text'; text: string } | null;
    private_metadata?: string;
    blocks: unknown[];
  },
  s: PacketSuggestions,
  pick: SuggestionPick,
  usedBefore: readonly SuggestedField[],
): ModalView {
  // Use all fills what is left and names no other account: a field used (and maybe edited since) keeps what the
  // author made of it.
  const fields: SuggestedField[] =
    pick === 'all'
      ? allOf(
          s,
          (Object.keys(s.values) as SuggestedField[]).filter((f) => !usedBefore.includes(f)),
        )
      : [pick];
  const used = [...new Set([...usedBefore, ...fields])];
  const blocks: unknown[] = [];
  for (const raw of view.blocks) {
    const block = raw as InputLike;
    if (block.block_id === SUGGESTIONS_BLOCK_ID) continue;
    if (block.type === 'context' && JSON.stringify(block).includes(':bulb: From your last packet')) {
      blocks.push(...suggestionBlocks(s, used));
      continue;
    }
    const field = fields.find((f) => blockIdOf(f) === block.block_id);
    const value = field ? s.values[field] : undefined;
    if (!field || value === undefined || !block.element) {
      blocks.push(raw);
      continue;
    }
    const turn = Number(/~(\d+)$/.exec(block.element.action_id ?? '')?.[1] ?? 0) + 1;
    const max = block.element.max_length ?? value.length;
    const names = namedBy(s, field);
    const from = `From your last packet for ${s.partnerOrg} (#${s.handoffId}).${names ? ` It names ${names}: make it about this account.` : ''}`;
    const hint = block.hint?.text ?? '';
    blocks.push({
      ...block,
      element: {
        ...block.element,
        action_id: `${ACTION_ID.value}~${turn}`,
        initial_value: plain(value, max),
      },
      // Where the value came from, first in the hint, as for every prefilled value.
      hint: {
        type: 'plain_text',
        text: plain(hint.startsWith(from) ? hint : `${from} ${hint}`.trim(), 2000),
      },
    });
  }
  return {
    type: 'modal',
    ...(view.callback_id ? { callback_id: view.callback_id } : {}),
    title: view.title,
    ...(view.submit ? { submit: view.submit } : {}),
    ...(view.close ? { close: view.close } : {}),
    ...(view.private_metadata ? { private_metadata: view.private_metadata } : {}),
    blocks: blocks as KnownBlock[],
  };
}

/** The fields a view's buttons no longer offer (used already), from the suggestion line's buttons still there. */
export function usedFields(blocks: readonly unknown[], s: PacketSuggestions): SuggestedField[] {
  const actions = blocks.find((b) => (b as InputLike).block_id === SUGGESTIONS_BLOCK_ID) as
    | { elements?: { value?: string }[] }
    | undefined;
  const offered = new Set((actions?.elements ?? []).map((e) => parseSuggestionValue(e.value)?.pick));
  return (Object.keys(s.values) as SuggestedField[]).filter((f) => !offered.has(f));
}

/** The fields whose suggestion the form already holds as prefilled (no button for what is there: the contact). */
export function alreadyThere(
  s: PacketSuggestions,
  prefill: Partial<Record<string, unknown>>,
): SuggestedField[] {
  const contact = joinContact(
    typeof prefill.partnerContactName === 'string' ? prefill.partnerContactName : null,
    typeof prefill.partnerContactRole === 'string' ? prefill.partnerContactRole : null,
  );
  const now: Record<SuggestedField, unknown> = {
    partnerContactName: contact,
    jointValue: prefill.jointValue,
    warmPath: prefill.warmPath,
  };
  return (Object.keys(s.values) as SuggestedField[]).filter(
    (f) =>
      typeof now[f] === 'string' &&
      (now[f] as string).trim().toLowerCase() === s.values[f]?.trim().toLowerCase(),
  );
}
