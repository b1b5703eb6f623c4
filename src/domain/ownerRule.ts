/**
 * The rule of the account's owner: the author says why when the CRM's owner is one of ours in Slack and a
 * new packet goes to someone else (an edit changes no AE; a pool sent to the owner passes nobody over).
 */
export function ownerPassedOver(review: {
  accountOwner?: { userId?: string } | undefined;
  ae: { id: string };
  editOf?: number | undefined;
}): boolean {
  const owner = review.accountOwner;
  return Boolean(owner?.userId && review.editOf === undefined && owner.userId !== review.ae.id);
}
