/**
 * The request clock of a harness (how long a Slack request waits for its answer: src/runtime/lateAnswers.ts), on
 * time the test sets instead of real time. It stands still, so no answer is ever late however loaded the machine is,
 * until `answersTake(ms)`: from then on each look at it moves it `ms`, and every request's answer (the app's look at
 * the clock when it answers, after the receiver's when the headers came) comes at least `ms` after its arrival, as if
 * the app had been that slow. `answersTake(0)` stills it again.
 */
export class RequestClock {
  private at = 1_000_000;
  private step = 0;

  /** The clock itself, handed to the app (`StartOptions.requestClock`). */
  readonly now = (): number => {
    this.at += this.step;
    return this.at;
  };

  answersTake(ms: number): void {
    this.step = ms;
  }
}
