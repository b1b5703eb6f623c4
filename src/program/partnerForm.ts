import type { PartnerContact, PartnerNotify } from './kinds.js';
import type { Problems } from './partForms.js';
import { partnerBody } from './partnerManagers.js';
import type { ProgramEdit } from './program.js';
import type { ProgramState } from './state.js';

/**
 * A partner's editor (the Partners page): its partner managers and what they hear, written as
 * `/handoff partners managers|notify` writes them (program/partnerManagers.ts's partnerBody).
 */
export interface PartnerForm {
  /** The partner's id in the directory (the editor's key). */
  id: string;
  /** Undefined: not in the form (a partner's own manager's editor has no such input): kept as they are. */
  managers: string[] | undefined;
  /** Undefined: no choice (Slack always sends one: the radio buttons have an initial option): kept as it is. */
  notify: PartnerNotify | undefined;
  /** Its managers' user group: an id, `null` for none, undefined when the form has no choice (kept as it is). */
  usergroup?: string | null;
  /** The contacts at the partner, one line each ("Lee Park, VP Alliances"); undefined: not in the form (kept). */
  contacts?: string[];
}

/** A contact line: the name, and after the first comma their role. */
export function contactOf(line: string): PartnerContact {
  const comma = line.indexOf(',');
  const name = (comma < 0 ? line : line.slice(0, comma)).trim();
  const role = comma < 0 ? '' : line.slice(comma + 1).trim();
  return role ? { name, role } : { name };
}

/** A contact as its line reads. */
export const contactLine = (c: PartnerContact) => (c.role ? `${c.name}, ${c.role}` : c.name);

/** What the partner's part becomes: `mayManagers` (admins, RevOps) may change its managers; others what they hear. */
function after(state: ProgramState, form: PartnerForm, mayManagers: boolean) {
  const before = state.partners[form.id];
  const group = mayManagers ? form.usergroup : undefined;
  return {
    before,
    managers: (mayManagers ? form.managers : undefined) ?? before?.managers ?? [],
    usergroup: group === undefined ? before?.usergroup : (group ?? undefined),
    notify: form.notify ?? before?.notify ?? 'all',
    // Its managers keep the list, as admins and RevOps may.
    contacts: form.contacts ? form.contacts.map(contactOf) : (before?.contacts ?? []),
  };
}

export function partnerChecks(state: ProgramState, form: PartnerForm, mayManagers: boolean): Problems {
  const { before, managers, usergroup, notify } = after(state, form, mayManagers);
  if (managers.length > 20) return { managers: 'A partner has at most 20 partner managers.' };
  if (managers.length === 0 && !usergroup && notify !== (before?.notify ?? 'all'))
    return { notify: 'Name its partner managers first: this is what they hear.' };
  return {};
}

export function partnerEdits(
  state: ProgramState,
  form: PartnerForm,
  actor: string,
  mayManagers: boolean,
): ProgramEdit[] {
  const { managers, usergroup, notify, contacts } = after(state, form, mayManagers);
  return [{ actor, kind: 'partner', key: form.id, body: partnerBody(managers, notify, usergroup, contacts) }];
}

/** The program's problems (the schema's, like `managers.0: must be a Slack user id`) on the editor's inputs. */
export function partnerProblems(problems: readonly string[]): Problems {
  const out: Problems = {};
  for (const problem of problems) {
    const m = /^([^:]+):\s*(.*)$/.exec(problem);
    const message = m?.[2] ?? problem;
    const where = m?.[1] ?? '';
    const input = where.startsWith('notify')
      ? 'notify'
      : where.startsWith('usergroup')
        ? 'managersGroup'
        : where.startsWith('contacts')
          ? 'contacts'
          : 'managers';
    out[input] ??=
      `${message.charAt(0).toUpperCase()}${message.slice(1)}${/[.!?]$/.test(message) ? '' : '.'}`;
  }
  return out;
}
