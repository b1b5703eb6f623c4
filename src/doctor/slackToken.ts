import type { Installation } from '@slack/oauth';
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRequestError, WebClient } from '@slack/web-api';
import { slackDirectory, workspacesOfOrg } from '../core/directory.js';
import { installedNow } from '../db/repositories/installations.js';
import { slackErrorCode } from '../domain/slackErrors.js';
import { authorizationsTokenRefusal } from '../install/eventAuthorizations.js';
import { open, type TokenKeys, tokenKeys } from '../install/seal.js';
import { slackLogger } from '../logger.js';
import { manifestBotScopes, manifestShortcuts } from '../manifest/scopes.js';
import { SLACK_AUTH_ERRORS } from '../runtime/health.js';
import { startupOf } from '../startup.js';
import { shownUrl } from './redact.js';
import type { Check, DoctorContext, Finding } from './types.js';

export { manifestBotScopes, manifestShortcuts };

/**
 * An OAuth install's bot tokens: every installation in force, each opened with SLACK_TOKEN_KEY, from the
 * database the check above opened read-only (or what stands in the way of one, as a finding); or why there is none.
 */
async function installedTokens(
  ctx: DoctorContext,
): Promise<{ key: string; token: string | Finding }[] | Finding> {
  const oauth = ctx.config?.slack.oauth;
  if (!ctx.database || !oauth)
    return {
      status: 'skip',
      text: 'Installed by OAuth: its token is in the database, which could not be read (see Database above).',
    };
  const rows = (await installedNow(ctx.database.db)).filter((row) => row.sealed !== null);
  if (rows.length === 0)
    return {
      status: 'fail',
      text: 'Installed by OAuth, but no installation is in force: the app was not installed yet, or was uninstalled.',
      fix: 'Open https://YOUR-HOST/slack/install in a browser, signed in to the workspace, and approve (docs/install.md).',
    };
  return rows.map((row) => ({
    key: row.installKey,
    token: openedToken(ctx, tokenKeys(oauth), row.sealed as string),
  }));
}

/** One installation's bot token, opened; or why it cannot be used, as a finding. */
function openedToken(ctx: DoctorContext, keys: TokenKeys, sealed: string): string | Finding {
  try {
    const installation = JSON.parse(open(keys, sealed)) as Installation;
    const expiresAt = installation.bot?.expiresAt;
    if (expiresAt !== undefined && expiresAt * 1000 <= ctx.clock.now().getTime())
      return {
        status: 'warn',
        text: `The stored bot token expired at ${new Date(expiresAt * 1000).toISOString()} (token rotation): the running app refreshes it before it is used; the doctor does not.`,
      };
    return installation.bot?.token ?? { status: 'fail', text: 'The installation has no bot token.' };
  } catch (error) {
    return { status: 'fail', text: error instanceof Error ? error.message : String(error) };
  }
}

const TOKEN_FIX =
  "Copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page into SLACK_BOT_TOKEN. If the app was uninstalled, install it again (Install to Workspace) and copy the new token.";

/** Why auth.test failed, and what to do. */
function refused(error: unknown, apiUrl: string): Finding {
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    return SLACK_AUTH_ERRORS.has(code)
      ? { status: 'fail', text: `Slack refused SLACK_BOT_TOKEN (${code}).`, fix: TOKEN_FIX }
      : { status: 'fail', text: `auth.test failed: ${code}.`, fix: TOKEN_FIX };
  }
  if (error instanceof WebAPIRequestError) {
    // fetch says "fetch failed"; its cause says why (ECONNREFUSED, ENOTFOUND, a certificate).
    const cause = (error.original as { cause?: { code?: unknown; message?: unknown } }).cause;
    const why =
      typeof cause?.code === 'string'
        ? cause.code
        : typeof cause?.message === 'string'
          ? cause.message
          : error.original.message;
    return {
      status: 'fail',
      text: `Slack could not be reached at ${apiUrl} (${why}).`,
      fix: 'Check the network and any proxy between this machine and Slack, and SLACK_API_URL (unset it for Slack itself).',
    };
  }
  if (error instanceof WebAPIHTTPError) {
    return {
      status: 'fail',
      text: `Slack answered HTTP ${error.statusCode} at ${apiUrl}.`,
      fix: 'Slack may be having trouble (https://slack-status.com): try again in a few minutes. Check SLACK_API_URL.',
    };
  }
  return {
    status: 'fail',
    text: `auth.test failed: ${error instanceof Error ? error.message : String(error)}.`,
  };
}

