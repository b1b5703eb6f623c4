import { crmRecordCreated, crmRecordNotCreated } from '../blocks/crmCreated.js';
import type { SlackMessage } from '../blocks/message.js';
import type { Clock } from '../clock.js';
import type { Db, Tx } from '../db/client.js';
import { linkRecordIfNone } from '../db/repositories/crm.js';
import { findHandoff } from '../db/repositories/handoffs.js';
import { enqueue, type OutboxRow } from '../db/repositories/outbox.js';
import { findPartner } from '../db/repositories/partners.js';
import { requestRefresh } from '../db/repositories/surfaces.js';
import type { HandoffRow } from '../db/schema.js';
import { accountDomain } from '../domain/accountMatch.js';
import type { CrmSystem } from '../domain/crmFacts.js';
import type { Logger } from '../logger.js';
import { type Crm, crmLabel, crmRecordWord, pickAccount } from './index.js';
import { newRecordFor } from './newRecord.js';
import { type CrmConnector, CrmError } from './types.js';

export interface CreationDeps {
  db: Db;
  crm: Crm;
  clock: Clock;
  logger: Logger;
  /** Rings the outbox after a write outside a change (the AE's DM). */
  onOutboxWrite?: () => void;
}

/** What a `crm.create` row carries: the CRM, the AE who asked (told of the result), the record's marker. */
interface CreatePayload {
  system: CrmSystem;
  aeUserId: string;
  marker: string;
}

/**
 * The CRM account (HubSpot company) to create the record on: the one the account look-up matches by the packet's
 * domain or name (as the shortcut's prefill matches it), null when none does. A failed look-up throws: a rate limit
 * or an outage is a passing failure, and the row is tried again (after the CRM's wait).
 */
async function accountIdOf(connector: CrmConnector, h: HandoffRow): Promise<string | null> {
  const domain = h.accountDomain ? accountDomain(h.accountDomain) : undefined;
  const candidates = { names: [h.accountName], domains: domain ? [domain] : [] };
  const found = await connector.accountsMatching(candidates, { timeoutMs: 10_000 });
  return pickAccount(found, candidates)?.account.id ?? null;
}

/**
 * Delivers a `crm.create` row: the opportunity (deal) the AE asked for at the accept, created after
 * the accept was recorded, then linked to the handoff (unless it was linked meanwhile) and shown to the AE. An attempt
 * whose answer was lost (`lookFirst`) looks for the record by its marker before creating it again. A refusal (a
 * validation rule, a missing permission) tells the AE in plain words and finishes the row: the accept stands.
 */
export async function createRecord(
  deps: CreationDeps,
  row: OutboxRow,
  opts: { lookFirst: boolean },
): Promise<void> {
  const { db, crm, logger } = deps;
  const { system, aeUserId, marker } = row.payload as unknown as CreatePayload;
  const connector = crm.connector(system);
  if (!connector)
    throw new CrmError(`${system} is not connected (its settings are not set)`, { transient: false });
  const h = row.handoffId === null ? undefined : await findHandoff(db, row.handoffId);
  if (!h) throw new CrmError('the handoff of a CRM create is missing', { transient: false });
  if (h.crmRecordId) {
    logger.info(
      { system, handoffId: h.id },
      'the handoff was linked before its record was created: none created',
    );
    return;
  }
  const partnerName =
    (h.partnerId !== null ? (await findPartner(db, h.partnerId))?.name : undefined) ?? h.partnerOrg;
  const words = { label: crmLabel(system), record: crmRecordWord(system) };
  try {
    const record = newRecordFor(h, partnerName, { accountId: null, marker, now: deps.clock.now() });
    // Looked for first (by its name and marker: the account plays no part), so a found one costs no look-up.
    const found = opts.lookFirst ? await lookFor(connector, record) : undefined;
    const id = found ?? (await connector.create({ ...record, accountId: await accountIdOf(connector, h) }));
    logger.info(
      { system, handoffId: h.id, recordId: id, ...(found ? { foundEarlier: true } : {}) },
      found
        ? `${connector.label} already had the ${words.record} (an earlier answer was lost); not created twice`
        : `${connector.label} ${words.record} created at the accept`,
    );
    await told(deps, h, aeUserId, async (tx) => {
      const link = { crmSystem: system, crmRecordId: id, crmRecordName: record.name };
      const linked = await linkRecordIfNone(tx, h.id, link, { madeByApp: true });
      if (!linked) return undefined;
      // The AE's packet and the other views of the deal show the linked record.
      await requestRefresh(tx, h.id, deps.clock.now());
      return crmRecordCreated(linked, words, { id, name: record.name, url: connector.recordUrl(id) });
    });
  } catch (error) {
    // Passing failures, and attempts that may have created it, go back to the outbox (retried, looked for first).
    if (!(error instanceof CrmError) || error.opts.transient || error.opts.uncertain) throw error;
    logger.warn(
      { system, handoffId: h.id, err: error.message },
      `${connector.label} refused the new ${words.record}`,
    );
    await told(deps, h, aeUserId, async () => crmRecordNotCreated(h, words, error.message));
  }
}

/** A look for an earlier create: a failed look leaves the row as uncertain as it was (crm/delivery.ts alike). */
function lookFor(connector: CrmConnector, record: Parameters<CrmConnector['findCreated']>[0]) {
  return connector.findCreated(record).catch((error: unknown) => {
    throw error instanceof CrmError
      ? new CrmError(error.message, { ...error.opts, uncertain: true })
      : new CrmError(`looking for an earlier create failed: ${String(error)}`, {
          transient: false,
          uncertain: true,
        });
  });
}

/** The AE's DM about the create, queued with what `write` changed (the link, and the views that show it). */
async function told(
  deps: CreationDeps,
  h: HandoffRow,
  aeUserId: string,
  write: (tx: Tx) => Promise<SlackMessage | undefined>,
): Promise<void> {
  const now = deps.clock.now();
  const queued = await deps.db.transaction(async (tx) => {
    const message = await write(tx);
    if (!message) return false;
    await enqueue(
      tx,
      [
        {
          method: 'chat.postMessage',
          dedupeKey: `handoff:${h.id}:crm_create:${h.cycle}`,
          channel: aeUserId,
          handoffId: h.id,
          payload: { text: message.text, blocks: message.blocks },
        },
      ],
      now,
    );
    return true;
  });
  if (queued) deps.onOutboxWrite?.();
}
