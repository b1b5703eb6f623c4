import type { ModalView } from '@slack/types';
import { expect } from 'vitest';
import type { SlackMessage } from '../../../src/blocks/message.js';
import { validateMessage, validateView } from '../../support/fakeSlack.js';

export type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;

/** Every object nested anywhere in `value`. */
export function* objects(value: unknown): Generator<Obj> {
  if (Array.isArray(value)) for (const item of value) yield* objects(item);
  else if (isObj(value)) {
    yield value;
    for (const child of Object.values(value)) yield* objects(child);
  }
}

export const textOf = (v: unknown) => (isObj(v) && typeof v.text === 'string' ? v.text : '');

/** The text Slack parses as mrkdwn: the notification text and every mrkdwn text object. */
export function mrkdwnTexts(message: SlackMessage): string[] {
  const texts = [...objects(message.blocks)].filter((o) => o.type === 'mrkdwn').map(textOf);
  return [message.text, ...texts];
}

/** Asserts that no user-typed mention survives unescaped, and that the escaped form is really there. */
export function expectMentionsNeutralised(message: SlackMessage): void {
  const texts = mrkdwnTexts(message);
  for (const text of texts) expect(text).not.toContain('<!channel>');
  expect(texts.join('\n')).toContain('&lt;!channel&gt;');
}

/** block_id ≤ 255 and unique; action_id ≤ 255 and unique inside its block. */
function expectIds(blocks: Obj[]): void {
  const blockIds = blocks.map((b) => b.block_id).filter((id): id is string => typeof id === 'string');
  expect(new Set(blockIds).size).toBe(blockIds.length);
  for (const block of blocks) {
    if (typeof block.block_id === 'string') expect(block.block_id.length).toBeLessThanOrEqual(255);
    const actionIds = [...objects(block)]
      .map((o) => o.action_id)
      .filter((id): id is string => typeof id === 'string');
    expect(new Set(actionIds).size).toBe(actionIds.length);
    for (const id of actionIds) expect(id.length).toBeLessThanOrEqual(255);
  }
}

/** Block Kit message limits of SLACK.md, checked directly and by the fake Slack validator. */
export function expectMessageWithinLimits(message: SlackMessage): void {
  const blocks = message.blocks as unknown as Obj[];
  expect(blocks.length).toBeLessThanOrEqual(50);
  expect(message.text.length).toBeLessThanOrEqual(40_000);
  for (const block of blocks) {
    if (block.type === 'section') {
      expect(textOf(block.text).length).toBeLessThanOrEqual(3000);
      const fields = (block.fields ?? []) as Obj[];
      expect(fields.length).toBeLessThanOrEqual(10);
      for (const f of fields) expect(textOf(f).length).toBeLessThanOrEqual(2000);
    }
    if (block.type === 'header') expect(textOf(block.text).length).toBeLessThanOrEqual(150);
    if (block.type === 'context') {
      for (const el of block.elements as Obj[]) expect(textOf(el).length).toBeLessThanOrEqual(3000);
    }
    for (const o of objects(block)) {
      if (o.type !== 'button') continue;
      expect(textOf(o.text).length).toBeLessThanOrEqual(75);
      expect(String(o.value ?? '').length).toBeLessThanOrEqual(2000);
    }
  }
  expectIds(blocks);
  expect(validateMessage(message)).toBeNull();
}

/** Block Kit modal limits of SLACK.md, checked directly and by the fake Slack validator. */
export function expectModalWithinLimits(modal: ModalView): void {
  const view = modal as unknown as Obj;
  const blocks = modal.blocks as unknown as Obj[];
  expect(blocks.length).toBeLessThanOrEqual(100);
  for (const key of ['title', 'submit', 'close']) expect(textOf(view[key]).length).toBeLessThanOrEqual(24);
  expect(String(view.private_metadata ?? '').length).toBeLessThanOrEqual(3000);
  for (const o of objects(blocks)) {
    if (o.type === 'plain_text_input') expect(o.max_length).toBeLessThanOrEqual(3000);
    if (isObj(o.placeholder)) expect(textOf(o.placeholder).length).toBeLessThanOrEqual(150);
    if (typeof o.initial_value === 'string' && typeof o.max_length === 'number') {
      expect(o.initial_value.length).toBeLessThanOrEqual(o.max_length);
    }
  }
  expectIds(blocks);
  expect(validateView(view, ['modal'])).toBeNull();
}
