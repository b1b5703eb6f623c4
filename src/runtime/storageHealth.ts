import { type StorageProbe, storageRefusalOf } from '../db/storageErrors.js';
import type { Logger } from '../logger.js';

// What the database says when it refuses for storage reasons, and the probe write, are the database layer's
// (db/storageErrors.ts): re-exported here for the modules that read them with the health.
export {
  isStorageOutage,
  PG_PROBE_SQL,
  probeSqlite,
  type SqliteError,
  type StorageProbe,
  type StorageRefusal,
  sqliteErrorOf,
  storageRefusalOf,
} from '../db/storageErrors.js';

/** Whether the database accepts a write: a cheap real write (GET /healthz), and the faults the app's own writes met. */
export class StorageHealth {
  /** The app's last write that failed for storage reasons (monotonic ms). */
  private lastFault: { at: number; code: string } | undefined;
  private probed: { at: number; ok: boolean } | undefined;
  /** An outage is logged once, when it starts, and once when it ends. */
  private outage: string | undefined;

  constructor(
    private readonly storage: StorageProbe,
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
    const refusal = storageRefusalOf(error);
    const code = refusal?.code ?? 'STORAGE_ERROR';
    if (this.outage === undefined)
      this.logger.error(
        { code, error: refusal?.message ?? (error as Error)?.message, where },
        'the database refused a write: nothing was saved; check that the database server is reachable, the disk has space and the database files are writable',
      );
    this.outage = code;
  }

  /** A write of the app failed: logged (once per outage), and /healthz answers 503 for a while. */
  fault(error: unknown, where: string): void {
    const refusal = storageRefusalOf(error);
    // A busy or locked database is contention, not an outage: the next write goes through.
    if (!refusal || refusal.contention) return;
    this.noteOutage(error, where);
    this.lastFault = { at: this.now(), code: this.outage ?? refusal.code };
    // Probed again at the next check: a probe that passed before this fault says nothing about it.
    if (this.probed?.ok) this.probed = undefined;
  }

  /** True when the database takes writes now (probed at most every `probeEveryMs`) and none failed just before. */
  async writable(): Promise<boolean> {
    const now = this.now();
    const faulted = () =>
      this.lastFault !== undefined && now - this.lastFault.at < (this.opts.faultMemoryMs ?? 30_000);
    // A failed probe is tried again at once: the fault may have cleared, and a refused write costs nothing.
    if (!this.probed?.ok || now - this.probed.at >= (this.opts.probeEveryMs ?? 1000)) {
      // A transaction of the app is open on the writing connection (between its awaits): a probe would write inside
      // it, and commit or roll back with it. Not probed: taken as writable this time (nothing remembered or logged).
      if (this.storage.busy()) return !faulted();
      let ok = true;
      try {
        await this.storage.probe(this.opts.now?.() ?? new Date());
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
