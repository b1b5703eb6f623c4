/**
 * Views of the fake Slack server: modals (views.open / push / update, stacks of at most 3), Home tabs
 * (views.publish) and the trigger ids that open modals (single use, 3 s).
 *
 * A modal's stack changes as in Slack (https://docs.slack.dev/surfaces/modals): views.open starts one, views.push
 * and `response_action: 'push'` add a view on top (`push_limit_reached` beyond 3), `update` replaces a view in place,
 * the person closing the top view (its close button, the X) takes it off (the whole stack with `clear_on_close`), an
 * empty answer to a view_submission closes the submitted view, `clear` closes them all and `errors` keeps it. A closed
 * view is gone for the API (views.update answers `not_found`); `find` still returns it, for tests to look at.
 */
import { randomBytes } from 'node:crypto';
import { type SlackFileLookup, validateView } from './blockLimits.js';
import { type ApiError, type ApiResult, type Args, fail, str, type WorkspaceConfig } from './common.js';
import type { FileViewer } from './files.js';
import type { FakeView } from './types.js';

const MAX_VIEW_STACK = 3;

/** What the app answered to a view_submission (its `ack()` body; `{}` for an empty answer). */
export interface SubmissionAnswer {
  response_action?: unknown;
  view?: unknown;
  errors?: unknown;
}

/** What Slack did with a view_submission answer: the views it closed (top first) and the view it put up, if any. */
export type SubmissionOutcome =
  | { ok: true; action: 'errors' | 'update' | 'push' | 'clear' | 'close'; view?: FakeView; closed: string[] }
  | ApiError;

export class ViewStore {
  readonly views = new Map<string, FakeView>();
  /** Modal stacks: root view id -> view ids, bottom first. */
  readonly stacks = new Map<string, string[]>();
  /** Home tab view id per user id. */
  readonly homeViews = new Map<string, string>();
  readonly triggers = new Map<string, { issuedAt: number; used: boolean; viewId?: string }>();
  /** Modal views closed (by the person, or by an answer to a submission): gone for the API. */
  private readonly closed = new Set<string>();
  private lastRootViewId: string | undefined;

  constructor(
    private readonly config: WorkspaceConfig,
    private readonly hasUser: (userId: string) => boolean,
    /** Resolves `slack_file` references of image blocks, as the view's viewer sees the files. */
    private readonly filesFor: (viewer: FileViewer) => SlackFileLookup,
  ) {}

  reset(): void {
    this.views.clear();
    this.stacks.clear();
    this.homeViews.clear();
    this.triggers.clear();
    this.closed.clear();
    this.lastRootViewId = undefined;
  }

  issueTriggerId(viewId?: string): string {
    const id = `${Math.floor(Date.now() / 1000)}.${randomBytes(4).readUInt32BE()}.${randomBytes(8).toString('hex')}`;
    this.triggers.set(id, { issuedAt: Date.now(), used: false, ...(viewId ? { viewId } : {}) });
    return id;
  }

  /** A view by id or external_id. */
  find(idOrExternalId: string): FakeView | undefined {
    return (
      this.views.get(idOrExternalId) ?? [...this.views.values()].find((v) => v.external_id === idOrExternalId)
    );
  }

  /** Checks a trigger id without consuming it. */
  private checkTrigger(triggerId: unknown): ApiError | { viewId?: string; consume: () => void } {
    const trigger = this.triggers.get(str(triggerId) ?? '');
    if (!trigger) return fail('invalid_trigger_id');
    if (trigger.used) return fail('exchanged_trigger_id');
    if (Date.now() - trigger.issuedAt >= this.config.triggerTtlMs) return fail('expired_trigger_id');
    return { viewId: trigger.viewId, consume: () => (trigger.used = true) };
  }

  private newHash(): string {
    return `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString('hex')}`;
  }

