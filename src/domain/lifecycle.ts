/** Where a handoff stands. Later states (meeting held, won, lost, …) extend this list. */
export const HANDOFF_STATUSES = ['sent', 'accepted', 'declined', 'expired', 'withdrawn'] as const;
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
    case 'expired':
      return 'expired without an answer';
    case 'withdrawn':
      return 'withdrawn by its owner';
  }
}

/** The owner's recovery actions and the states they apply to. */
export type OwnerAction = 'reassign' | 'extend' | 'withdraw';

export function canTakeOwnerAction(action: OwnerAction, status: HandoffStatus): boolean {
  switch (action) {
    case 'reassign':
      return status === 'sent' || status === 'expired' || status === 'declined';
    case 'extend':
    case 'withdraw':
      return status === 'sent' || status === 'expired';
  }
}
