import type { ScoreCheckView } from '../blocks/scoreCheck.js';
import type { Clock } from '../clock.js';
import type { RequestContext } from '../core/requestContext.js';
import type { Db } from '../db/client.js';
import { scoredHandoffsSentIn } from '../db/repositories/scoreOutcomes.js';
import { periodOf } from '../domain/periods.js';
import { may, type ProgramRoles } from '../domain/permissions.js';
import { type ScoreCheck, type ScorePeriod, scoreCheck } from '../domain/scoreOutcomes.js';
import { type ScoreWeights, WEIGHTS, type Weight } from '../domain/scoreWeights.js';
import { COMPONENTS, type ComponentId } from '../domain/scoringModel.js';
import type { Logger } from '../logger.js';
import type { Program } from '../program/program.js';

export interface ScoreCheckDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  program: Pick<Program, 'state' | 'edit'>;
  roles: ProgramRoles;
  /** The reporting time zone (read when used: a program setting). */
  readonly timeZone: string;
}

/** The score view: the shape its renderer reads, in blocks/scoreCheck.ts. */
export type { ScoreCheckView } from '../blocks/scoreCheck.js';

/** The weights editor's form as read: a value per component as Slack sent it (any shape), and the note. */
export interface WeightsForm {
  weights: Partial<Record<ComponentId, unknown>>;
  note: string | undefined;
}

export type ScoreCheckResult<T> =
  | { kind: 'forbidden' }
  | { kind: 'errors'; errors: Partial<Record<ComponentId | 'note', string>> }
  | { kind: 'done'; value: T };

const NOTE_MAX = 500;

/** A select's value as Slack sends it: "0" to "3" (anything else is no weight). */
const asWeight = (value: unknown): Weight | undefined => {
  const n = typeof value === 'string' && /^\d$/.test(value) ? Number(value) : undefined;
  return WEIGHTS.includes(n as Weight) ? (n as Weight) : undefined;
};

/** The weights a form gives, or its problems by component. */
export function readWeights(
  form: WeightsForm,
):
  | { ok: true; weights: ScoreWeights; note?: string }
  | { ok: false; errors: Partial<Record<ComponentId | 'note', string>> } {
  const errors: Partial<Record<ComponentId | 'note', string>> = {};
  const weights = {} as ScoreWeights;
  for (const id of COMPONENTS) {
    const weight = asWeight(form.weights[id]);
    if (weight === undefined) errors[id] = 'Choose a weight from 0 to 3.';
    else weights[id] = weight;
  }
  const note = typeof form.note === 'string' ? form.note.trim() : '';
  if (note.length > NOTE_MAX) errors.note = `At most ${NOTE_MAX} characters.`;
  if (Object.keys(errors).length === 0 && COMPONENTS.every((id) => weights[id] === 0))
    errors[COMPONENTS[0]] = 'Give at least one component a weight above 0.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, weights, ...(note ? { note } : {}) };
}

/**
 * The score against outcomes, for RevOps and admins: the check over the handoffs sent in a period
 * (domain/scoreOutcomes.ts, over two queries), and the score's weights, changed only by them, audited in the
 * program's history (a program part, `scoring`), and applied to the packets scored after the change.
 */
export function createScoreCheck(deps: ScoreCheckDeps) {
  const refuse = (ctx: RequestContext, what: string) => {
    deps.logger.warn({ userId: ctx.actor.userId, teamId: ctx.actor.teamId, what }, 'score check refused');
    return { kind: 'forbidden' } as const;
  };

  /** The handoffs sent in [from, to), checked against what happened to them. */
  const over = async (from: Date, to: Date): Promise<ScoreCheck> =>
    scoreCheck(await scoredHandoffsSentIn(deps.db, from, to));

  return {
    over,
    async view(ctx: RequestContext, period: ScorePeriod): Promise<ScoreCheckResult<ScoreCheckView>> {
      if (!may(deps.roles, ctx, 'scoreCheck')) return refuse(ctx, 'score view');
      const timeZone = deps.timeZone;
      const { from, to } = periodOf(period, deps.clock.now(), timeZone);
      return {
        kind: 'done',
        value: {
          period,
          from,
          to,
          timeZone,
          check: await over(from, to),
          weights: deps.program.state().scoreWeights,
          mayWeights: may(deps.roles, ctx, 'scoreWeights'),
        },
      };
    },
    /** The weights in force, for the editor. */
    weights(ctx: RequestContext): ScoreCheckResult<ScoreWeights> {
      if (!may(deps.roles, ctx, 'scoreWeights')) return refuse(ctx, 'score weights editor');
      return { kind: 'done', value: deps.program.state().scoreWeights };
    },
    /** Saves the weights as the program's `scoring` part (audited in program_log): new packets are scored with them. */
    async saveWeights(
      ctx: RequestContext,
      form: WeightsForm,
    ): Promise<ScoreCheckResult<{ changed: boolean }>> {
      if (!may(deps.roles, ctx, 'scoreWeights')) return refuse(ctx, 'score weights save');
      const read = readWeights(form);
      if (!read.ok) return { kind: 'errors', errors: read.errors };
      const saved = await deps.program.edit({
        actor: ctx.actor.userId,
        kind: 'scoring',
        body: { weights: read.weights },
        ...(read.note ? { note: read.note } : {}),
      });
      if (!saved.ok) return { kind: 'errors', errors: { [COMPONENTS[0]]: saved.problems.join('; ') } };
      deps.logger.info({ by: ctx.actor.userId, weights: read.weights }, "the score's weights saved");
      return { kind: 'done', value: { changed: saved.changed } };
    },
  };
}

export type ScoreCheckService = ReturnType<typeof createScoreCheck>;
