import type { Locator, Page } from 'playwright-core';

/**
 * A scripted author on the sandbox page whose every gesture is counted (`npm run bench:packet-walk`): each input
 * typed (with its characters), each click, and each submit the app answers with errors. The walk script does
 * everything through these helpers, so the counts are what a person would do, not what the script thinks it did.
 */

/** One gesture of the walk, for the step-by-step list. */
export interface WalkStep {
  what: string;
  kind: 'typed' | 'click' | 'error round';
  /** Characters typed (0 for a click). */
  characters: number;
  /** Clicks it took (a select is two: open it, pick the option). */
  clicks: number;
}

export interface WalkCount {
  inputsTyped: number;
  characters: number;
  clicks: number;
  errorRounds: number;
  steps: WalkStep[];
}

/** The answer of the page's `/api/submit`: the app's HTTP status, and its `errors` when it answered with some. */
interface SubmitAnswer {
  status?: number;
  errors?: Record<string, string>;
  error?: string;
}

export interface CountedAuthor {
  readonly count: WalkCount;
  /** Types `text` into an input (a fill: one input typed, its characters counted). */
  type(selector: string, text: string, what: string): Promise<void>;
  /** Clicks something (a selector or a locator): one click. */
  click(target: string | Locator, what: string): Promise<void>;
  /** Chooses an option of a select: two clicks, as in Slack (open the menu, pick the option). */
  choose(selector: string, value: string, what: string): Promise<void>;
  /** Ticks a checkbox: one click. */
  tick(selector: string, what: string): Promise<void>;
  /** Clicks the open modal's submit button; an answer with errors is an error round. The errors, if any. */
  submit(what: string): Promise<Record<string, string> | undefined>;
}

export function emptyCount(): WalkCount {
  return { inputsTyped: 0, characters: 0, clicks: 0, errorRounds: 0, steps: [] };
}

function record(count: WalkCount, step: WalkStep): void {
  count.steps.push(step);
  if (step.kind === 'typed') count.inputsTyped += 1;
  if (step.kind === 'error round') count.errorRounds += 1;
  count.characters += step.characters;
  count.clicks += step.clicks;
}

/** The page's answer to the next POST of /api/submit. */
function nextSubmitAnswer(page: Page): Promise<SubmitAnswer> {
  return page
    .waitForResponse((r) => new URL(r.url()).pathname === '/api/submit' && r.request().method() === 'POST')
    .then((r) => r.json() as Promise<SubmitAnswer>);
}

export function countedAuthor(page: Page): CountedAuthor {
  const count = emptyCount();
  const click = (what: string, clicks = 1) => record(count, { what, kind: 'click', characters: 0, clicks });
  return {
    count,
    async type(selector, text, what) {
      await page.fill(selector, text);
      record(count, { what, kind: 'typed', characters: [...text].length, clicks: 0 });
    },
    async click(target, what) {
      await (typeof target === 'string' ? page.click(target) : target.click());
      click(what);
    },
    async choose(selector, value, what) {
      await page.selectOption(selector, value);
      click(what, 2);
    },
    async tick(selector, what) {
      await page.check(selector);
      click(what);
    },
    async submit(what) {
      const answered = nextSubmitAnswer(page);
      await page.click('.modal-card .bk-submit');
      click(what);
      const answer = await answered;
      if (answer.error) throw new Error(`${what}: the sandbox refused the submit: ${answer.error}`);
      if (answer.status !== 200) throw new Error(`${what}: the app answered HTTP ${answer.status}`);
      if (!answer.errors) return undefined;
      const fields = Object.keys(answer.errors).join(', ');
      record(count, { what: `${what}: errors on ${fields}`, kind: 'error round', characters: 0, clicks: 0 });
      return answer.errors;
    },
  };
}
