import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../src/configEnv.js';
import { SETTING_KEYS, SETTINGS, SETTINGS_ENV, type SettingRow } from '../../src/program/settings.js';

/**
 * The environment holds the deployment's own settings, at most 15 of them in `.env.example` and the
 * README's table; everything about the program is in Slack. Every setting the app reads is documented; a program
 * setting that was an environment variable is read in once at the first start, and a new one is a row only.
 */
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const ENV_KEYS = Object.keys(envSchema.shape);
const named = (text: string) => [
  ...new Set([...text.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1])),
];

describe('the settings', () => {
  it('.env.example lists at most 15, each one the app reads, none of them the program’s', () => {
    const listed = named(read('.env.example'));
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.length).toBeLessThanOrEqual(15);
    expect(listed.filter((key) => !ENV_KEYS.includes(key as string))).toEqual([]);
    expect(listed.filter((key) => SETTINGS_ENV.includes(key as string))).toEqual([]);
  });

  it('the README’s table names the same ones as .env.example', () => {
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('### Settings'), readme.indexOf('### Running it'));
    const table = section
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .join('\n');
    const inTable = [...new Set([...table.matchAll(/`([A-Z][A-Z0-9_]{2,})`/g)].map((m) => m[1]))].sort();
    expect(inTable).toEqual(named(read('.env.example')).sort());
  });

  it('docs/configuration.md names every setting the app reads, with each program setting’s place in Slack', () => {
    const docs = read('docs/configuration.md');
    expect(ENV_KEYS.filter((key) => !docs.includes(`\`${key}\``))).toEqual([]);
    for (const key of SETTING_KEYS) {
      // A setting that was an environment variable is still read (once); a new one need not be one.
      const { env } = SETTINGS[key] as SettingRow;
      if (env !== undefined) expect(ENV_KEYS).toContain(env);
      const label = SETTINGS[key].label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(docs).toMatch(new RegExp(`→ ${label} *\\|`));
    }
  });
});
