import { ConfigError, loadConfig } from '../config.js';
import { redactedUrl } from '../db/storage.js';
import { shownUrl } from './redact.js';
import type { Check, Finding } from './types.js';

/**
 * The settings, read by the app's own loadConfig: each problem it names is a failed finding (the app would not
 * start), never a crash of the doctor.
 */
export const settingsCheck: Check = {
  title: 'Settings',
  needs: [],
  run(ctx) {
    try {
      const config = loadConfig(ctx.env);
      ctx.config = config;
      const mode = config.slack.appToken ? 'Socket Mode (SLACK_APP_TOKEN)' : 'HTTP (SLACK_SIGNING_SECRET)';
      const backups = config.backups
        ? `scheduled backups to ${config.backups.dir} at ${config.backups.at} (${config.backups.timeZone}), ${config.backups.keep} kept`
        : 'no scheduled backups (BACKUP_DIR unset)';
      return [
        {
          status: 'pass',
          text: `Valid: ${mode}, database ${config.databaseUrl ? `Postgres ${redactedUrl(config.databaseUrl)}` : config.databasePath}, Slack API ${shownUrl(config.slack.apiUrl)}, ${backups}.`,
        },
      ];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const findings: Finding[] = error.problems.map((problem) => ({ status: 'fail', text: problem }));
      const last = findings.at(-1);
      if (last)
        last.fix =
          "Set each in .env (in the app's folder, where package.json is) or in the environment: .env.example lists the deployment's settings, docs/configuration.md every setting and what it does. The app will not start until they are fixed.";
      return findings;
    }
  },
};
