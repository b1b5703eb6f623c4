/** How the app's one-shot commands (backup, migrate-to-postgres) end on what a person can fix: no stack trace. */

/** A wrong command line: the message and the command's usage, exit code 2. */
export function exitWithUsage(message: string, usage: string): never {
  process.stderr.write(`${message}\n${usage}`);
  process.exit(2);
}

/** A failure the person can act on: one message, exit code 1. */
export function exitFailed(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