  private newViewId(): string {
    let id: string;
    do id = `V${randomBytes(5).toString('hex').toUpperCase()}`;
    while (this.views.has(id));
    return id;
  }

  private externalIdTaken(externalId: unknown, exceptViewId?: string): boolean {
    if (!str(externalId)) return false;
    return [...this.views.values()].some((v) => v.external_id === externalId && v.id !== exceptViewId);
  }

  private buildView(
    view: Record<string, unknown>,
    id: string,
    root: string | null,
    previous: string | null,
  ): FakeView {
    const { team_id: _t, id: _i, hash: _h, state: _s, ...rest } = view;
    return {
      ...rest,
      id,
      team_id: this.config.teamId,
      type: String(view.type),
      blocks: (view.blocks as unknown[]) ?? [],
      private_metadata: str(view.private_metadata) ?? '',
      callback_id: str(view.callback_id) ?? '',
      external_id: str(view.external_id) ?? '',
      state: { values: {} },
      hash: this.newHash(),
      clear_on_close: view.clear_on_close === true,
      notify_on_close: view.notify_on_close === true,
      root_view_id: root,
      previous_view_id: previous,
      app_id: this.config.appId,
      app_installed_team_id: this.config.teamId,
      bot_id: this.config.botId,
    };
  }

  open(args: Args, push: boolean): ApiResult {
    const trigger = this.checkTrigger(args.trigger_id);
    if ('error' in trigger) return trigger;
    // The trigger does not say whose modal it is: a file shared anywhere (or public) counts as visible.
    const invalid = validateView(args.view, ['modal'], { files: this.filesFor({ anyone: true }) });
    if (invalid) return fail(invalid.error, invalid.messages);
    const view = args.view as Record<string, unknown>;
    if (this.externalIdTaken(view.external_id)) return fail('duplicate_external_id');
    // views.push stacks onto the modal the trigger came from (or the latest one); without any modal it opens one.
    let rootId: string | null | undefined;
    if (push) rootId = trigger.viewId ? this.views.get(trigger.viewId)?.root_view_id : this.lastRootViewId;
    const stack = rootId ? this.stacks.get(rootId) : undefined;
    if (stack && stack.length >= MAX_VIEW_STACK) return fail('push_limit_reached');
    trigger.consume();
    const id = this.newViewId();
    const built =
      stack && rootId
        ? this.buildView(view, id, rootId, stack.at(-1) ?? null)
        : this.buildView(view, id, id, null);
    this.views.set(id, built);
    if (stack) stack.push(id);
    else {
      this.stacks.set(id, [id]);
      this.lastRootViewId = id;
    }
    return { ok: true, view: built };
  }

  update(args: Args): ApiResult {
    const viewId = str(args.view_id);
    const externalId = str(args.external_id);
    if (!viewId && !externalId) {
      return fail('invalid_arguments', ['[ERROR] must provide view_id or external_id [json-pointer:/]']);
    }
    const current = viewId ? this.views.get(viewId) : this.find(externalId as string);
    if (!current || this.closed.has(current.id)) return fail('not_found');
    if (str(args.hash) && args.hash !== current.hash) return fail('hash_conflict');
    const invalid = validateView(args.view, [current.type], { files: this.filesFor(this.viewerOf(current)) });
    if (invalid) return fail(invalid.error, invalid.messages);
    const view = args.view as Record<string, unknown>;
    if (this.externalIdTaken(view.external_id, current.id)) return fail('duplicate_external_id');
    const updated = this.buildView(
      { external_id: current.external_id, ...view },
      current.id,
      current.root_view_id,
      current.previous_view_id,
    );
    this.views.set(current.id, updated);
    return { ok: true, view: updated };
  }

  /** Whose view this is: the person of a Home tab; for a modal, the fake cannot tell. */
  private viewerOf(view: FakeView): FileViewer {
    for (const [userId, id] of this.homeViews) if (id === view.id) return { userId };
    return { anyone: true };
  }

