/**
 * The indexes the sweep's one read probes, one per due time (db/repositories/dueTimes.ts `handoffDueBy`): its plan
 * tests on both engines check each is used.
 */
export const SWEEP_DUE_INDEXES = [
  'handoffs_status_due_at_idx',
  'handoffs_status_next_reminder_at_idx',
  'handoffs_status_next_escalation_at_idx',
  'handoffs_status_next_stall_nudge_at_idx',
  'handoffs_status_next_step_check_at_idx',
  'handoffs_status_pause_ends_at_idx',
] as const;
