import pg from 'pg';

/**
 * The outbox's bell on Postgres: every process on the database hears at once that another one queued
 * outbox rows, instead of finding them at its next poll (OUTBOX_POLL_INTERVAL_MS). Another replica may hold the
 * conversation the rows are for, and with several workspaces a process serves the installations the rows are for.
 * A ring is a notification on `cosell_outbox` whose payload is the installation's id (empty: any). The app rings it
 * itself after its commits that queued rows (`ring`: at most once per installation every 100 ms, on this connection,
 * outside their transactions); the outbox's trigger (migrations-pg 0028) rings it at the commit of anyone else's (the
 * command-line tools). Not the trigger for the app's own: a commit that notifies takes a lock on the database that
 * every other such commit waits for. The writing process hears its own ring too, just after the commit that already
 * woke its outbox: that wake-up is still waiting for company then (outbox/worker.ts `wake`), so the ring adds no look.
 * The poll stays, as the safety net for rows that fall due later.
 *
 * One connection of its own per process, which LISTENs. Lost (the server restarted, the link dropped), it is made
 * again after 1 s, doubling to 30 s, and every subscriber is woken once it is back: what was queued meanwhile was not
 * heard. Meanwhile the poll delivers, as it did before the bell.
 * A link can also go silent with no reset (a route dropped, a NAT or firewall entry forgotten): no error, no end, and
 * no notification ever again. Two things notice it: TCP keepalive on the connection (the kernel
 * ends a socket whose peer stops answering, KEEPALIVE_DELAY_MS after the last traffic and then its own probes), and a
 * probe of our own, for a silence keepalive does not see (a proxy or pooler in between whose side still answers TCP):
 * `select 1` every PROBE.everyMs, which must answer within PROBE.timeoutMs, or the connection is given up (its socket
 * destroyed) and made again as if lost.
 */
export interface OutboxBell {
  /**
   * Calls `wake` when another process queues rows for `installation` (for any, when undefined), and once after each
   * reconnect. Returns the function that unsubscribes.
   */
  subscribe(installation: number | undefined, wake: () => void): () => void;
  /**
   * Tells every process that this one queued rows for `installation` (undefined: not known yet, so any): at once, then
   * at most once more per RING_EVERY_MS for the rings asked meanwhile. Nothing while the connection is lost.
   */
  ring(installation: number | undefined): void;
  /** Stops listening and ends the connection. */
  close(): Promise<void>;
}

export const BELL_CHANNEL = 'cosell_outbox';
const RECONNECT_MS = { first: 1_000, max: 30_000 } as const;
/**
 * How often the app rings for one installation at most. Each ring is a statement, and a look of every other
 * process's outbox: rung every 20 ms (as often as an outbox looks after its commits), two replicas cost 1.57x one
 * replica's CPU per Accept in the bench, against 1.19x at 100 ms (one run each; runs move by up to 30%). Another
 * process's rows wait at most this long for their look (without the bell: the poll, 1 s).
 */
export const RING_EVERY_MS = 100;

/** The listening connection's probe: how often, and how long its answer may take before the link is given up. */
export const PROBE = { everyMs: 30_000, timeoutMs: 10_000 } as const;
/** TCP keepalive on the listening connection: its first probe after this long without traffic. */
const KEEPALIVE_DELAY_MS = 30_000;

/** The timers the reconnect waits on (runtime/timers.ts's shape; the process's own by default). */
export interface BellTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const processTimers: BellTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};

/** The bell for the database at `url`. */
export function outboxBell(
  url: string,
  opts: { onLost?: (error: Error) => void; timers?: BellTimers } = {},
): OutboxBell {
  return new ListeningBell(url, opts.onLost ?? (() => {}), opts.timers ?? processTimers);
}

class ListeningBell implements OutboxBell {
  /** Who to wake, by installation (undefined: every installation's rows): one lookup a ring, however many there are. */
  private readonly subscribers = new Map<number | undefined, Set<() => void>>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private retry: unknown;
  /** The probe's timer: the next probe, or the deadline of the one sent. */
  private probe: unknown;
  private delay: number = RECONNECT_MS.first;
  private closed = false;
  /** The installations rung within the last RING_EVERY_MS, and whether another ring was asked meanwhile. */
  private readonly rung = new Map<string, { again: boolean }>();

  constructor(
    private readonly url: string,
    private readonly onLost: (error: Error) => void,
    private readonly timers: BellTimers,
  ) {}

  subscribe(installation: number | undefined, wake: () => void): () => void {
    const own = this.subscribers.get(installation) ?? new Set();
    this.subscribers.set(installation, own.add(wake));
    void this.connect();
    return () => {
      own.delete(wake);
      if (own.size === 0 && this.subscribers.get(installation) === own) this.subscribers.delete(installation);
    };
  }

