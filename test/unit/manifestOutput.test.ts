import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeManifest } from '../../src/manifest/output.js';

/**
 * `npm run manifest -- --out FILE`: it overwrote any file (a `.env` given by mistake) without
 * --force, wrote through a symbolic link, and a missing folder ended in a stack trace.
 */
describe('writeManifest (--out)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'handoff-manifest-out-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a new file; keeps an existing file without --force (the .env given by mistake), and replaces it with it', () => {
    expect(writeManifest(join(dir, 'app.json'), '{}\n', false)).toEqual({ kind: 'written' });
    expect(readFileSync(join(dir, 'app.json'), 'utf8')).toBe('{}\n');
    const env = join(dir, '.env');
    writeFileSync(env, 'SLACK_BOT_TOKEN=xoxb-keep-me\n');
    expect(writeManifest(env, '{}\n', false)).toEqual({
      kind: 'refused',
      message: `${env} already exists: choose another file, or add --force to replace it.`,
    });
    expect(readFileSync(env, 'utf8')).toBe('SLACK_BOT_TOKEN=xoxb-keep-me\n');
    expect(writeManifest(env, '{}\n', true)).toEqual({ kind: 'written' });
    expect(readFileSync(env, 'utf8')).toBe('{}\n');
    expect(readdirSync(dir).sort()).toEqual(['.env', 'app.json']);
  });

  it('never writes through a symbolic link: refused without --force, the link itself replaced with it', () => {
    const precious = join(dir, 'precious.txt');
    writeFileSync(precious, 'untouched\n');
    const link = join(dir, 'app.json');
    symlinkSync(precious, link);
    expect(writeManifest(link, '{}\n', false)).toEqual({
      kind: 'refused',
      message: `${link} is a symbolic link: the manifest is not written through it. Give the file itself, or add --force to replace the link with the manifest.`,
    });
    expect(readlinkSync(link)).toBe(precious);
    const dangling = join(dir, 'dangling.json');
    symlinkSync(join(dir, 'nowhere.txt'), dangling);
    expect(writeManifest(dangling, '{}\n', false).kind).toBe('refused');
    expect(readdirSync(dir).sort()).toEqual(['app.json', 'dangling.json', 'precious.txt']);

    expect(writeManifest(link, '{}\n', true)).toEqual({ kind: 'written' });
    expect(lstatSync(link).isSymbolicLink()).toBe(false);
    expect(readFileSync(link, 'utf8')).toBe('{}\n');
    expect(readFileSync(precious, 'utf8')).toBe('untouched\n');
  });

  it('says a missing folder, a folder given as the file, and a file given as the folder, in one line', () => {
    const missing = join(dir, 'no-such-folder', 'app.json');
    expect(writeManifest(missing, '{}\n', false)).toEqual({
      kind: 'refused',
      message: `The folder ${join(dir, 'no-such-folder')} does not exist: make it first, or choose another file.`,
    });
    expect(writeManifest(missing, '{}\n', true).kind).toBe('refused');
    mkdirSync(join(dir, 'a-folder'));
    for (const force of [false, true])
      expect(writeManifest(join(dir, 'a-folder'), '{}\n', force)).toEqual({
        kind: 'refused',
        message: force
          ? `${join(dir, 'a-folder')} is a folder: give a file name (like ${join(dir, 'a-folder', 'manifest.json')}).`
          : `${join(dir, 'a-folder')} already exists: choose another file, or add --force to replace it.`,
      });
    writeFileSync(join(dir, 'a-file'), '');
    expect(writeManifest(join(dir, 'a-file', 'app.json'), '{}\n', false)).toEqual({
      kind: 'refused',
      message: `${join(dir, 'a-file')} is not a folder: choose another file.`,
    });
  });
});
