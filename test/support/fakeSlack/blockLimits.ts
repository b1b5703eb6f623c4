/**
 * Block Kit validation of the fake Slack server: the documented hard limits (see /work/shared/SLACK.md),
 * reported the way Slack does, as `response_metadata.messages` entries such as
 * `[ERROR] must be less than 3001 characters [json-pointer:/blocks/3/text/text]`.
 *
 * Lengths are counted in Unicode code points, so text truncated with `String#slice` always fits.
 */

import { inputElementProblems } from './inputElements.js';

export const LIMITS = {
  messageText: 40_000,
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  sectionField: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  buttonAccessibilityLabel: 75,
  actionId: 255,
  blockId: 255,
  placeholder: 150,
  inputLabel: 2000,
  inputHint: 2000,
  plainTextInputLength: 3000,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  selectOptions: 100,
  checkboxOptions: 10,
  radioOptions: 10,
  overflowOptions: 5,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  imageAltText: 2000,
  imageUrl: 3000,
  markdownText: 12_000,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  viewBytes: 250_000,
} as const;

export interface ValidationFailure {
  error: string;
  messages: string[];
}

/** What image validation needs to know about a Slack file named by an image's `slack_file`. */
export interface SlackFileState {
  /** A PNG, JPEG or GIF (Slack's image blocks show nothing else). */
  isImage: boolean;
  /** Slack finished processing it (files.info reports a mimetype). */
  processed: boolean;
  /**
   * The people who will see the blocks can see the file: it is shared in the conversation the message goes to, in a
   * conversation of the person whose view it is, or public. A file uploaded without a channel is private to its
   * uploader (files.completeUploadExternal: "If not specified the file will be private"), and Slack refuses a
   * `slack_file` naming it as `invalid slack file`, like an unknown one.
   */
  visible: boolean;
}

/**
 * Finds a completed file by `slack_file.id` or `slack_file.url` as seen by the surface being validated (see
 * `visible`); undefined when there is none.
 */
export type SlackFileLookup = (ref: { id: string } | { url: string }) => SlackFileState | undefined;

export interface ValidationOptions {
  /**
   * Resolves `slack_file` references of image blocks and elements. Without it (pure unit checks of block
   * builders) only their shape is checked; the fake server always passes its file store.
   */
  files?: SlackFileLookup;
}

type Obj = Record<string, unknown>;

interface Ctx {
  problems: string[];
  blockIds: Set<string>;
  files?: SlackFileLookup;
}

const BLOCK_TYPES = new Set([
  'actions',
  'context',
  'divider',
  'file',
  'header',
  'image',
  'input',
  'markdown',
  'rich_text',
  'section',
  'video',
  'call',
  'table',
  'context_actions',
]);

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const charCount = (s: string): number => [...s].length;

function report(ctx: Ctx, pointer: string, message: string): void {
  ctx.problems.push(`[ERROR] ${message} [json-pointer:${pointer}]`);
}

/** Checks an optional (or required) string property: type and maximum length. */
function checkString(ctx: Ctx, parent: Obj, key: string, ptr: string, max: number, required = false): void {
  const value = parent[key];
  if (value === undefined || value === null) {
    if (required) report(ctx, ptr, `missing required field: ${key}`);
    return;
  }
  if (typeof value !== 'string') {
    report(ctx, `${ptr}/${key}`, 'must be a string');
    return;
  }
  if (charCount(value) > max) report(ctx, `${ptr}/${key}`, `must be less than ${max + 1} characters`);
}

/** Checks a text object `{ type: 'plain_text' | 'mrkdwn', text }` held in `parent[key]`. */
function checkText(
  ctx: Ctx,
  parent: Obj,
  key: string,
  ptr: string,
  max: number,
  opts: { required?: boolean; plainOnly?: boolean } = {},
): void {
  const value = parent[key];
  const here = `${ptr}/${key}`;
  if (value === undefined || value === null) {
    if (opts.required) report(ctx, ptr, `missing required field: ${key}`);
    return;
  }
  if (!isObj(value)) {
    report(ctx, here, 'must provide an object');
    return;
  }
  if (opts.plainOnly ? value.type !== 'plain_text' : value.type !== 'plain_text' && value.type !== 'mrkdwn') {
    report(ctx, `${here}/type`, opts.plainOnly ? 'must be plain_text' : 'must be plain_text or mrkdwn');
  }
  if (typeof value.text !== 'string') {
    report(ctx, here, 'missing required field: text');
    return;
  }
  if (value.text.length === 0) {
    report(ctx, `${here}/text`, 'must be more than 0 characters');
  } else if (charCount(value.text) > max) {
    report(ctx, `${here}/text`, `must be less than ${max + 1} characters`);
  }
}

