import type { ReadinessItem } from '../domain/readiness.js';
import { BAND_LABEL, type Band } from '../domain/scoringModel.js';

/**
 * The packet's verdict in words, one for every reader (the author's review, the AE's packet): "Ready to hand off"
 * holds only with the readiness checklist (DOMAIN.md: hand off now only when all hold), so a strong score with an
 * open item says how many are open, never "ready" beside a ⬜.
 */
export function verdictText(band: Band, items: readonly ReadinessItem[]): string {
  const open = items.filter((item) => !item.met).length;
  if (band !== 'ready' || open === 0) return BAND_LABEL[band];
  return `Strong, not ready: ${open} readiness item${open === 1 ? '' : 's'} open`;
}
