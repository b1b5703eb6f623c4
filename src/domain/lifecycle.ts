/** Where a handoff stands. Later states (expired, withdrawn, won, lost, …) extend this list. */
export const HANDOFF_STATUSES = ['sent', 'accepted', 'declined'] as const;
export type HandoffStatus = (typeof HANDOFF_STATUSES)[number];

export type Decision = 'accepted' | 'declined';

/** Only a handoff waiting for its AE can be decided. */
export function isOpenForDecision(status: HandoffStatus): boolean {
  return status === 'sent';
}

export function describeStatus(status: HandoffStatus): string {
  switch (status) {
    case 'sent':
      return 'waiting for the AE';
    case 'accepted':
      return 'accepted';
    case 'declined':
      return 'declined';
  }
}
