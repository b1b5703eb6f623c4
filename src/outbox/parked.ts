import type { Clock } from '../clock.js';
import type { RequestContext } from '../core/requestContext.js';
import type { Db } from '../db/client.js';
import { countDead, findDead, requeueDead } from '../db/repositories/outboxParked.js';
import type { OutboxRow } from '../db/schema.js';
import { may, type ProgramRoles } from '../domain/permissions.js';
import type { Logger } from '../logger.js';

/** The roles: who may see and retry them (domain/permissions.ts). */
export interface ParkedDeps extends ProgramRoles {
  db: Db;
  clock: Clock;
  logger: Logger;
  onOutboxWrite: () => void;
}

/** Messages Slack refused for good, parked by the outbox: admins see them and send them again after a fix. */
export function createParked(deps: ParkedDeps) {
  const { db, clock, logger } = deps;

  function refuse(ctx: RequestContext, what: string): { kind: 'forbidden' } {
    logger.warn(
      { userId: ctx.actor.userId, teamId: ctx.actor.teamId, what },
      'parked-message action refused',
    );
    return { kind: 'forbidden' };
  }

  async function list(
    ctx: RequestContext,
    limit = 20,
  ): Promise<{ kind: 'forbidden' } | { kind: 'done'; rows: OutboxRow[]; total: number }> {
    if (!may(deps, ctx, 'outbox')) return refuse(ctx, 'list');
    const rows = await findDead(db, limit);
    return { kind: 'done', rows, total: await countDead(db) };
  }

  /** Puts one parked message (or all of them) back in the queue. */
  async function retry(
    ctx: RequestContext,
    id?: number,
  ): Promise<{ kind: 'forbidden' } | { kind: 'done'; requeued: number }> {
    if (!may(deps, ctx, 'outboxRetry')) return refuse(ctx, 'retry');
    const now = clock.now();
    const requeued = await db.transaction((tx) => requeueDead(tx, now, id));
    logger.info({ by: ctx.actor.userId, id: id ?? 'all', requeued }, 'parked messages requeued');
    if (requeued > 0) deps.onOutboxWrite();
    return { kind: 'done', requeued };
  }

  return {
    list,
    retry,
    count: (): Promise<number> => countDead(db),
  };
}

export type Parked = ReturnType<typeof createParked>;
