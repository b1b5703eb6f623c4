import { describe, expect, it } from 'vitest';
import { helpFor } from '../../../src/handlers/commands/subcommands.js';

describe('/handoff help by the deployment', () => {
  const roles = { revopsUserIds: [], adminUserIds: ['U0ADMIN'] };

  it("offers an admin the workspace's own CRM only on an OAuth install: a token deployment's CRM is its settings", () => {
    expect(helpFor(roles, 'U0ADMIN', true)).toContain('/handoff crm');
    expect(helpFor(roles, 'U0ADMIN', false)).not.toContain('/handoff crm');
    // Never to anyone else, on either.
    expect(helpFor(roles, 'U0MEMBER', true)).not.toContain('/handoff crm');
    expect(helpFor(roles, 'U0ADMIN', false)).toContain('/handoff outbox');
  });
});
