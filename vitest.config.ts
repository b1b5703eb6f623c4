import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Integration tests each start a real HTTP server and a fake Slack server on free ports.
    pool: 'forks',
  },
});
