import type { Config } from '../config.js';
import type { Program } from './program.js';
import { configValue, SETTING_KEYS, SETTINGS, type SettingKey } from './settings.js';

type Node = Record<string, unknown>;

/** A getter at a setting's place in Config, reading the program's value now (converted once per value). */
function defineSetting(live: Node, key: SettingKey, program: Pick<Program, 'settings'>): void {
  const parts = SETTINGS[key].path.split('.');
  const leaf = parts.pop() as string;
  const parent = parts.reduce((node, part) => node[part] as Node, live);
  let memo: { from: unknown; to: unknown } | undefined;
  Object.defineProperty(parent, leaf, {
    enumerable: true,
    get() {
      const value = program.settings()[key];
      if (!memo || memo.from !== value) memo = { from: value, to: configValue(key, value) };
      return memo.to;
    },
  });
}

/**
 * Freezes the plain values of a tree, but leaves its getters alone (reading one would freeze the program's state)
 * and the program's live views (`keep`: refilled in place when the program changes).
 */
function freezeData<T>(node: T, keep: ReadonlySet<unknown>): T {
  if (!node || typeof node !== 'object' || Object.isFrozen(node) || keep.has(node)) return node;
  for (const d of Object.values(Object.getOwnPropertyDescriptors(node)))
    if ('value' in d) freezeData(d.value, keep);
  return Object.freeze(node);
}

/**
 * The settings as the services read them: the deployment's own from the environment, and where the
 * program's settings used to be environment settings, the program's now (program/settings.ts: each read when used,
 * so an edit in Slack applies without a restart, on every replica), as are the roles and the managers (the program's
 * live views). The same object for the app's life. What reads a setting must read it when it uses it: a copy made
 * at start keeps the start's value.
 */
export function liveConfig(
  config: Config,
  program: Pick<Program, 'settings' | 'adminUserIds' | 'revopsUserIds' | 'managers'>,
): Config {
  const live = structuredClone(config) as unknown as Node & Config;
  for (const key of SETTING_KEYS) defineSetting(live, key, program);
  // The digest's own zone when DIGEST_TIMEZONE sets one, else the program's default zone as it is now.
  const zone = config.revopsReporting.digestTimeZone;
  Object.defineProperty(live.revopsReporting, 'timeZone', {
    enumerable: true,
    get: () => zone ?? live.calendar.defaultTimeZone,
  });
  Object.assign(live, { adminUserIds: program.adminUserIds, revopsUserIds: program.revopsUserIds });
  Object.defineProperty(live.responseWindow, 'managers', { enumerable: true, value: program.managers });
  return freezeData(live, new Set([program.adminUserIds, program.revopsUserIds, program.managers]));
}