  ring(installation: number | undefined): void {
    const key = installation === undefined ? '' : String(installation);
    const recent = this.rung.get(key);
    if (recent) {
      recent.again = true;
      return;
    }
    const client = this.client;
    if (!client) return;
    const entry = { again: false };
    this.rung.set(key, entry);
    client.query('select pg_notify($1, $2)', [BELL_CHANNEL, key]).catch(() => undefined);
    const timer = this.timers.setTimeout(() => {
      this.rung.delete(key);
      if (entry.again) this.ring(installation);
    }, RING_EVERY_MS);
    (timer as { unref?(): unknown }).unref?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timers.clearTimeout(this.retry);
    this.retry = undefined;
    this.stopProbe();
    await this.connecting;
    const last = this.client;
    this.client = undefined;
    await last?.end().catch(() => undefined);
  }

  /** Wakes the subscribers of `installation` and those of every installation; or (undefined) all. */
  private wakeFor(installation: number | undefined): void {
    const woken =
      installation === undefined
        ? [...this.subscribers.values()]
        : [this.subscribers.get(installation), this.subscribers.get(undefined)];
    for (const wakes of woken) for (const wake of wakes ?? []) wake();
  }

  private readonly heard = (message: pg.Notification) => {
    if (message.channel !== BELL_CHANNEL) return;
    const id = message.payload ? Number(message.payload) : Number.NaN;
    this.wakeFor(Number.isInteger(id) ? id : undefined);
  };

  /** The connection ended, by an error or by the server: listen again later, unless the bell is closed. */
  private lost(error: Error | undefined, client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.stopProbe();
    client.removeAllListeners('notification');
    // With a query still waiting (an unanswered probe), end() destroys the socket rather than wait on the link.
    void client.end().catch(() => undefined);
    if (this.closed) return;
    if (error) this.onLost(error);
    this.schedule();
  }

  /**
   * In PROBE.everyMs, `select 1` on `client`; without its answer PROBE.timeoutMs later, the connection is lost. A probe
   * that fails otherwise changes nothing: the connection's own error or end says it is lost, or the deadline does.
   */
  private watch(client: pg.Client): void {
    this.probe = this.timers.setTimeout(() => {
      if (this.client !== client) return;
      const deadline = this.timers.setTimeout(() => {
        this.probe = undefined;
        this.lost(
          new Error(
            `the connection listening for the outbox's bell did not answer within ${PROBE.timeoutMs / 1000} s`,
          ),
          client,
        );
      }, PROBE.timeoutMs);
      (deadline as { unref?(): unknown }).unref?.();
      this.probe = deadline;
      client.query('select 1').then(
        () => {
          if (this.probe !== deadline) return;
          this.timers.clearTimeout(deadline);
          this.probe = undefined;
          if (this.client === client) this.watch(client);
        },
        () => undefined,
      );
    }, PROBE.everyMs);
    (this.probe as { unref?(): unknown }).unref?.();
  }

  private stopProbe(): void {
    this.timers.clearTimeout(this.probe);
    this.probe = undefined;
  }

  private schedule(): void {
    if (this.closed || this.retry) return;
    this.retry = this.timers.setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, this.delay);
    (this.retry as { unref?(): unknown }).unref?.();
    this.delay = Math.min(this.delay * 2, RECONNECT_MS.max);
  }

  private connect(): Promise<void> {
    if (this.closed || this.client) return Promise.resolve();
    this.connecting ??= this.listen().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async listen(): Promise<void> {
    const next = new pg.Client({
      connectionString: this.url,
      application_name: 'cosell-handoff',
      connectionTimeoutMillis: 10_000,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
    });
    // Without a listener an error on the connection would end the process.
    next.on('error', (error) => this.lost(error, next));
    next.on('end', () => this.lost(undefined, next));
    try {
      await next.connect();
      await next.query(`LISTEN ${BELL_CHANNEL}`);
    } catch (error) {
      void next.end().catch(() => undefined);
      if (!this.closed) this.onLost(error as Error);
      this.schedule();
      return;
    }
    if (this.closed) {
      await next.end().catch(() => undefined);
      return;
    }
    next.on('notification', this.heard);
    this.client = next;
    this.watch(next);
    const reconnected = this.delay !== RECONNECT_MS.first;
    this.delay = RECONNECT_MS.first;
    // Rows queued while no one listened were not heard: every subscriber looks once.
    if (reconnected) this.wakeFor(undefined);
  }
}