function checkCount(ctx: Ctx, value: unknown, ptr: string, max: number, min = 0): value is unknown[] {
  if (!Array.isArray(value)) {
    report(ctx, ptr, 'must provide an array');
    return false;
  }
  if (value.length > max) report(ctx, ptr, `no more than ${max} items allowed`);
  if (value.length < min) report(ctx, ptr, `must provide at least ${min} items`);
  return true;
}

function checkNumber(ctx: Ctx, parent: Obj, key: string, ptr: string, min: number, max: number): void {
  const value = parent[key];
  if (value === undefined || value === null) return;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n)) {
    report(ctx, `${ptr}/${key}`, 'must be an integer');
    return;
  }
  if (n > max) report(ctx, `${ptr}/${key}`, `must be less than or equal to ${max}`);
  if (n < min) report(ctx, `${ptr}/${key}`, `must be greater than or equal to ${min}`);
}

function checkOptions(ctx: Ctx, options: unknown, ptr: string, max: number, plainOnly: boolean): void {
  if (!checkCount(ctx, options, ptr, max)) return;
  options.forEach((option, i) => {
    const p = `${ptr}/${i}`;
    if (!isObj(option)) {
      report(ctx, p, 'must provide an object');
      return;
    }
    checkText(ctx, option, 'text', p, LIMITS.optionText, { required: true, plainOnly });
    checkString(ctx, option, 'value', p, LIMITS.optionValue);
    checkText(ctx, option, 'description', p, LIMITS.optionDescription, { plainOnly });
  });
}

function checkConfirm(ctx: Ctx, el: Obj, ptr: string): void {
  const confirm = el.confirm;
  if (confirm === undefined) return;
  const p = `${ptr}/confirm`;
  if (!isObj(confirm)) {
    report(ctx, p, 'must provide an object');
    return;
  }
  checkText(ctx, confirm, 'title', p, LIMITS.confirmTitle, { plainOnly: true });
  checkText(ctx, confirm, 'text', p, LIMITS.confirmText);
  checkText(ctx, confirm, 'confirm', p, LIMITS.confirmButton, { plainOnly: true });
  checkText(ctx, confirm, 'deny', p, LIMITS.confirmButton, { plainOnly: true });
}