  /** The open stack (view ids, bottom first) that holds a modal view; undefined once the view is closed. */
  stackOf(viewId: string): string[] | undefined {
    const root = this.views.get(viewId)?.root_view_id;
    const stack = root ? this.stacks.get(root) : undefined;
    return stack?.includes(viewId) ? [...stack] : undefined;
  }

  /**
   * The person closes a modal view (its close button, the X, Esc): it leaves its stack with any view above it, and
   * the view under it shows again; a view with `clear_on_close` takes the whole stack with it (`cleared`).
   * `closed` lists the views that went, top first.
   */
  close(viewId: string): { ok: true; closed: string[]; cleared: boolean } | ApiError {
    const view = this.views.get(viewId);
    const stack = this.stackOf(viewId);
    if (!view || !stack) return fail('not_found');
    if (view.clear_on_close) return { ok: true, closed: this.clearStack(viewId), cleared: true };
    return { ok: true, closed: this.closeFrom(viewId), cleared: false };
  }

  /**
   * What Slack does with the app's answer to a view_submission of `viewId`: `errors` keeps the view, `update`
   * replaces it in place, `push` adds a view on top of it (`push_limit_reached` beyond 3), `clear` closes every view
   * of its stack, and an empty answer closes the submitted view (the one under it shows again).
   */
  answerSubmission(viewId: string, answer: SubmissionAnswer): SubmissionOutcome {
    if (!this.stackOf(viewId)) return fail('not_found');
    switch (answer.response_action) {
      case 'errors':
        return { ok: true, action: 'errors', closed: [] };
      case 'update': {
        const result = this.update({ view_id: viewId, view: answer.view });
        if (!result.ok) return result as ApiError;
        return { ok: true, action: 'update', view: result.view as FakeView, closed: [] };
      }
      case 'push': {
        const result = this.open({ trigger_id: this.issueTriggerId(viewId), view: answer.view }, true);
        if (!result.ok) return result as ApiError;
        return { ok: true, action: 'push', view: result.view as FakeView, closed: [] };
      }
      case 'clear':
        return { ok: true, action: 'clear', closed: this.clearStack(viewId) };
      case undefined:
        return { ok: true, action: 'close', closed: this.closeFrom(viewId) };
      default:
        return fail('invalid_response_action');
    }
  }

  /** Closes a view and every view above it; returns their ids, top first. */
  private closeFrom(viewId: string): string[] {
    const root = this.views.get(viewId)?.root_view_id ?? '';
    const stack = this.stacks.get(root) ?? [];
    const index = stack.indexOf(viewId);
    if (index < 0) return [];
    const closed = stack.splice(index).reverse();
    for (const id of closed) this.closed.add(id);
    if (stack.length === 0) this.stacks.delete(root);
    return closed;
  }

  /** Closes every view of the stack holding `viewId`; returns their ids, top first. */
  private clearStack(viewId: string): string[] {
    const root = this.views.get(viewId)?.root_view_id ?? '';
    const bottom = this.stacks.get(root)?.[0];
    return bottom ? this.closeFrom(bottom) : [];
  }

  publish(args: Args): ApiResult {
    const userId = str(args.user_id);
    if (!userId || !this.hasUser(userId)) return fail('user_not_found');
    const existingId = this.homeViews.get(userId);
    const existing = existingId ? this.views.get(existingId) : undefined;
    if (existing && str(args.hash) && args.hash !== existing.hash) return fail('hash_conflict');
    // A Home tab is one person's: it may show only files they can see.
    const invalid = validateView(args.view, ['home'], { files: this.filesFor({ userId }) });
    if (invalid) return fail(invalid.error, invalid.messages);
    const id = existing?.id ?? this.newViewId();
    const built = this.buildView(args.view as Record<string, unknown>, id, null, null);
    this.views.set(id, built);
    this.homeViews.set(userId, id);
    return { ok: true, view: built };
  }
}
