/**
 * Slack shows the person an error when the answer to its request (the HTTP 200 of an ack) comes more than 3 s after
 * it sent the request. The app saves a decision before it answers (Accept, Withdraw, an outcome, a modal's Record…),
 * so that a click Slack saw answered survives a crash; so a late answer can follow a save, and Slack then showed an
 * error for something that was saved (at least 1,233 clicks under CPU starvation). The listener says
 * what it saved (handlers/saved.ts, from the table in blocks/savedNotes.ts), and when its answer was late the person
 * is told the truth after, through the outbox (app.ts).
 */

/** How long Slack waits for an answer, from when it sent the request. */
export const SLACK_ANSWER_MS = 3_000;

/**
 * From this long after the receiver had a request's headers, its answer counts as late. Slack counts from when it
 * sent the request, which is earlier: the network, and a busy process that reads a request's headers late (the CPU
 * starvation this is for). A note after an answer Slack took in time costs an extra line that says "may have"; a
 * missing one leaves someone believing a saved decision was lost.
 */
export const LATE_ANSWER_MS = 2_500;

/** The key of a request's record in Bolt's `context` (the receiver gives it as a custom property). */
export const REQUEST_KEY = 'slackRequest';

/** One Slack request on its way to its answer. */
export interface SlackRequest {
  /** When its headers arrived, on the request clock (a monotonic clock, in milliseconds). */
  arrivedAt: number;
  /**
   * Bolt answered it itself (404, when no ack came within its own 3 s): Slack showed the person an error, and the
   * listener's ack came after it.
   */
  answeredByBolt?: boolean;
  /** What the listener saved before it answered, in words for its person (handlers/saved.ts); unset: nothing. */
  saved?: string;
}

/** The request's record in a Bolt context, if it has one. */
export function requestIn(context: Record<string, unknown>): SlackRequest | undefined {
  const request = context[REQUEST_KEY];
  return typeof request === 'object' && request !== null ? (request as SlackRequest) : undefined;
}

/** Whether an answer sent at `now` (on the request clock) may have come too late for Slack. */
export function answeredLate(request: SlackRequest, now: number): boolean {
  return request.answeredByBolt === true || now - request.arrivedAt >= LATE_ANSWER_MS;
}

/** The request clock in production: the process's monotonic clock (a wall-clock step cannot stretch or hide a wait). */
export const processRequestClock = (): number => performance.now();
