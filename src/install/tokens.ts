import type { Installation } from '@slack/oauth';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

/**
 * The bot token of an OAuth installation, for every call the app makes: read from the installation store,
 * kept a minute (another process on the database may have refreshed it, or the app been reinstalled), and with token
 * rotation on, refreshed before it expires: within two hours of its expiry, as @slack/oauth's own authorize does, but
 * on the app's clock. One refresh at a time in this process; a refresh token is single-use, so when another process
 * spent it first, the token it stored is read instead.
 */
export interface BotTokens {
  /** The bot token to call Slack with now. */
  current(): Promise<string>;
  /** Reads the installation again at the next call (it was stored anew: a reinstall, new scopes). */
  forget(): void;
}

/** What oauth.v2.access answers to `grant_type=refresh_token`. */
export interface Refreshed {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export const REFRESH_WINDOW_MS = 2 * 60 * 60 * 1000;
const KEEP_MS = 60_000;

export function botTokens(deps: {
  clock: Clock;
  logger: Logger;
  /** The installation in force, opened (undefined: none: uninstalled). */
  read: () => Promise<Installation | undefined>;
  /** Stores it with its new tokens. */
  store: (installation: Installation) => Promise<void>;
  /** oauth.v2.access with the refresh token. */
  refresh: (refreshToken: string) => Promise<Refreshed>;
}): BotTokens {
  let kept: { installation: Installation; until: number } | undefined;
  let refreshing: Promise<string> | undefined;
  const now = () => deps.clock.now().getTime();
  const due = (i: Installation) =>
    Boolean(
      i.bot?.refreshToken &&
        i.bot.expiresAt !== undefined &&
        i.bot.expiresAt * 1000 - now() <= REFRESH_WINDOW_MS,
    );

  async function installed(): Promise<Installation> {
    if (kept && kept.until > now()) return kept.installation;
    const installation = await deps.read();
    if (!installation?.bot?.token) throw new Error('the app is not installed: install it at /slack/install');
    kept = { installation, until: now() + KEEP_MS };
    return installation;
  }

  async function refreshed(installation: Installation): Promise<string> {
    const bot = installation.bot as NonNullable<Installation['bot']>;
    try {
      const answer = await deps.refresh(bot.refreshToken as string);
      const next: Installation = {
        ...installation,
        bot: {
          ...bot,
          token: answer.access_token,
          refreshToken: answer.refresh_token,
          expiresAt: Math.floor(now() / 1000) + answer.expires_in,
        },
      };
      await deps.store(next);
      kept = { installation: next, until: now() + KEEP_MS };
      deps.logger.info('the bot token was refreshed (token rotation)');
      return answer.access_token;
    } catch (error) {
      // Another process may have spent the refresh token first: its new token is in the store.
      kept = undefined;
      const stored = await installed();
      if (stored.bot?.token && stored.bot.token !== bot.token && !due(stored)) return stored.bot.token;
      deps.logger.error({ err: error }, 'the bot token could not be refreshed (token rotation)');
      throw error;
    }
  }

  return {
    async current() {
      const installation = await installed();
      if (!due(installation)) return (installation.bot as NonNullable<Installation['bot']>).token;
      refreshing ??= refreshed(installation).finally(() => {
        refreshing = undefined;
      });
      return refreshing;
    },
    forget() {
      kept = undefined;
    },
  };
}