/** What stops working without a scope of the message shortcuts, said with a missing one. */
const WITHOUT: Record<string, string> = {
  'users:read.email':
    'Hand off this deal and the review cannot find the CRM account owner in Slack, so no AE is suggested',
  'reactions:write': 'Add to handoff cannot mark the message with :memo:',
};

/** The granted scopes (Slack's `x-oauth-scopes` header) against the manifest's bot scopes. */
function scopeFindings(granted: string[] | undefined, wanted: string[]): Finding[] {
  if (!granted) {
    return [
      {
        status: 'warn',
        text: 'Slack did not say which scopes the token has (no x-oauth-scopes header).',
        fix: "Compare your app's OAuth & Permissions → Bot Token Scopes with manifest.json's oauth_config.scopes.bot.",
      },
    ];
  }
  const missing = wanted.filter((scope) => !granted.includes(scope));
  if (missing.length === 0) {
    return [
      { status: 'pass', text: `The token has every bot scope the manifest asks for (${wanted.length}).` },
      { status: 'pass', text: `Shortcuts of the manifest: ${manifestShortcuts().join(', ')}.` },
    ];
  }
  const costs = missing.flatMap((scope) => (WITHOUT[scope] ? [` Without ${scope}: ${WITHOUT[scope]}.`] : []));
  return [
    {
      status: 'fail',
      text: `The token lacks ${missing.length === 1 ? 'a scope' : `${missing.length} scopes`} the manifest asks for: ${missing.join(', ')}.${costs.join('')}`,
      fix: "Make the manifest (npm run manifest -- --url https://YOUR-HOST, or --socket-mode) and save it in your app's settings (App Manifest), or add the scopes under OAuth & Permissions → Bot Token Scopes; then reinstall the app to the workspace so the token gets them. docs/install.md says what each scope is for.",
    },
  ];
}

/**
 * Checks the token (each installation's, of an OAuth install serving several, each finding named by its installation)
 * and its scopes; the first one's Slack identity is what the later checks use (ctx.slack).
 */
async function checkToken(ctx: DoctorContext): Promise<Finding[]> {
  const config = ctx.config;
  if (!config) return [];
  if (!config.slack.oauth)
    return typeof config.slack.botToken === 'string' ? checkOneToken(ctx, config.slack.botToken) : [];
  const tokens = await installedTokens(ctx);
  if (!Array.isArray(tokens)) return [tokens];
  const findings: Finding[] = [];
  for (const { key, token } of tokens) {
    const found = typeof token === 'string' ? await checkOneToken(ctx, token) : [token];
    const named =
      tokens.length > 1
        ? (f: Finding) => ({ ...f, text: `Installation ${key}: ${f.text}` })
        : (f: Finding) => f;
    findings.push(...found.map(named));
  }
  findings.push(...(await authorizationsFinding(ctx, tokens.length)));
  return findings;
}

/**
 * SLACK_AUTHORIZATIONS_TOKEN, checked with Slack when set; without it, an OAuth install serving several workspaces
 * is told what it costs (an event in a channel two of them share reaches one side).
 */
