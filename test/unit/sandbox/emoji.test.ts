import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emojiChar, mrkdwnToHtml } from '../../../sandbox/web/render.js';
import { blankContext } from './unitdomain-context.js';

/**
 * Every emoji code the app writes shows as its character in the sandbox page, never as `:text:`: the renderer's
 * table (sandbox/web/render.ts) knows each one. The codes are read from the app's source as its messages write them:
 * a `:code:` standing alone in a string (after the string's start, a space or a bracket, before a space or the
 * string's end), so keys such as `help:${id}:claimed:requester` are not taken for emoji. src/db is left out: it
 * stores and never shows. The one standalone code that is not an emoji is SQLite's file name `:memory:`.
 */
const SRC = join(import.meta.dirname, '../../../src');
const NOT_EMOJI = new Set([':memory:']);
const STANDALONE_CODE = /(?<=^|[\s'"`(])(:[a-z0-9_+-]+:)(?=[\s'"`])/gm;

const sourceFiles = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.startsWith('db/'))
    .map((file) => join(dir, file));

const appCodes = [
  ...new Set(
    sourceFiles(SRC).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(STANDALONE_CODE)].map((m) => m[1] ?? ''),
    ),
  ),
]
  .filter((code) => !NOT_EMOJI.has(code))
  .sort();

const ctx = blankContext;

describe('the emoji the app uses', () => {
  it('finds the codes the app writes (the scan itself works)', () => {
    expect(appCodes).toEqual(
      expect.arrayContaining([':mag:', ':fast_forward:', ':white_check_mark:', ':palm_tree:']),
    );
    expect(appCodes).not.toContain(':claimed:');
  });

  it('knows every one of them, so none shows as text in the page', () => {
    expect(appCodes.filter((code) => emojiChar(code) === undefined)).toEqual([]);
  });

  it('shows :mag: and :fast_forward: in a message as their characters', () => {
    expect(mrkdwnToHtml(':mag: Salesforce was searched', ctx)).toContain('🔍</span> Salesforce was searched');
    expect(mrkdwnToHtml(':fast_forward: The deal moved on', ctx)).toContain('⏩</span> The deal moved on');
  });
});
