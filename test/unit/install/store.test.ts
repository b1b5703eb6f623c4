import { randomBytes } from 'node:crypto';
import type { Installation } from '@slack/oauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../../src/db/client.js';
import { tablesOf } from '../../../src/db/engine.js';
import { open, SealError, seal, type TokenKeys } from '../../../src/install/seal.js';
import { createInstallationStore, resealUnderNewKey } from '../../../src/install/store.js';
import { createLogger } from '../../../src/logger.js';
import { TestClock } from '../../support/clock.js';
import { freshDatabase } from '../../support/unitrest-freshDatabase.js';

const installation = (team: string, token = `xoxb-${team}-secret`): Installation => ({
  team: { id: team, name: team },
  enterprise: undefined,
  user: { id: 'U0OWNER', token: undefined, scopes: undefined },
  bot: { token, scopes: ['chat:write'], id: 'B0BOT', userId: 'U0BOT' },
  appId: 'A0APP',
  isEnterpriseInstall: false,
  authVersion: 'v2',
});

const orgWide = (): Installation => ({
  ...installation('T0ACME'),
  team: undefined,
  enterprise: { id: 'E0ORG', name: 'Org' },
  isEnterpriseInstall: true,
});

describe('the installation store (every installation of a deployment)', () => {
  let database: AppDatabase;
  let store: ReturnType<typeof createInstallationStore>;
  const stored: string[] = [];
  let keys: TokenKeys;
  beforeEach(() => {
    database = freshDatabase('handoff-install-');
    stored.length = 0;
    keys = { current: randomBytes(32), previous: undefined };
    store = createInstallationStore({
      db: database.db,
      clock: new TestClock(new Date('2026-11-23T14:00:00Z')),
      key: keys,
      onStored: (key) => void stored.push(key),
    });
  });
  /** The installation a workspace outside any org is served by. */
  const ofTeam = (teamId: string) =>
    store.fetchInstallation({ teamId, isEnterpriseInstall: false, enterpriseId: undefined });
  afterEach(() => {
    database.close();
  });

  it('stores and fetches an installation, also for a reinstall of the same workspace with a new token', async () => {
    await store.storeInstallation(installation('T0ACME'));
    await store.storeInstallation(installation('T0ACME', 'xoxb-new'));
    expect(stored).toEqual(['T0ACME', 'T0ACME']);
    const fetched = await ofTeam('T0ACME');
    expect(fetched.bot?.token).toBe('xoxb-new');
  });

  it('stores a rotated token as it stores an install, but tells no listener: a refresh is not a reinstall', async () => {
    await store.storeInstallation(installation('T0ACME'));
    await store.storeRefreshed(installation('T0ACME', 'xoxb-rotated'));
    expect(stored).toEqual(['T0ACME']);
    const fetched = await ofTeam('T0ACME');
    expect(fetched.bot?.token).toBe('xoxb-rotated');
  });

  it('keeps several installations, each fetched by its own key (a deployment serves them all)', async () => {
    await store.storeInstallation(installation('T0ACME'));
    await store.storeInstallation(installation('T0OTHER', 'xoxb-other'));
    expect(stored).toEqual(['T0ACME', 'T0OTHER']);
    const other = await ofTeam('T0OTHER');
    expect(other.bot?.token).toBe('xoxb-other');
    const acme = await ofTeam('T0ACME');
    expect(acme.bot?.token).not.toBe('xoxb-other');
    await expect(ofTeam('T0THIRD')).rejects.toThrow(/no installation in force/);
  });

  it('stores an org-wide install keyed by its org, and fetches it for any workspace of the org', async () => {
    await store.storeInstallation(orgWide());
    expect(stored).toEqual(['E0ORG']);
    const org = await store.fetchInstallation({
      enterpriseId: 'E0ORG',
      isEnterpriseInstall: true,
      teamId: undefined,
    });
    expect(org.bot?.token).toBe('xoxb-T0ACME-secret');
    const inAWorkspace = await store.fetchInstallation({
      enterpriseId: 'E0ORG',
      teamId: 'T0WEST',
      isEnterpriseInstall: false,
    });
    expect(inAWorkspace.enterprise?.id).toBe('E0ORG');
    // A workspace outside the org is another installation, kept beside it.
    await store.storeInstallation(installation('T0ACME'));
    expect(stored).toEqual(['E0ORG', 'T0ACME']);
  });

  it('after an uninstall, fetches nothing, and takes another workspace', async () => {
    await store.storeInstallation(installation('T0ACME'));
    expect(await store.uninstalled('T0ACME')).toBe(1);
    await expect(ofTeam('T0ACME')).rejects.toThrow(/no installation in force/);
    await store.storeInstallation(installation('T0OTHER'));
    expect(stored).toEqual(['T0ACME', 'T0OTHER']);
  });

  it('a key rotation seals again what the previous key sealed, tokens and CRM credentials alike, once', async () => {
    await store.storeInstallation(installation('T0ACME'));
    await store.storeInstallation(installation('T0BETA'));
    const [acme] = await database.db.select().from(tablesOf(database.db).installations);
    await database.db.transaction((tx) =>
      tx.insert(tablesOf(tx).crmConnections).values({
        system: 'hubspot',
        sealed: seal(keys, '{"accessToken":"pat-secret"}'),
        connectedBy: 'U0OWNER',
        connectedAt: new Date('2026-11-23T14:00:00Z'),
        installationId: acme?.id as number,
      }),
    );
    const rotated = { current: randomBytes(32), previous: keys.current };
    const silent = createLogger('silent');
    expect(await resealUnderNewKey(database.db, rotated, silent)).toBe(3);
    const alone = { current: rotated.current, previous: undefined };
    const t = tablesOf(database.db);
    for (const row of await database.db.select().from(t.installations))
      expect(JSON.parse(open(alone, row.sealed as string)).bot.token).toMatch(/^xoxb-T0/);
    const [crm] = await database.db.select().from(t.crmConnections);
    expect(open(alone, crm?.sealed as string)).toBe('{"accessToken":"pat-secret"}');
    expect(await resealUnderNewKey(database.db, rotated, silent)).toBe(0);
    // A value neither key opens stops it, changing nothing.
    await expect(
      resealUnderNewKey(database.db, { current: randomBytes(32), previous: randomBytes(32) }, silent),
    ).rejects.toThrow(SealError);
  });
});
