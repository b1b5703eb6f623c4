import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { own } from '../../src/db/owned.js';
import * as repo from '../../src/db/repositories/slackRevocations.js';
import { contract } from './engine.js';

export default contract('slackRevocations repository', ({ db, write }) => {
  const at = new Date('2026-11-23T15:00:00.123Z');
  const mine = 'a'.repeat(64);
  const other = 'b'.repeat(64);

  it('keeps the first event said of a token, to the millisecond, and tells only that token; forgets it when Slack accepts the token again', async () => {
    expect(await repo.revocationOf(db, mine)).toBeUndefined();
    await write(repo.recordRevocation, { tokenHash: mine, event: 'tokens_revoked', at });
    // Slack sends both events, in any order, and may retry each: the first stays.
    await write(repo.recordRevocation, {
      tokenHash: mine,
      event: 'app_uninstalled',
      at: new Date(at.getTime() + 5),
    });
    expect(await repo.revocationOf(db, mine)).toBe('tokens_revoked');
    expect(await repo.revocationOf(db, other)).toBeUndefined();
    const { slackRevocations } = tablesOf(db);
    expect(await db.select().from(slackRevocations).where(own(db, slackRevocations))).toEqual([
      { installationId: 1, tokenHash: mine, event: 'tokens_revoked', revokedAt: at },
    ]);
    // Slack accepts the token again: what was said of it, and only of it, is forgotten.
    await write(repo.recordRevocation, { tokenHash: other, event: 'app_uninstalled', at });
    expect(await write(repo.forgetRevocation, mine)).toBe(1);
    expect(await write(repo.forgetRevocation, mine)).toBe(0);
    expect(await repo.revocationOf(db, mine)).toBeUndefined();
    expect(await repo.revocationOf(db, other)).toBe('app_uninstalled');
  });
});
