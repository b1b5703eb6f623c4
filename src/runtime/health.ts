import { SLACK_AUTH_ERRORS } from '../domain/slackErrors.js';
import type { Logger } from '../logger.js';
import { slackFetch } from './slackFetch.js';

/**
 * What `GET /healthz` reports, and what the app tells people when it cannot do what they asked: whether the database
 * accepts a write, and whether Slack still accepts the bot token. Both can fail and recover while the process runs
 * (a disk fills and is cleaned, a file is made read-only and back, a token is refused): what the answers say is not
 * latched. Only Slack's own word that the app was uninstalled or its bot token revoked (app_uninstalled,
 * tokens_revoked) is: that token never works again, so the app stays disconnected until it restarts with a new one.
 * That word is kept in the database (runtime/revocations.ts): every process on it stops, whichever one Slack told.
 */

/** Slack's words for a refused token, and a Web API error's code: in domain/slackErrors.ts, where renderers read them. */
export { SLACK_AUTH_ERRORS, slackErrorCode } from '../domain/slackErrors.js';

/** The events in which Slack says the bot token is gone for good: the app was uninstalled, or the token revoked. */
export type Revocation = 'app_uninstalled' | 'tokens_revoked';

/** Where Slack's word of a revocation is kept for every process on the database (runtime/revocations.ts). */
export interface RevocationRecord {
  read(): Promise<Revocation | undefined>;
  write(by: Revocation): Promise<void>;
}

/**
 * Whether Slack still accepts the bot token, as the answers to the app's own calls say, or as Slack said by an event
 * (`revoke`): then the outbox sends nothing more (every message waits) until the app restarts with a new token.
 */
