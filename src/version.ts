import { readFileSync } from 'node:fs';

/**
 * This release's version, from package.json (semantic versioning; what changed in each is in CHANGELOG.md). The same
 * path from src/ (tests) and dist/ (production): package.json sits beside both.
 */
export const APP_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
