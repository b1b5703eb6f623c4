import { describe, expect, it } from 'vitest';
import {
  installationByKey,
  installedNow,
  markUninstalled,
  otherInstallation,
  recordTokenInstallation,
  saveInstallation,
} from '../../src/db/repositories/installations.js';
import type { Db } from '../../src/db/types.js';
import { type Engine, eachTestOn } from './engine.js';

export function installationsContract(engine: Engine): void {
  describe(`installations repository (${engine.name})`, () => {
    let db: Db;
    eachTestOn(engine, (opened) => {
      db = opened;
    });

    const at = new Date('2026-11-23T15:00:00.123Z');
    const later = new Date('2026-11-24T09:30:00.456Z');
    const ids = {
      installKey: 'T0ACME',
      teamId: 'T0ACME',
      enterpriseId: null,
      isEnterpriseInstall: false,
      appId: 'A0APP',
      botUserId: 'U0BOT',
      botId: 'B0BOT',
    };

    it('records a token deployment once, and an OAuth install of the same key keeps its first day', async () => {
      await db.transaction((tx) => recordTokenInstallation(tx, ids, at));
      await db.transaction((tx) => recordTokenInstallation(tx, ids, later));
      expect(await installedNow(db)).toMatchObject([
        { ...ids, source: 'token', sealed: null, installedAt: at, updatedAt: later, uninstalledAt: null },
      ]);
      await db.transaction((tx) =>
        saveInstallation(tx, {
          ...ids,
          source: 'oauth',
          sealed: 'v1.sealed',
          botTokenExpiresAt: later,
          installerUserId: 'U0OWNER',
          at: later,
        }),
      );
      expect(await installationByKey(db, 'T0ACME')).toMatchObject({
        source: 'oauth',
        sealed: 'v1.sealed',
        botTokenExpiresAt: later,
        installedAt: at,
      });
    });

    it('an uninstall drops the sealed tokens and keeps the row; a reinstall brings it back in force', async () => {
      const oauth = { ...ids, source: 'oauth' as const, botTokenExpiresAt: null, installerUserId: null };
      await db.transaction((tx) => saveInstallation(tx, { ...oauth, sealed: 'v1.a', at }));
      expect(await db.transaction((tx) => markUninstalled(tx, 'T0ACME', later))).toBe(1);
      expect(await db.transaction((tx) => markUninstalled(tx, 'T0ACME', later))).toBe(0);
      expect(await installedNow(db)).toEqual([]);
      expect(await installationByKey(db, 'T0ACME')).toMatchObject({ sealed: null, uninstalledAt: later });
      await db.transaction((tx) => saveInstallation(tx, { ...oauth, sealed: 'v1.b', at: later }));
      expect(await installedNow(db)).toMatchObject([{ sealed: 'v1.b', uninstalledAt: null }]);
    });

    it('names the other installation in force, never the key asked about nor an uninstalled one', async () => {
      await db.transaction((tx) => recordTokenInstallation(tx, ids, at));
      expect(await otherInstallation(db, 'T0ACME')).toBeUndefined();
      expect(await otherInstallation(db, 'T0OTHER')).toMatchObject({ installKey: 'T0ACME' });
      await db.transaction((tx) => markUninstalled(tx, 'T0ACME', later));
      expect(await otherInstallation(db, 'T0OTHER')).toBeUndefined();
    });
  });
}