export class SlackConnection {
  private rejectedWith: string | undefined;
  private revokedBy: Revocation | undefined;
  private lastCheck = Number.NEGATIVE_INFINITY;
  private record: RevocationRecord | undefined;
  private lastRead = Number.NEGATIVE_INFINITY;
  private tokens: (() => Promise<string>) | undefined;
  private forgetTokens: (() => void) | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly monotonic: () => number = () => performance.now(),
  ) {}

  /** The code Slack gave when it last refused the token, or the event that revoked it (undefined while connected). */
  get rejected(): string | undefined {
    return this.revokedBy ?? this.rejectedWith;
  }

  /** The event in which Slack said the token is gone for good (undefined unless it did). */
  get revoked(): Revocation | undefined {
    return this.revokedBy;
  }

  /**
   * Slack said the app was uninstalled or its bot token revoked: disconnected until a restart (no answer can bring
   * that token back), logged as an error once whichever of the two events comes first (Slack sends both, in any
   * order, and may retry each). Returns whether this was news.
   */
  revoke(by: Revocation): boolean {
    if (this.revokedBy !== undefined) return false;
    this.revokedBy = by;
    this.logger.error(
      { event: by },
      'Slack says the app was uninstalled or its bot token revoked: nothing more is sent to Slack; every message waits and all data is kept. Reinstall the app, put its new bot token in SLACK_BOT_TOKEN and restart: what waited is delivered then',
    );
    return true;
  }

  /**
   * The app was installed again (an OAuth install): what was said of the old token no longer holds, and
   * calls go out again with the new one.
   */
  reinstated(): void {
    if (this.revokedBy === undefined && this.rejectedWith === undefined) return;
    this.revokedBy = undefined;
    this.rejectedWith = undefined;
    this.lastRead = Number.NEGATIVE_INFINITY;
    // The token kept from before is the revoked one: the next call reads the new one.
    this.forgetTokens?.();
    this.logger.info('the app was installed again: connected to Slack');
  }

  /**
   * With an OAuth install, the bot token of every call is the installation's, read as each call goes out (a refresh
   * of a rotating token, or a reinstall, changes it without a restart). A revocation is then read again while it
   * holds, so a reinstall another process served reconnects this one too.
   */
  useTokens(current: () => Promise<string>, forget?: () => void): void {
    this.tokens = current;
    this.forgetTokens = forget;
  }

  /** Keeps Slack's word of a revocation where every process on the database reads it. */
  keepIn(record: RevocationRecord): void {
    this.record = record;
  }

  /**
   * Slack told this process by an event: this one is disconnected at once, and the word kept for every process (the
   * event's ack waits for the write: receiver.ts KEPT_BEFORE_ACK; a write that fails fails the event, which Slack
   * sends again).
   */
  async revokeEverywhere(by: Revocation): Promise<boolean> {
    const news = this.revoke(by);
    await this.record?.write(by);
    return news;
  }

  /**
   * The revocation as any process on the database heard it: read again when the last read is older than `maxAgeMs`
   * (0: read now). Once heard, it holds here until a restart, as if this process had got the event; with an OAuth install
   * (`useTokens`), until the app is installed again.
   */
  async revokedNow(maxAgeMs = 0): Promise<Revocation | undefined> {
    const reinstallable = this.tokens !== undefined;
    if ((this.revokedBy !== undefined && !reinstallable) || !this.record) return this.revokedBy;
    const now = this.monotonic();
    if (now - this.lastRead < maxAgeMs) return this.revokedBy;
    this.lastRead = now;
    try {
      const by = await this.record.read();
      if (by !== undefined) this.revoke(by);
      else if (this.revokedBy !== undefined) this.reinstated();
    } catch (error) {
      // The database did not answer: what it says is read again next time (storage health reports the database).
      this.logger.warn({ err: error }, 'could not read whether Slack revoked the bot token');
    }
    return this.revokedBy;
  }

  /** Slack refused the token. */
  refusedToken(code: string): void {
    if (this.rejectedWith === undefined && this.revokedBy === undefined)
      this.logger.error(
        { error: code },
        'Slack refused the bot token: the app is disconnected from Slack until it is accepted again (reinstall the app or set a valid SLACK_BOT_TOKEN)',
      );
    this.rejectedWith = code;
  }

  /** Slack accepted a call made with the token. */
  accepted(): void {
    // A revoked token stays revoked whatever a call answers (a fake, or a call that raced the revocation).
    if (this.rejectedWith === undefined || this.revokedBy !== undefined) return;
    this.rejectedWith = undefined;
    this.logger.info('Slack accepts the bot token again: the app is connected');
  }

  /** Whether to ask Slack again (auth.test) while disconnected: at most once per `everyMs`. */
  shouldRecheck(everyMs: number): boolean {
    // Revoked: asking again cannot change the answer.
    if (this.rejectedWith === undefined || this.revokedBy !== undefined) return false;
    const now = this.monotonic();
    if (now - this.lastCheck < everyMs) return false;
    this.lastCheck = now;
    return true;
  }

  /**
   * A fetch for the Web API clients (theirs and Bolt's) that watches the answers: a refused token disconnects, any
   * accepted call connects again. A 200's body is read here, looked at, and given to the client as it came.
   */
  watch(inner: typeof fetch = slackFetch): typeof fetch {
    return async (input, init) => {
      const response = await inner(input, await this.withToken(init));
      if (response.status !== 200 || !response.body) return response;
      const text = await response.text();
      this.heard(text);
      return new Response(text, { status: 200, statusText: response.statusText, headers: response.headers });
    };
  }

  /** The client's request, with the installation's token when the app was installed by OAuth (`useTokens`). */
  private async withToken(init: RequestInit | undefined): Promise<RequestInit | undefined> {
    if (!this.tokens) return init;
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${await this.tokens()}`);
    return { ...init, headers: Object.fromEntries(headers) };
  }

  /** What a 200 answer says of the token: Slack's JSON starts `{"ok":true` when it accepted the call. */
  private heard(text: string): void {
    const head = text.slice(0, 512);
    if (head.startsWith('{"ok":true')) this.accepted();
    else if (head.includes('"ok":false')) {
      const code = /"error":"([a-z_]+)"/.exec(head)?.[1];
      if (code && SLACK_AUTH_ERRORS.has(code)) this.refusedToken(code);
    }
  }
}
