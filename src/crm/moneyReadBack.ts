import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import {
  findMoneyUnread,
  type MoneyRead,
  readCurrencies,
  recordMoney,
  saveCurrencies,
} from '../db/repositories/money.js';
import type { Logger } from '../logger.js';
import { type CrmConnector, CrmError, type CrmStates } from './types.js';

/** The CRM's rates are read again at most this often (they change daily at most). */
export const CURRENCIES_EVERY_MS = 3_600_000;
/** Records never read for money (sent before issue 54, or not yet accepted) read per poll, per CRM. */
export const UNREAD_PER_POLL = 600;

interface MoneyDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
}

/** The handoffs a poll reads for money besides the open linked ones: linked ones never read (bounded per poll). */
export async function moneyUnread(
  deps: MoneyDeps,
  connector: CrmConnector,
): Promise<{ id: number; crmRecordId: string | null }[]> {
  return findMoneyUnread(deps.db, connector.system, UNREAD_PER_POLL);
}

/**
 * Stores what a poll read of each handoff's record: its money and stage, with a history of changes.
 * Records the CRM did not return (deleted, hidden) keep what was last read.
 */
export async function storeMoney(
  deps: MoneyDeps,
  connector: CrmConnector,
  handoffs: readonly { id: number; crmRecordId: string | null }[],
  states: CrmStates,
): Promise<number> {
  const reads: MoneyRead[] = [];
  // A handoff may be in two of the poll's lists (open and never read): read once.
  const unique = [...new Map(handoffs.map((h) => [h.id, h])).values()];
  for (const h of unique) {
    const state = h.crmRecordId ? states.get(h.crmRecordId) : undefined;
    if (!state?.money || !h.crmRecordId) continue;
    reads.push({
      handoffId: h.id,
      system: connector.system,
      recordId: h.crmRecordId,
      ...state.money,
      closed: state.closed,
      won: state.won,
    });
  }
  if (reads.length === 0) return 0;
  const at = deps.clock.now();
  const changes = await deps.db.transaction((tx) => recordMoney(tx, reads, at));
  if (changes > 0)
    deps.logger.info(
      { system: connector.system, read: reads.length, changed: changes },
      'CRM money read back',
    );
  return changes;
}

/** Reads the CRM's currencies when the last read is over an hour old; a failure keeps the last ones (and says so). */
export async function refreshCurrencies(deps: MoneyDeps, connector: CrmConnector): Promise<void> {
  if (!connector.currency) return;
  const now = deps.clock.now();
  const last = (await readCurrencies(deps.db)).get(connector.system);
  if (last && now.getTime() - last.readAt.getTime() < CURRENCIES_EVERY_MS) return;
  try {
    const currency = await connector.currency();
    await deps.db.transaction((tx) => saveCurrencies(tx, connector.system, currency, now));
  } catch (error) {
    deps.logger.warn(
      { system: connector.system, err: error instanceof CrmError ? error.message : error },
      `${connector.label}'s currencies could not be read: amounts are shown in their own currencies until they are`,
    );
  }
}
