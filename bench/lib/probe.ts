import type Database from 'better-sqlite3';

/**
 * The health check's write on the bench's SQLite connection (what src/db/storage.ts gives the app), written here so
 * that the probes also run against a reference commit's build, which has no storage module.
 */
export function sqliteProbe(sqlite: Database.Database) {
  const write = sqlite.prepare(
    'insert into health_probe (id, probed_at) values (1, ?) on conflict (id) do update set probed_at = excluded.probed_at',
  );
  return {
    probe: async (at: Date) => {
      write.run(at.getTime());
    },
    busy: () => sqlite.inTransaction,
  };
}

/**
 * The bench's one installation, as a token deployment's (src/install/token.ts) is served: the environment's token,
 * never installed again. Written here for the same reason as the probe.
 */
export function probeInstallation(token: string | undefined, installKey: string) {
  const nothing = () => {};
  return {
    tokens: { current: () => Promise.resolve(token ?? ''), forget: nothing },
    reinstallable: false,
    installed: () => Promise.resolve(installKey),
    uninstalled: () => Promise.resolve(),
    onStored: nothing,
  };
}
