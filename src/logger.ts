import type { Logger as SlackLogger } from '@slack/bolt';
import { LogLevel } from '@slack/bolt';
import { type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { app: 'cosell-handoff' },
      // Tokens and secrets must never reach the logs, whatever object is logged.
      redact: {
        paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization', 'signingSecret'],
        censor: '[redacted]',
      },
    },
    destination ?? process.stdout,
  );
}

const toPino: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

/**
 * The level Bolt should log at, for our level: given a logger and no level, Bolt sets it to INFO, which dropped every
 * debug line of the handlers (they log through Bolt's logger) even with LOG_LEVEL=debug.
 */
export function boltLogLevel(level: string): LogLevel {
  if (level === 'trace' || level === 'debug') return LogLevel.DEBUG;
  if (level === 'warn') return LogLevel.WARN;
  if (level === 'error' || level === 'fatal' || level === 'silent') return LogLevel.ERROR;
  return LogLevel.INFO;
}

/** Adapts our structured logger to the Logger interface Bolt and the Web API client expect. */
export function slackLogger(logger: Logger, name = 'slack'): SlackLogger {
  let child = logger.child({ component: name });
  return {
    debug: (...msg) => child.debug(msg.map(String).join(' ')),
    info: (...msg) => child.info(msg.map(String).join(' ')),
    warn: (...msg) => child.warn(msg.map(String).join(' ')),
    error: (...msg) => child.error(msg.map(String).join(' ')),
    setLevel: (level) => {
      child.level = toPino[level];
    },
    getLevel: () =>
      (Object.entries(toPino).find(([, v]) => v === child.level)?.[0] as LogLevel) ?? LogLevel.INFO,
    setName: (newName) => {
      child = logger.child({ component: newName });
    },
  };
}
