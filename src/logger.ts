import type { Logger as SlackLogger } from '@slack/bolt';
import { LogLevel } from '@slack/bolt';
import { type Logger, pino } from 'pino';
import { scrub } from './secrets.js';

export type { Logger };

/**
 * Fields whose values are secrets wherever an object logs them (pino's redaction: the field, and one level down). An
 * OAuth `code` is not among them (an error's `code` is what a reader needs): it is masked in strings only.
 */
const SECRET_FIELDS = [
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'botToken',
  'clientSecret',
  'client_secret',
  'signingSecret',
  'stateSecret',
  'tokenKey',
  'password',
];
const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
  'headers.authorization',
  '*.headers.authorization',
];

const MASK = '[redacted]';
/** Keys whose values are secrets in a string a library wrote (a query, a JSON body, an inspected object). */
const SECRET_KEYS =
  'client_secret|clientSecret|code|refresh_token|refreshToken|access_token|accessToken|token|password';
/**
 * Secrets by their shape, as they stand in a serialized log line (a library's message is a string inside it, its
 * JSON quotes escaped): Slack's tokens (`xoxb-`, `xoxe.xoxp-`, `xapp-`), HubSpot's (`pat-na1-`), Salesforce's
 * session ids (`00D…!…`), bearer tokens, and the values of the keys above.
 */
const SECRET_SHAPES: [RegExp, string][] = [
  [/\bxox[a-z](?:\.xox[a-z])?-[A-Za-z0-9-]+/g, MASK],
  [/\bxapp-[A-Za-z0-9-]+/g, MASK],
  [/\bpat-[a-z]{2}[0-9]?-[A-Za-z0-9-]+/g, MASK],
  [/\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]+/g, MASK],
  [/\bBearer [A-Za-z0-9._~+/!=-]{8,}/g, `Bearer ${MASK}`],
  // key=value (a query or a form body)
  [new RegExp(`([?&\\s]|\\\\?"|^)(${SECRET_KEYS})=[^&\\s"\\\\]+`, 'g'), `$1$2=${MASK}`],
  // \"key\":\"value\" (JSON inside a message)
  [new RegExp(`(\\\\"(?:${SECRET_KEYS})\\\\":\\s*\\\\")[^"\\\\]*`, 'g'), `$1${MASK}`],
  // key: 'value' (an inspected object inside a message)
  [new RegExp(`(\\b(?:${SECRET_KEYS}): ')[^']*`, 'g'), `$1${MASK}`],
  // "key":"value" at any depth of the line's own fields, but `code` (an error's code is not a secret there)
  [new RegExp(`("(?:${SECRET_KEYS.replace('code|', '')})":\\s*")[^"\\\\]*`, 'g'), `$1${MASK}`],
];

/** A serialized log line with every secret masked: the settings' own values, then secrets by their shape. */
export function scrubLogLine(line: string, secrets: readonly string[]): string {
  // A secret inside a string of the line is JSON-escaped there, twice in a JSON body inside a message.
  const inJson = (text: string) => JSON.stringify(text).slice(1, -1);
  const forms = [...new Set(secrets.flatMap((secret) => [inJson(inJson(secret)), inJson(secret), secret]))];
  let out = scrub(line, forms, MASK);
  for (const [shape, mask] of SECRET_SHAPES) out = out.replace(shape, mask);
  return out;
}

/**
 * The app's logger: JSON lines on `destination` (stdout). No secret reaches them at any level: objects'
 * secret fields are redacted by pino, and every line is scrubbed of `secrets` (the settings' own: `secretsOf`) and
 * of secrets by their shape, whatever wrote it (Bolt, @slack/oauth and the Web API client log request bodies, OAuth
 * codes included, as strings at debug).
 */
export function createLogger(
  level: string,
  destination: NodeJS.WritableStream = process.stdout,
  secrets: readonly string[] = [],
): Logger {
  return pino(
    {
      level,
      base: { app: 'cosell-handoff' },
      redact: { paths: REDACT_PATHS, censor: MASK },
    },
    { write: (line: string) => destination.write(scrubLogLine(line, secrets)) },
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
