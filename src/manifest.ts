/**
 * `npm run manifest -- --url https://handoff.acme.com [--oauth] [--out FILE [--force]]` or
 * `npm run manifest -- --socket-mode [--out FILE]`: the Slack app manifest for this deployment, made from the
 * repository's manifest.json (see manifest/deployment.ts), checked against the rules of Slack's manifest schema,
 * written to FILE or standard output. `--oauth`: the manifest for an install by OAuth (docs/install.md). Needs no
 * settings and no token. Bad arguments: a message and exit code 2; a manifest.json that cannot be made valid, or a
 * FILE that exists (without --force), is a link, or cannot be written (its folder missing): one line and exit code 1.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitFailed, exitWithUsage } from './cliExit.js';
import { described, MANIFEST_USAGE, manifestRequest } from './manifest/command.js';
import { type JsonObject, manifestFor } from './manifest/deployment.js';
import { writeManifest } from './manifest/output.js';

/** manifest.json at the repository's root: one level above src/ (tsx) and dist/ (built). */
const SOURCE = join(import.meta.dirname, '..', 'manifest.json');

function fail(message: string): never {
  return exitWithUsage(message, MANIFEST_USAGE);
}

function main(): void {
  const request = manifestRequest(process.argv.slice(2));
  if (request.kind === 'help') {
    process.stdout.write(MANIFEST_USAGE);
    return;
  }
  if (request.kind === 'usage') fail(request.message);
  const { deployment, out, force } = request;
  const source = JSON.parse(readFileSync(SOURCE, 'utf8')) as JsonObject;
  const made = manifestFor(source, deployment);
  if (made.kind === 'invalid') exitFailed(`${made.message}\n(from ${SOURCE})`);
  const text = `${JSON.stringify(made.value, null, 2)}\n`;
  if (out) {
    const written = writeManifest(out, text, force);
    if (written.kind === 'refused') exitFailed(written.message);
    process.stderr.write(`Wrote the manifest (${described(deployment)}) to ${out}\n`);
  } else {
    process.stdout.write(text);
  }
}

main();
