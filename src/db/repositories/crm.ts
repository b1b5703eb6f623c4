import { and, eq, inArray, isNotNull, isNull, ne, notLike, or, sql } from 'drizzle-orm';
import type { CrmSystem } from '../../domain/crmFacts.js';
import type { HandoffCrmLink } from '../../domain/crmLink.js';
import type { Executor, Tx } from '../client.js';
import { first, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import type { CrmConnectionRow, classificationCorrections, HandoffEventRow, HandoffRow } from '../schema.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/** The queries of the CRM loop (`src/crm/`): delivery of activities, the read-back, later-linked records. */

/** One touch-log event, by its id (what a `crm.activity` outbox row renders). */
export async function findEvent(exec: Executor, eventId: number): Promise<HandoffEventRow | undefined> {
  const { handoffEvents } = tablesOf(exec);
  return first(
    exec
      .select()
      .from(handoffEvents)
      .where(and(own(exec, handoffEvents), eq(handoffEvents.id, eventId))),
  );
}

/**
 * Accepted handoffs linked to a record of this CRM whose deal is still open (no outcome, or a meeting held or an
 * opportunity created): the records the read-back asks about.
 */
export async function findOpenLinked(exec: Executor, system: CrmSystem): Promise<HandoffRow[]> {
  const { handoffs } = tablesOf(exec);
  return exec
    .select()
    .from(handoffs)
    .where(
      and(
        own(exec, handoffs),
        eq(handoffs.crmSystem, system),
        isNotNull(handoffs.crmRecordId),
        eq(handoffs.status, 'accepted'),
        or(isNull(handoffs.outcome), inArray(handoffs.outcome, ['meeting_held', 'opportunity_created'])),
      ),
    );
}

/**
 * Classified handoffs linked to a record of this CRM that their class was not decided with: the link differs from
 * `classified_link` (`<system>:<record id>`), or none was kept.
 */
export async function findRelinked(exec: Executor, system: CrmSystem): Promise<HandoffRow[]> {
  const { handoffs } = tablesOf(exec);
  return exec
    .select()
    .from(handoffs)
    .where(
      and(
        own(exec, handoffs),
        eq(handoffs.crmSystem, system),
        isNotNull(handoffs.crmRecordId),
        isNotNull(handoffs.classification),
        or(
          isNull(handoffs.classifiedLink),
          ne(handoffs.classifiedLink, sql`${handoffs.crmSystem} || ':' || ${handoffs.crmRecordId}`),
        ),
      ),
    );
}

/** Whether a person corrected this handoff's class: a correction not made by a CRM (`crm:<system>`). */
export async function hasCorrectionByPerson(exec: Executor, handoffId: number): Promise<boolean> {
  const { classificationCorrections } = tablesOf(exec);
  return (
    (await first(
      exec
        .select({ id: classificationCorrections.id })
        .from(classificationCorrections)
        .where(
          and(
            own(exec, classificationCorrections),
            eq(classificationCorrections.handoffId, handoffId),
            notLike(classificationCorrections.correctedByUserId, 'crm:%'),
          ),
        )
        .limit(1),
    )) !== undefined
  );
}

/** Records a change of class in the audit table (by a person, or by a CRM as `crm:<system>`). */
export async function insertClassificationCorrection(
  exec: Tx,
  row: typeof classificationCorrections.$inferInsert,
): Promise<void> {
  const { classificationCorrections } = tablesOf(exec);
  await exec.insert(classificationCorrections).values(ownRow(exec, row));
}

/** The installation's own CRM connections (crm/ownCrm.ts), their credentials sealed. */
export async function crmConnectionsOf(exec: Executor): Promise<CrmConnectionRow[]> {
  const { crmConnections } = tablesOf(exec);
  return exec.select().from(crmConnections).where(own(exec, crmConnections)).orderBy(crmConnections.system);
}

/** Connects the installation's own CRM, replacing its earlier credentials for that CRM. */
export async function saveCrmConnection(exec: Tx, row: CrmConnectionRow): Promise<void> {
  const { crmConnections } = tablesOf(exec);
  await exec
    .insert(crmConnections)
    .values(ownRow(exec, row))
    .onConflictDoUpdate({
      target: [crmConnections.installationId, crmConnections.system],
      set: { sealed: row.sealed, connectedBy: row.connectedBy, connectedAt: row.connectedAt },
    });
}

/** Disconnects the installation's own CRM; whether it had one. */
export async function deleteCrmConnection(exec: Tx, system: CrmSystem): Promise<boolean> {
  const { crmConnections } = tablesOf(exec);
  const gone = await exec
    .delete(crmConnections)
    .where(and(own(exec, crmConnections), eq(crmConnections.system, system)))
    .returning({ system: crmConnections.system });
  return gone.length > 0;
}

/**
 * Links the handoff to a CRM record when it has none (the AE's link at the accept); the handoff after, if linked.
 * `madeByApp`: a record the app created from the handoff after its accept is no evidence of when the deal began, so
 * the link counts as read for the class (`classified_link`): the read-back does not re-classify the deal by it.
 */
export async function linkRecordIfNone(
  tx: Tx,
  handoffId: number,
  link: HandoffCrmLink,
  opts: { madeByApp?: boolean } = {},
): Promise<HandoffRow | undefined> {
  const { handoffs } = tablesOf(tx);
  const classifiedLink = `${link.crmSystem}:${link.crmRecordId}`;
  return first(
    tx
      .update(handoffs)
      .set({ ...link, ...(opts.madeByApp ? { classifiedLink } : {}) })
      .where(and(own(tx, handoffs), eq(handoffs.id, handoffId), isNull(handoffs.crmRecordId)))
      .returning(),
  );
}
