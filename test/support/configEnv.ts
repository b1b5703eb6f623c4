import { expect } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

/** The smallest environment loadConfig accepts, with `overrides` on top. */
export const configEnv = (overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => ({
  SLACK_BOT_TOKEN: 'xoxb-1-abc',
  SLACK_SIGNING_SECRET: 'shhh',
  ...overrides,
});

/** The problems loadConfig names for that environment, or [] when it accepts it. */
export function configProblems(overrides: Record<string, string | undefined>): string[] {
  try {
    loadConfig(configEnv(overrides));
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}
