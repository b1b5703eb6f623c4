import { COMPONENTS, type ComponentId, type ComponentResult } from './scoringModel.js';

/**
 * The score's weights: how much each of the nine components counts, 0 to 3, set by RevOps when the
 * score against outcomes says so (a program part, `scoring`: audited, and applied to the packets scored after it).
 * The score stays out of 18: total = round(18 × Σ wᵢ·sᵢ / Σ 2·wᵢ). Every weight 1 (the default) is the plain sum.
 */
export const WEIGHTS = [0, 1, 2, 3] as const;
export type Weight = (typeof WEIGHTS)[number];
export type ScoreWeights = Record<ComponentId, Weight>;

export const DEFAULT_WEIGHTS: ScoreWeights = Object.fromEntries(
  COMPONENTS.map((id) => [id, 1]),
) as ScoreWeights;

/** The score's top: the nine components at 2 each. */
export const SCORE_MAX = 18;

/** The weighted total out of 18 (the plain sum with every weight 1; every weight 0 counts as every weight 1). */
export function weightedTotal(
  components: readonly Pick<ComponentResult, 'id' | 'score'>[],
  weights: Partial<ScoreWeights> = DEFAULT_WEIGHTS,
): number {
  const weightOf = (id: ComponentId) => weights[id] ?? 1;
  const most = components.reduce((sum, c) => sum + 2 * weightOf(c.id), 0);
  if (most === 0) return components.reduce((sum, c) => sum + c.score, 0);
  const got = components.reduce((sum, c) => sum + weightOf(c.id) * c.score, 0);
  return Math.round((SCORE_MAX * got) / most);
}

/** Whether these are the default weights (every component 1). */
export const isDefaultWeights = (weights: Partial<ScoreWeights>) =>
  COMPONENTS.every((id) => (weights[id] ?? 1) === 1);
