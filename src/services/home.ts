import type { Db } from '../db/client.js';
import {
  findAwaitingAe,
  findDealsInProgress,
  findOwnedNeedingAttention,
  type HandoffRow,
} from '../db/repositories/handoffs.js';

/** What a person's App Home shows. One more than the display limit is read, to say when the list is cut. */
export function homeFor(db: Db, userId: string, limits: { owned: number; awaiting: number; deals: number }) {
  const owned: HandoffRow[] = findOwnedNeedingAttention(db, userId, limits.owned + 1);
  const awaiting: HandoffRow[] = findAwaitingAe(db, userId, limits.awaiting);
  const deals: HandoffRow[] = findDealsInProgress(db, userId, limits.deals);
  return { owned, awaiting, deals };
}
