import { PolicyFileError } from '../domain/policyFile.js';
import { loadPolicyBook } from '../escalation/policies.js';
import { envDayHours } from '../program/settings.js';
import type { Check, DoctorContext, Finding } from './types.js';

const FIX =
  'Edit the file (docs/escalation.md says what it holds), or unset ESCALATION_POLICY_FILE for the default policy. The app will not start with these problems.';

/** ESCALATION_POLICY_FILE, read and checked as the app reads it at start; a valid book is kept for later checks. */
function checkPolicyFile(ctx: DoctorContext): Finding[] {
  const config = ctx.config;
  if (!config) return [];
  const file = config.escalationPolicies.file;
  if (!file) {
    return [
      {
        status: 'pass',
        text: 'ESCALATION_POLICY_FILE is unset: the default policy (REMINDERS, ESCALATION_*).',
      },
    ];
  }
  try {
    const book = loadPolicyBook(file, envDayHours(config.programSettings));
    ctx.book = book;
    const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
    const pools = count(Object.keys(book?.pools ?? {}).length, 'pool', 'pools');
    const policies = count(Object.keys(book?.policies ?? {}).length, 'policy', 'policies');
    const routes = count(book?.routes.length ?? 0, 'route', 'routes');
    return [{ status: 'pass', text: `${file} is valid: ${pools}, ${policies}, ${routes}.` }];
  } catch (error) {
    if (error instanceof PolicyFileError) {
      return error.problems.map((problem, i) => ({
        status: 'fail',
        text: `${file}: ${problem}`,
        ...(i === error.problems.length - 1 ? { fix: FIX } : {}),
      }));
    }
    return [{ status: 'fail', text: error instanceof Error ? error.message : String(error), fix: FIX }];
  }
}

export const policyFileCheck: Check = {
  title: 'Escalation policy file',
  needs: ['settings'],
  run: checkPolicyFile,
};
