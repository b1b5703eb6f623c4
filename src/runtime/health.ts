import Database from 'better-sqlite3';
import type { Logger } from '../logger.js';

/**
 * What `GET /healthz` reports, and what the app tells people when it cannot do what they asked: whether the database
 * accepts a write, and whether Slack still accepts the bot token. Both can fail and recover while the process runs
 * (a disk fills and is cleaned, a file is made read-only and back, a token is refused): what the answers say is not
 * latched. Only Slack's own word that the app was uninstalled or its bot token revoked (app_uninstalled,
 * tokens_revoked) is: that token never works again, so the app stays disconnected until it restarts with a new one.
 */

/** Result codes that mean the database cannot take writes now (not a bug in a query). */
const STORAGE_OUTAGE =
  /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED|CORRUPT|NOTADB|PERM|NOMEM|PROTOCOL)/;

/** The SQLite error behind an error (drizzle wraps them as the `cause` of a DrizzleQueryError), if any. */
export type SqliteError = InstanceType<typeof Database.SqliteError>;

export function sqliteErrorOf(error: unknown): SqliteError | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth += 1) {
    if (e instanceof Database.SqliteError) return e;
  }
  return undefined;
}

/** The database refused because of its storage (full, read-only, I/O, locked), not because of the statement. */
export function isStorageOutage(error: unknown): boolean {
  const code = sqliteErrorOf(error)?.code;
  return code !== undefined && STORAGE_OUTAGE.test(code);
}

/** Slack answers that mean the bot token itself is no good (revoked, uninstalled, wrong): no retry can fix them. */
export const SLACK_AUTH_ERRORS: ReadonlySet<string> = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
]);

/** The Slack error code of a Web API error (`data.error`), if it is one. */
export function slackErrorCode(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** The events in which Slack says the bot token is gone for good: the app was uninstalled, or the token revoked. */
export type Revocation = 'app_uninstalled' | 'tokens_revoked';

/**
 * Whether Slack still accepts the bot token, as the answers to the app's own calls say, or as Slack said by an event
 * (`revoke`): then the outbox sends nothing more (every message waits) until the app restarts with a new token.
 */
export class SlackConnection {
  private rejectedWith: string | undefined;
  private revokedBy: Revocation | undefined;
  private lastCheck = Number.NEGATIVE_INFINITY;

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
   * accepted call connects again. It only peeks at the first chunk of a 200 JSON answer; the client reads the body.
   */
  watch(inner: typeof fetch = globalThis.fetch): typeof fetch {
    return async (input, init) => {
      const response = await inner(input, init);
      if (response.status === 200 && response.body) {
        void this.peek(response.clone()).catch(() => undefined);
      }
      return response;
    };
  }

  private async peek(response: Response): Promise<void> {
    const reader = response.body?.getReader();
    if (!reader) return;
    try {
      const { value } = await reader.read();
      const head = value ? Buffer.from(value).toString('utf8', 0, Math.min(value.length, 512)) : '';
      if (head.startsWith('{"ok":true')) this.accepted();
      else if (head.includes('"ok":false')) {
        const code = /"error":"([a-z_]+)"/.exec(head)?.[1];
        if (code && SLACK_AUTH_ERRORS.has(code)) this.refusedToken(code);
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }
}

/** Whether the database accepts a write: a cheap real write (GET /healthz), and the faults the app's own writes met. */
export class StorageHealth {
  /** The app's last write that failed for storage reasons (monotonic ms). */
  private lastFault: { at: number; code: string } | undefined;
  private probed: { at: number; ok: boolean } | undefined;
  /** An outage is logged once, when it starts, and once when it ends. */
  private outage: string | undefined;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly logger: Logger,
    private readonly opts: {
      monotonic?: () => number;
      now?: () => Date;
      /** After the app's own write failed, unhealthy this long even if the probe's tiny write goes through. */
      faultMemoryMs?: number;
      /** A passing probe is reused this long: /healthz polled hard does not write hard. */
      probeEveryMs?: number;
    } = {},
  ) {}

  private now(): number {
    return this.opts.monotonic?.() ?? performance.now();
  }

  private noteOutage(error: unknown, where: string): void {
    const sqliteError = sqliteErrorOf(error);
    const code = sqliteError?.code ?? 'SQLITE_ERROR';
    if (this.outage === undefined)
      this.logger.error(
        { code, error: sqliteError?.message, where },
        'the database refused a write: nothing was saved; check the disk space and that the database files are writable',
      );
    this.outage = code;
  }

  /** A write of the app failed: logged (once per outage), and /healthz answers 503 for a while. */
  fault(error: unknown, where: string): void {
    // A busy or locked database is contention, not an outage: the next write goes through.
    if (!isStorageOutage(error) || /^SQLITE_(BUSY|LOCKED)/.test(sqliteErrorOf(error)?.code ?? '')) return;
    this.noteOutage(error, where);
    this.lastFault = { at: this.now(), code: this.outage ?? 'SQLITE_ERROR' };
    // Probed again at the next check: a probe that passed before this fault says nothing about it.
    if (this.probed?.ok) this.probed = undefined;
  }

  /** One real write (the health_probe row); throws what SQLite says when it cannot. */
  probeWrite(): void {
    probeWrite(this.sqlite, this.opts.now?.() ?? new Date());
  }

  /**
   * True when the database takes writes now (probed at most every `probeEveryMs`) and none failed just before.
   * Synchronous: no statement of the app runs on the connection during the probe.
   */
  writable(): boolean {
    const now = this.now();
    const faulted = () =>
      this.lastFault !== undefined && now - this.lastFault.at < (this.opts.faultMemoryMs ?? 30_000);
    // A failed probe is tried again at once: the fault may have cleared, and a refused write costs nothing.
    if (!this.probed?.ok || now - this.probed.at >= (this.opts.probeEveryMs ?? 1000)) {
      // A transaction of the app is open on the writing connection (between its awaits): a probe would write inside
      // it, and commit or roll back with it. Not probed: taken as writable this time (nothing remembered or logged).
      if (this.sqlite.inTransaction) return !faulted();
      let ok = true;
      try {
        this.probeWrite();
      } catch (error) {
        ok = false;
        this.noteOutage(error, 'health check');
      }
      // The probe saw the outage and now sees it end: the app's own failed writes were that outage.
      if (ok && this.probed?.ok === false) this.lastFault = undefined;
      this.probed = { at: now, ok };
    }
    const healthy = this.probed.ok && !faulted();
    if (healthy && this.outage !== undefined) {
      this.logger.info({ code: this.outage }, 'the database accepts writes again');
      this.outage = undefined;
      this.lastFault = undefined;
    }
    return healthy;
  }
}

/** Overwrites the one health_probe row: the smallest real write. */
export function probeWrite(sqlite: Database.Database, at: Date): void {
  sqlite
    .prepare(
      'insert into health_probe (id, probed_at) values (1, ?) on conflict (id) do update set probed_at = excluded.probed_at',
    )
    .run(at.getTime());
}
