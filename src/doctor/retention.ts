import { retentionLines, uninstallLine } from '../retention/ageOut.js';
import type { Check, DoctorContext, Finding } from './types.js';

/**
 * The retention in force: how long each kind of data is kept, and what an uninstall does, from the
 * settings. Nothing to fail: each is a choice; `npm run doctor -- --privacy` says the rest (docs/privacy.md).
 */
function checkRetention(ctx: DoctorContext): Finding[] {
  const config = ctx.config;
  if (!config) return [];
  return [
    ...retentionLines(config.retention, config.outbox.retentionDays),
    uninstallLine(config.retention.uninstallDeleteAfterDays),
  ].map((line) => ({ status: 'pass' as const, text: line.charAt(0).toUpperCase() + line.slice(1) }));
}

export const retentionCheck: Check = { title: 'Data retention', needs: ['settings'], run: checkRetention };
