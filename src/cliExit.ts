/** How the app's one-shot commands read their command line, and end on what a person can fix: no stack trace. */
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A command line read strictly (no positionals, no unknown option), with --help/-h beside the command's options. */
export type CommandLine<V> =
  | { kind: 'values'; values: V }
  | { kind: 'help' }
  | { kind: 'usage'; message: string };

/** Reads `argv` against `options`: its values, a request for help, or what is wrong with it (for the usage). */
export function readCommandLine<V>(
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
): CommandLine<V> {
  let values: V & { help?: boolean };
  try {
    values = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values as V & { help?: boolean };
  } catch (error) {
    return { kind: 'usage', message: error instanceof Error ? error.message : String(error) };
  }
  return values.help ? { kind: 'help' } : { kind: 'values', values };
}

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
