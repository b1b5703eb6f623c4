import { crmSecretSettings } from './domain/crmFacts.js';

/**
 * The secrets of the settings, kept out of what the app prints: the doctor's report (doctor/run.ts) and every log
 * line (logger.ts).
 */

/** The settings whose values are secrets, and those that are URLs which may carry a password (each CRM's: its row). */
const SECRET_SETTINGS = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
  'SLACK_TOKEN_KEY',
  'SLACK_AUTHORIZATIONS_TOKEN',
  ...crmSecretSettings().secrets,
];
const URL_SETTINGS = ['SLACK_API_URL', 'DATABASE_URL', ...crmSecretSettings().urls];

/** Every secret the settings hold (tokens, and the passwords and queries of URLs), longest first. */
export function secretsOf(env: NodeJS.ProcessEnv): string[] {
  const secrets = new Set<string>();
  for (const name of SECRET_SETTINGS) {
    const value = env[name]?.trim();
    if (value) secrets.add(value);
  }
  for (const name of URL_SETTINGS) {
    const value = env[name]?.trim();
    if (!value) continue;
    try {
      const parsed = new URL(value);
      for (const part of [parsed.password, decodeURIComponent(parsed.password), parsed.search.slice(1)])
        if (part) secrets.add(part);
    } catch {
      // A URL that does not parse is refused by the settings check, which never echoes it.
    }
  }
  // Short values ("x") would blank out ordinary words; no real secret is that short.
  return [...secrets].filter((secret) => secret.length >= 4).sort((a, b) => b.length - a.length);
}

/** `text` with every one of `secrets` replaced by `mask`. */
export function scrub(text: string, secrets: readonly string[], mask = '***'): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(mask);
  return out;
}
