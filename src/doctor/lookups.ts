import { DirectoryUnavailableError } from '../core/directory.js';
import { slackErrorCode } from '../runtime/health.js';
import type { Finding } from './types.js';

/** A Slack lookup that failed for another reason than "no such thing": what Slack said, as a failed finding. */
export function lookupFailure(what: string, error: unknown): Finding {
  const cause = error instanceof DirectoryUnavailableError ? error.cause : error;
  const code = slackErrorCode(cause);
  if (code === 'missing_scope') {
    return {
      status: 'fail',
      text: `${what}: Slack refused the lookup (missing_scope).`,
      fix: 'Give the token the scopes of the manifest (see the token check above) and reinstall the app.',
    };
  }
  return {
    status: 'fail',
    text: `${what}: the lookup failed (${code ?? (cause instanceof Error ? cause.message : String(cause))}).`,
    fix: "Run the doctor again; if it keeps failing, check the network and Slack's status (https://slack-status.com).",
  };
}
