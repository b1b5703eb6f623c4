import { expect } from 'vitest';
import { type PolicyBook, PolicyFileError, parsePolicyFile } from '../../../src/domain/policyFile.js';

export const POLICY_FILE = '/etc/cosell/escalation.json';

/** The escalation policy file `file` (its text, or an object as JSON), read with `dayHours`-hour business days. */
export const parsePolicies = (file: unknown, dayHours = 8): PolicyBook =>
  parsePolicyFile(POLICY_FILE, typeof file === 'string' ? file : JSON.stringify(file), dayHours);

/** The problems a file is refused for (fails the test when it is accepted or throws something else). */
export function policyProblems(file: unknown, dayHours = 8): string[] {
  try {
    parsePolicies(file, dayHours);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyFileError);
    const e = error as PolicyFileError;
    expect(e.file).toBe(POLICY_FILE);
    expect(e.name).toBe('PolicyFileError');
    return e.problems;
  }
  throw new Error('the file was accepted');
}
