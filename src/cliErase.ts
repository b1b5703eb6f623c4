/**
 * What `npm run erase` (erase.ts) makes of its command line: pure, so the tests check each wrong command line without
 * starting the command.
 */
import { readCommandLine } from './cliExit.js';

export const ERASE_USAGE =
  'Usage: npm run erase -- --person <Slack id | email | full name> [--apply] [--installation ID]\n' +
  '  --person        who to erase: their Slack user id (U…), their email, or their name (a partner contact, an AE);\n' +
  "                  a name that is part of two people's names, or one word that is nobody's, is refused\n" +
  '  --apply         erase (without it: list what would be erased, and change nothing)\n' +
  '  --installation  the workspace (T…) or org (E…), when the app serves several\n';

/** The erasure asked for: the help, a wrong command line (its message; exit code 2 with the usage), or whom. */
export type EraseRequest =
  | { kind: 'help' }
  | { kind: 'usage'; message: string }
  | { kind: 'run'; person: string; apply: boolean; installation: string | undefined };

export function eraseRequest(argv: string[]): EraseRequest {
  const line = readCommandLine<{ person?: string; apply?: boolean; installation?: string }>(argv, {
    person: { type: 'string' },
    apply: { type: 'boolean' },
    installation: { type: 'string' },
  });
  if (line.kind !== 'values') return line;
  const { values } = line;
  if (!values.person?.trim()) return { kind: 'usage', message: 'Name the person with --person.' };
  return {
    kind: 'run',
    person: values.person,
    apply: values.apply ?? false,
    installation: values.installation?.trim() || undefined,
  };
}
