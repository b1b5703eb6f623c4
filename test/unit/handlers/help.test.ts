import { describe, expect, it } from 'vitest';
import { helpFor } from '../../../src/handlers/commands/subcommands.js';

describe('/handoff help by the deployment', () => {
  const roles = { revopsUserIds: [], adminUserIds: ['U0ADMIN'] };

  it("offers an admin the workspace's own CRM only on an OAuth install: a token deployment's CRM is its settings", () => {
    const oauth = { clientId: 'c', clientSecret: 's', stateSecret: 'x', tokenKey: 'k' };
    expect(helpFor({ ...roles, slack: { oauth } }, 'U0ADMIN')).toContain('/handoff crm');
    expect(helpFor({ ...roles, slack: {} }, 'U0ADMIN')).not.toContain('/handoff crm');
    // Never to anyone else, on either.
    expect(helpFor({ ...roles, slack: { oauth } }, 'U0MEMBER')).not.toContain('/handoff crm');
    expect(helpFor({ ...roles, slack: {} }, 'U0ADMIN')).toContain('/handoff outbox');
  });
});