/** A non-empty string property, else undefined. */
const nonEmpty = (parent: Obj, key: string): string | undefined => {
  const value = parent[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/**
 * `slack_file: { id } | { url }`: exactly one of them, naming a completed image file that Slack has
 * finished processing and that the viewers of the surface can see. Slack answers any such problem as
 * `invalid slack file [json-pointer:.../slack_file]` (e.g. slackapi/python-slack-sdk#1658, a file uploaded without
 * a channel and then named in chat.postMessage).
 */
function checkSlackFile(ctx: Ctx, ref: unknown, ptr: string): void {
  if (!isObj(ref)) {
    report(ctx, ptr, 'must provide an object');
    return;
  }
  const id = nonEmpty(ref, 'id');
  const url = nonEmpty(ref, 'url');
  if ((id === undefined) === (url === undefined)) {
    report(ctx, ptr, 'must provide exactly one of: id, url');
    return;
  }
  if (!ctx.files) return;
  const file = ctx.files(id !== undefined ? { id } : { url: url as string });
  if (!(file?.isImage && file.processed && file.visible)) report(ctx, ptr, 'invalid slack file');
}

/** Image blocks and image elements: `alt_text`, and exactly one of `image_url` / `slack_file`. */
function checkImage(ctx: Ctx, image: Obj, ptr: string): void {
  checkString(ctx, image, 'alt_text', ptr, LIMITS.imageAltText, true);
  const hasUrl = image.image_url !== undefined && image.image_url !== null;
  const hasFile = image.slack_file !== undefined && image.slack_file !== null;
  if (hasUrl === hasFile) report(ctx, ptr, 'must provide exactly one of: image_url, slack_file');
  checkString(ctx, image, 'image_url', ptr, LIMITS.imageUrl);
  if (hasFile) checkSlackFile(ctx, image.slack_file, `${ptr}/slack_file`);
}

/** Interactive elements (and images) found in actions, section accessories, input and context blocks. */
function checkElement(ctx: Ctx, el: unknown, ptr: string): void {
  if (!isObj(el)) {
    report(ctx, ptr, 'must provide an object');
    return;
  }
  if (typeof el.type !== 'string') {
    report(ctx, ptr, 'missing required field: type');
    return;
  }
  checkString(ctx, el, 'action_id', ptr, LIMITS.actionId);
  checkText(ctx, el, 'placeholder', ptr, LIMITS.placeholder, { plainOnly: true });
  checkConfirm(ctx, el, ptr);
  for (const [pointer, message] of inputElementProblems(el, ptr)) report(ctx, pointer, message);
  switch (el.type) {
    case 'button':
      checkText(ctx, el, 'text', ptr, LIMITS.buttonText, { required: true, plainOnly: true });
      checkString(ctx, el, 'value', ptr, LIMITS.buttonValue);
      checkString(ctx, el, 'url', ptr, LIMITS.buttonUrl);
      checkString(ctx, el, 'accessibility_label', ptr, LIMITS.buttonAccessibilityLabel);
      break;
    case 'plain_text_input':
      checkNumber(ctx, el, 'max_length', ptr, 1, LIMITS.plainTextInputLength);
      checkNumber(ctx, el, 'min_length', ptr, 0, LIMITS.plainTextInputLength);
      break;
    case 'static_select':
    case 'multi_static_select':
      if (el.options !== undefined)
        checkOptions(ctx, el.options, `${ptr}/options`, LIMITS.selectOptions, true);
      if (el.option_groups !== undefined && checkCount(ctx, el.option_groups, `${ptr}/option_groups`, 100)) {
        el.option_groups.forEach((group, i) => {
          const p = `${ptr}/option_groups/${i}`;
          if (!isObj(group)) {
            report(ctx, p, 'must provide an object');
            return;
          }
          checkText(ctx, group, 'label', p, LIMITS.optionText, { required: true, plainOnly: true });
          checkOptions(ctx, group.options, `${p}/options`, LIMITS.selectOptions, true);
        });
      }
      break;
    case 'checkboxes':
      checkOptions(ctx, el.options, `${ptr}/options`, LIMITS.checkboxOptions, false);
      break;
    case 'radio_buttons':
      checkOptions(ctx, el.options, `${ptr}/options`, LIMITS.radioOptions, false);
      break;
    case 'overflow':
      checkOptions(ctx, el.options, `${ptr}/options`, LIMITS.overflowOptions, true);
      break;
    case 'image':
      checkImage(ctx, el, ptr);
      break;
  }
}

function checkBlock(ctx: Ctx, block: unknown, ptr: string): void {
  if (!isObj(block)) {
    report(ctx, ptr, 'must provide an object');
    return;
  }
  if (typeof block.type !== 'string') {
    report(ctx, ptr, 'missing required field: type');
    return;
  }
  if (!BLOCK_TYPES.has(block.type)) {
    report(ctx, `${ptr}/type`, `unsupported block type: ${block.type}`);
    return;
  }
  checkString(ctx, block, 'block_id', ptr, LIMITS.blockId);
  if (typeof block.block_id === 'string') {
    if (ctx.blockIds.has(block.block_id)) {
      report(ctx, `${ptr}/block_id`, `duplicate block_id: ${block.block_id}`);
    }
    ctx.blockIds.add(block.block_id);
  }
  switch (block.type) {
    case 'section':
      if (block.text === undefined && block.fields === undefined) {
        report(ctx, ptr, 'must provide at least one of: text, fields');
      }
      checkText(ctx, block, 'text', ptr, LIMITS.sectionText);
      if (
        block.fields !== undefined &&
        checkCount(ctx, block.fields, `${ptr}/fields`, LIMITS.sectionFields)
      ) {
        block.fields.forEach((_, i) => {
          checkText(ctx, block.fields as Obj, String(i), `${ptr}/fields`, LIMITS.sectionField, {
            required: true,
          });
        });
      }
      if (block.accessory !== undefined) checkElement(ctx, block.accessory, `${ptr}/accessory`);
      break;
    case 'header':
      checkText(ctx, block, 'text', ptr, LIMITS.headerText, { required: true, plainOnly: true });
      break;
    case 'context':
      if (checkCount(ctx, block.elements, `${ptr}/elements`, LIMITS.contextElements, 1)) {
        block.elements.forEach((el, i) => {
          const p = `${ptr}/elements/${i}`;
          if (isObj(el) && el.type === 'image') checkElement(ctx, el, p);
          else checkText(ctx, block.elements as Obj, String(i), `${ptr}/elements`, LIMITS.sectionText);
        });
      }
      break;
    case 'actions':
      if (checkCount(ctx, block.elements, `${ptr}/elements`, LIMITS.actionsElements, 1)) {
        // Slack refuses two elements of one block with the same action_id (invalid_blocks).
        const actionIds = new Set<string>();
        block.elements.forEach((el, i) => {
          checkElement(ctx, el, `${ptr}/elements/${i}`);
          const id = isObj(el) && typeof el.action_id === 'string' ? el.action_id : undefined;
          if (id !== undefined && actionIds.has(id))
            report(ctx, `${ptr}/elements/${i}/action_id`, `duplicate action_id in block: ${id}`);
          if (id !== undefined) actionIds.add(id);
        });
      }
      break;
    case 'input':
      checkText(ctx, block, 'label', ptr, LIMITS.inputLabel, { required: true, plainOnly: true });
      checkText(ctx, block, 'hint', ptr, LIMITS.inputHint, { plainOnly: true });
      if (block.element === undefined) report(ctx, ptr, 'missing required field: element');
      else checkElement(ctx, block.element, `${ptr}/element`);
      break;
    case 'image':
      checkImage(ctx, block, ptr);
      checkText(ctx, block, 'title', ptr, LIMITS.imageAltText, { plainOnly: true });
      break;
    case 'markdown':
      checkString(ctx, block, 'text', ptr, LIMITS.markdownText, true);
      break;
  }
}

function checkBlocks(ctx: Ctx, blocks: unknown[], ptr: string, max: number): void {
  if (blocks.length > max) report(ctx, ptr, `no more than ${max} items allowed`);
  blocks.forEach((block, i) => {
    checkBlock(ctx, block, `${ptr}/${i}`);
  });
}

/** Validates `text` and `blocks` of chat.postMessage / chat.update / chat.postEphemeral / response_url bodies. */
export function validateMessage(
  args: { text?: unknown; blocks?: unknown },
  opts: ValidationOptions = {},
): ValidationFailure | null {
  if (typeof args.text === 'string' && charCount(args.text) > LIMITS.messageText) {
    return { error: 'msg_too_long', messages: [] };
  }
  if (args.blocks === undefined || args.blocks === null) return null;
  if (!Array.isArray(args.blocks)) {
    return {
      error: 'invalid_blocks_format',
      messages: ['[ERROR] must provide an array [json-pointer:/blocks]'],
    };
  }
  const ctx: Ctx = { problems: [], blockIds: new Set(), files: opts.files };
  checkBlocks(ctx, args.blocks, '/blocks', LIMITS.messageBlocks);
  return ctx.problems.length > 0 ? { error: 'invalid_blocks', messages: ctx.problems } : null;
}

/** Validates a view of views.open / views.push / views.update (`modal`) or views.publish (`home`). */
export function validateView(
  view: unknown,
  allowedTypes: readonly string[],
  opts: ValidationOptions = {},
): ValidationFailure | null {
  const invalid = (messages: string[]): ValidationFailure => ({ error: 'invalid_arguments', messages });
  if (!isObj(view)) return invalid(['[ERROR] missing required field: view [json-pointer:/view]']);
  if (Buffer.byteLength(JSON.stringify(view)) > LIMITS.viewBytes)
    return { error: 'view_too_large', messages: [] };
  const ctx: Ctx = { problems: [], blockIds: new Set(), files: opts.files };
  const ptr = '/view';
  if (typeof view.type !== 'string') report(ctx, ptr, 'missing required field: type');
  else if (!allowedTypes.includes(view.type)) {
    report(ctx, `${ptr}/type`, `must be one of: ${allowedTypes.join(', ')}`);
  }
  if (view.type === 'modal') {
    checkText(ctx, view, 'title', ptr, LIMITS.viewTitle, { required: true, plainOnly: true });
    checkText(ctx, view, 'submit', ptr, LIMITS.viewButton, { plainOnly: true });
    checkText(ctx, view, 'close', ptr, LIMITS.viewButton, { plainOnly: true });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) {
      report(ctx, ptr, 'missing required field: submit (required when the view has input blocks)');
    }
  }
  checkString(ctx, view, 'private_metadata', ptr, LIMITS.privateMetadata);
  checkString(ctx, view, 'callback_id', ptr, LIMITS.callbackId);
  checkString(ctx, view, 'external_id', ptr, LIMITS.externalId);
  if (view.blocks === undefined) report(ctx, ptr, 'missing required field: blocks');
  else if (!Array.isArray(view.blocks)) report(ctx, `${ptr}/blocks`, 'must provide an array');
  else checkBlocks(ctx, view.blocks, `${ptr}/blocks`, LIMITS.viewBlocks);
  return ctx.problems.length > 0 ? invalid(ctx.problems) : null;
}
