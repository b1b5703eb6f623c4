import type { Clock } from '../clock.js';
import { createLogger, type Logger } from '../logger.js';
import { scrub, secretsOf } from '../secrets.js';
import { CHECKS } from './checks.js';
import { renderReport, statusOf } from './report.js';
import type { Check, CheckResult, DoctorContext, Finding, Need } from './types.js';

export interface DoctorOptions {
  /** The settings, as the app reads them (process.env, with .env loaded, for the command). */
  env: NodeJS.ProcessEnv;
  clock: Clock;
  /** Where the libraries' own logging goes (silent by default: the report says what matters). */
  logger?: Logger;
  /** The checks to run (default: all of CHECKS). */
  checks?: readonly Check[];
}

export interface DoctorReport {
  /** 1 when any check failed, else 0. */
  exitCode: 0 | 1;
  /** The checklist, as printed. */
  text: string;
  results: CheckResult[];
}

const UNMET: Record<Need, { met(ctx: DoctorContext): boolean; why: string }> = {
  settings: { met: (ctx) => ctx.config !== undefined, why: 'needs valid settings (see Settings above)' },
  slack: {
    met: (ctx) => ctx.slack !== undefined,
    why: 'needs a token Slack accepts (see the token check above)',
  },
  database: { met: (ctx) => ctx.database !== undefined, why: 'needs the database (see Database above)' },
};

/**
 * `npm run doctor`: runs each check of the table in order against the real install (the settings, Slack through
 * SLACK_API_URL, the database read-only, the CRM), and returns the checklist and the exit code. A check that throws
 * is a failed check, not a crash.
 */
export async function runDoctor(opts: DoctorOptions): Promise<DoctorReport> {
  const ctx: DoctorContext = {
    env: opts.env,
    clock: opts.clock,
    logger: opts.logger ?? createLogger('silent'),
    found: { channels: new Map(), people: new Map() },
  };
  const results: CheckResult[] = [];
  try {
    for (const check of opts.checks ?? CHECKS) {
      const unmet = check.needs.find((need) => !UNMET[need].met(ctx));
      let findings: Finding[];
      if (unmet) findings = [{ status: 'skip', text: `Skipped: ${UNMET[unmet].why}.` }];
      else {
        try {
          findings = await check.run(ctx);
        } catch (error) {
          findings = [
            {
              status: 'fail',
              text: `The check itself failed: ${error instanceof Error ? error.message : String(error)}.`,
            },
          ];
        }
      }
      results.push({ title: check.title, findings });
    }
  } finally {
    await ctx.database?.close();
  }
  // Whatever a check or a library put in a message, no secret of the settings is printed.
  const secrets = secretsOf(opts.env);
  for (const result of results)
    result.findings = result.findings.map((f) => ({
      ...f,
      text: scrub(f.text, secrets),
      ...(f.fix ? { fix: scrub(f.fix, secrets) } : {}),
    }));
  return {
    exitCode: results.some((r) => statusOf(r) === 'fail') ? 1 : 0,
    text: renderReport(results, ctx.found, opts.clock.now()),
    results,
  };
}
