/** Who is acting, as Slack identifies them: a user id and the user's own workspace. */
export interface Actor {
  userId: string;
  teamId: string | undefined;
}

/**
 * An actor is internal when their own workspace is the one the app is installed in (or an extra workspace of our
 * organization). In a Slack Connect channel, a partner's clicks carry their own team id.
 */
export function isInternalActor(actor: Actor, internalTeamIds: readonly string[]): boolean {
  return actor.teamId !== undefined && internalTeamIds.includes(actor.teamId);
}

export function isSameActor(actor: Actor, userId: string, teamId: string): boolean {
  return actor.userId === userId && actor.teamId === teamId;
}