async function authorizationsFinding(ctx: DoctorContext, installations: number): Promise<Finding[]> {
  const config = ctx.config;
  const token = config?.slack.authorizationsToken;
  if (!config || !token)
    return installations > 1
      ? [
          {
            status: 'warn',
            text: 'SLACK_AUTHORIZATIONS_TOKEN is not set: an event in a Slack Connect channel that two of these workspaces share (the channel shared with a third organization, the app invited) reaches one of them only; the other learns of it from the re-check, within minutes.',
            fix: "In your Slack app's Basic Information → App-Level Tokens, generate a token with the authorizations:read scope and set it as SLACK_AUTHORIZATIONS_TOKEN (docs/install.md).",
          },
        ]
      : [];
  const refusal = await authorizationsTokenRefusal(config, token, ctx.logger);
  if (refusal === undefined)
    return [
      {
        status: 'pass',
        text: 'SLACK_AUTHORIZATIONS_TOKEN: Slack accepts it for apps.event.authorizations.list (events in shared channels reach every installation that sees them).',
      },
    ];
  return [
    {
      status: 'fail',
      text: `SLACK_AUTHORIZATIONS_TOKEN: Slack refused it for apps.event.authorizations.list (${refusal}).`,
      fix: "Use an app-level token (xapp-…) of this app with the authorizations:read scope, from Basic Information → App-Level Tokens in your Slack app's settings.",
    },
  ];
}

/** One token: auth.test, the workspaces of an org-wide install, the scopes; sets ctx.slack unless already set. */
async function checkOneToken(ctx: DoctorContext, token: string): Promise<Finding[]> {
  const config = ctx.config;
  if (!config) return [];
  const client = new WebClient(token, {
    slackApiUrl: config.slack.apiUrl,
    timeout: 10_000,
    retryConfig: { retries: 1 },
    logger: slackLogger(ctx.logger, 'doctor-client'),
  });
  let answer: Awaited<ReturnType<typeof client.auth.test>>;
  try {
    answer = await client.auth.test();
  } catch (error) {
    return [refused(error, shownUrl(config.slack.apiUrl))];
  }
  const teamId = answer.team_id ?? '';
  // An org-wide install (Enterprise Grid): every workspace of the org it was added to is ours, as at the app's start.
  const orgWide = answer.is_enterprise_install === true && Boolean(answer.enterprise_id);
  let teamsRefused: unknown;
  const orgWorkspaces = orgWide
    ? await workspacesOfOrg(client).catch((error: unknown) => {
        teamsRefused = error;
        return [];
      })
    : [];
  const startup = startupOf(
    { teamId: orgWide ? undefined : teamId, enterpriseId: answer.enterprise_id },
    config,
    undefined,
    orgWorkspaces,
  );
  ctx.slack ??= {
    directory: slackDirectory(client, ctx.clock),
    identity: {
      teamId,
      teamName: answer.team ?? teamId,
      botUserId: answer.user_id ?? '',
      botName: answer.user ?? 'the app',
      internalTeamIds: startup.internalTeamIds,
    },
  };
  return [
    {
      status: 'pass',
      text: orgWide
        ? `The token works: installed org-wide on ${answer.team ?? '?'} (${answer.enterprise_id}), in ${orgWorkspaces.length} workspace${orgWorkspaces.length === 1 ? '' : 's'} of the org, bot @${answer.user ?? '?'} (${answer.user_id ?? '?'}).`
        : `The token works: workspace ${answer.team ?? '?'} (${teamId}), bot @${answer.user ?? '?'} (${answer.user_id ?? '?'}).`,
    },
    ...(teamsRefused === undefined
      ? []
      : [
          {
            status: 'warn' as const,
            text: `Slack did not list the workspaces the org-wide install covers (auth.teams.list: ${slackErrorCode(teamsRefused) ?? String(teamsRefused)}): the people checks below count only the org's own id as ours.`,
            fix: 'Add the app to the workspaces of the org that hand off deals (docs/install.md#enterprise-grid-one-install-for-the-whole-org), then run the doctor again.',
          },
        ]),
    ...scopeFindings(answer.response_metadata?.scopes, manifestBotScopes()),
  ];
}

export const slackTokenCheck: Check = {
  title: 'Slack token and scopes',
  needs: ['settings'],
  run: checkToken,
};
