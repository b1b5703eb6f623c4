import type { ViewStateValue } from '@slack/bolt';
import {
  ACTION_ID,
  levelBlockId,
  managerBlockId,
  PROGRAM_BLOCK_ID,
  WEIGHT_ROWS_MAX,
  weightBlockId,
} from '../../blocks/ids.js';
import { LEVEL_ROWS_MAX, REMOVE_LEVEL } from '../../blocks/policyEditor.js';
import { NO_USERGROUP } from '../../blocks/programEditors.js';
import type { RawLevel } from '../../domain/policyWords.js';
import { PARTNER_NOTIFY, type PartnerNotify } from '../../program/kinds.js';
import type { CalendarForm, ManagersForm, PoolForm, RolesForm } from '../../program/partForms.js';
import type { PartnerForm } from '../../program/partnerForm.js';
import type { PolicyForm } from '../../program/policyForm.js';
import type { WeightRow } from '../../program/poolWeights.js';
import { tickedValues } from './packetForm.js';

/**
 * The program editors' view states read into their forms. Only what Slack sends for each element is read:
 * anything else is no choice (a hostile payload reads as an empty form, refused inline).
 */
type Values = Record<string, Record<string, ViewStateValue>>;

const USER = /^[UW][A-Z0-9]{2,30}$/;
const CHANNEL = /^[CG][A-Z0-9]{2,30}$/;

const stateOf = (values: Values, block: string) => values[block]?.[ACTION_ID.value];
const text = (values: Values, block: string): string => {
  const v: unknown = stateOf(values, block)?.value;
  return typeof v === 'string' ? v.trim() : '';
};
const picked = (values: Values, block: string): string => {
  const v: unknown = stateOf(values, block)?.selected_option?.value;
  return typeof v === 'string' ? v : '';
};
/** The values of a multi-select or checkboxes, as the packet's form reads them. */
const pickedMany = (values: Values, block: string): string[] => tickedValues(stateOf(values, block));
const ids = (v: unknown, pattern: RegExp): string[] =>
  Array.isArray(v) ? v.filter((id): id is string => typeof id === 'string' && pattern.test(id)) : [];
const users = (values: Values, block: string) => ids(stateOf(values, block)?.selected_users, USER);
const user = (values: Values, block: string): string | undefined => {
  const v: unknown = stateOf(values, block)?.selected_user;
  return typeof v === 'string' && USER.test(v) ? v : undefined;
};

export function readPolicyForm(values: Values, key: string): PolicyForm {
  const levels: PolicyForm['levels'] = [];
  for (let row = 0; row < LEVEL_ROWS_MAX; row += 1) {
    const at = picked(values, levelBlockId(row, 'when'));
    const action = picked(values, levelBlockId(row, 'action'));
    const to = pickedMany(values, levelBlockId(row, 'to'));
    const channels = ids(stateOf(values, levelBlockId(row, 'channels'))?.selected_conversations, CHANNEL);
    if (at === REMOVE_LEVEL || (!at && !action && to.length === 0 && channels.length === 0)) continue;
    const targets = [...to, ...channels.map((c) => `channel:${c}`)];
    const level: RawLevel = { at, action, ...(targets.length > 0 ? { to: targets } : {}) };
    levels.push({ row, level });
  }
  const also = pickedMany(values, PROGRAM_BLOCK_ID.apply);
  return {
    id: key || text(values, PROGRAM_BLOCK_ID.id),
    isNew: !key,
    name: text(values, PROGRAM_BLOCK_ID.name),
    levels,
    partners: pickedMany(values, PROGRAM_BLOCK_ID.partners),
    pools: pickedMany(values, PROGRAM_BLOCK_ID.pools),
    apply: also.includes('apply'),
    remove: also.includes('remove'),
  };
}

/** The pool editor's weight rows, as many as it shows: the person chosen and the number given (null: none). */
function weightRows(values: Values): WeightRow[] {
  const rows: WeightRow[] = [];
  for (let i = 0; i < WEIGHT_ROWS_MAX && values[weightBlockId(i, 'user')]; i++) {
    const weight = text(values, weightBlockId(i, 'value'));
    rows.push({
      user: user(values, weightBlockId(i, 'user')) ?? null,
      weight: weight === '' ? null : Number(weight),
    });
  }
  return rows;
}

