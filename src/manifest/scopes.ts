import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type JsonObject, manifestFor } from './deployment.js';

/** manifest.json at the repository's root: two levels above src/manifest/ (tsx) and dist/manifest/ (built). */
const MANIFEST = join(import.meta.dirname, '..', '..', 'manifest.json');

/**
 * The bot scopes of the manifest `npm run manifest` makes (the same in HTTP and Socket Mode): what the doctor checks a
 * token against, and what /slack/install asks for.
 */
export function manifestBotScopes(file = MANIFEST): string[] {
  const made = manifestFor(JSON.parse(readFileSync(file, 'utf8')) as JsonObject, { mode: 'socket' });
  if (made.kind === 'invalid') throw new Error(`${file}: ${made.message}`);
  const oauth = made.value.oauth_config as JsonObject;
  const bot = (oauth.scopes as JsonObject).bot;
  return Array.isArray(bot) ? bot.filter((scope): scope is string => typeof scope === 'string') : [];
}

/** The manifest's shortcuts, as people find them in Slack (the doctor names them, so an admin knows what to offer). */
export function manifestShortcuts(file = MANIFEST): string[] {
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
    features?: { shortcuts?: { name?: unknown; type?: unknown }[] };
  };
  return (manifest.features?.shortcuts ?? []).flatMap((s) =>
    typeof s.name === 'string' ? [`${s.name} (${s.type === 'message' ? 'on a message' : 'global'})`] : [],
  );
}