export function readPoolForm(values: Values, key: string, admin: boolean): PoolForm {
  const capText = text(values, PROGRAM_BLOCK_ID.cap);
  const cap = capText === '' ? undefined : Number(capText);
  const sharing = picked(values, PROGRAM_BLOCK_ID.fairness);
  const managersGroup = admin ? group(values, PROGRAM_BLOCK_ID.managersGroup) : undefined;
  return {
    id: key || text(values, PROGRAM_BLOCK_ID.id),
    isNew: !key,
    name: text(values, PROGRAM_BLOCK_ID.name),
    // A user-group pool has no members input: its group stays.
    members: values[PROGRAM_BLOCK_ID.members] ? users(values, PROGRAM_BLOCK_ID.members) : undefined,
    cap: cap !== undefined && Number.isFinite(cap) ? cap : undefined,
    managers: admin ? users(values, PROGRAM_BLOCK_ID.managers) : undefined,
    ...(managersGroup !== undefined ? { managersGroup } : {}),
    remove: admin && pickedMany(values, PROGRAM_BLOCK_ID.remove).includes('remove'),
    // Absent inputs (an older editor still open) keep the pool's weights and sharing.
    ...(values[weightBlockId(0, 'user')] ? { weights: weightRows(values) } : {}),
    ...(sharing === 'plain' || sharing === 'week' || sharing === 'month' ? { sharing } : {}),
  };
}

export function readCalendarForm(values: Values): CalendarForm {
  const choice = picked(values, PROGRAM_BLOCK_ID.holidays);
  const split = (s: string) =>
    s
      .split(/[\s,;]+/)
      .map((x) => x.trim())
      .filter(Boolean);
  return {
    closures: split(text(values, PROGRAM_BLOCK_ID.closures)),
    holidays: choice === 'none' || choice === 'regions' || choice === 'by_zone' ? choice : undefined,
    regions: split(text(values, PROGRAM_BLOCK_ID.regions)).map((r) => r.toUpperCase()),
  };
}

/** A role's user group: an id, `null` for "No user group", undefined when the form sends no choice (kept). */
function group(values: Values, block: string): string | null | undefined {
  const value = picked(values, block);
  if (value === NO_USERGROUP) return null;
  return /^S[A-Z0-9]{2,30}$/.test(value) ? value : undefined;
}

export function readRolesForm(values: Values): RolesForm {
  const adminGroup = group(values, PROGRAM_BLOCK_ID.adminGroup);
  const revopsGroup = group(values, PROGRAM_BLOCK_ID.revopsGroup);
  return {
    admins: users(values, PROGRAM_BLOCK_ID.admins),
    revops: users(values, PROGRAM_BLOCK_ID.revops),
    ...(adminGroup !== undefined ? { adminGroup } : {}),
    ...(revopsGroup !== undefined ? { revopsGroup } : {}),
  };
}

/** A partner's editor: its managers when the form has them (admins' and RevOps'), and what they hear. */
export function readPartnerForm(values: Values, key: string): PartnerForm {
  const notify = picked(values, PROGRAM_BLOCK_ID.notify);
  const usergroup = group(values, PROGRAM_BLOCK_ID.managersGroup);
  return {
    id: key,
    managers: values[PROGRAM_BLOCK_ID.managers] ? users(values, PROGRAM_BLOCK_ID.managers) : undefined,
    notify: PARTNER_NOTIFY.includes(notify as PartnerNotify) ? (notify as PartnerNotify) : undefined,
    ...(usergroup !== undefined ? { usergroup } : {}),
    // One contact a line (an empty line is none); absent from a hostile payload: kept as they are.
    ...(values[PROGRAM_BLOCK_ID.contacts]
      ? {
          contacts: text(values, PROGRAM_BLOCK_ID.contacts)
            .split('\n')
            .map((line) => line.trim())
            .filter(Boolean),
        }
      : {}),
  };
}

export function readManagersForm(values: Values): ManagersForm {
  const ae = user(values, managerBlockId(0, 'ae'));
  const manager = user(values, managerBlockId(0, 'manager'));
  return {
    ...(ae ? { ae } : {}),
    ...(manager ? { manager } : {}),
    remove: users(values, PROGRAM_BLOCK_ID.managers),
  };
}
