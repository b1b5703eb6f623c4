import { describe, expect, it } from 'vitest';
import { addToWorkspacesUrl, authorizeUrlOf } from '../../../src/install/oauth.js';

/** The Slack pages an install sends people to, on the Slack whose Web API the app calls (SLACK_API_URL). */
describe('the Slack pages of an install', () => {
  it('are Slack’s for slack.com, GovSlack’s for slack-gov.com', () => {
    expect(authorizeUrlOf('https://slack.com/api/')).toBe('https://slack.com/oauth/v2/authorize');
    expect(authorizeUrlOf('https://slack-gov.com/api/')).toBe('https://slack-gov.com/oauth/v2/authorize');
    expect(addToWorkspacesUrl('https://slack.com/api/', 'E0ORG', 'A0APP')).toBe(
      'https://app.slack.com/manage/E0ORG/integrations/profile/A0APP/workspaces/add',
    );
    expect(addToWorkspacesUrl('https://slack-gov.com/api/', 'E0ORG', 'A0APP')).toBe(
      'https://app.slack-gov.com/manage/E0ORG/integrations/profile/A0APP/workspaces/add',
    );
  });

  it('keeps Slack’s web app for an API it does not know (a proxy, a test’s fake), and escapes the ids', () => {
    expect(addToWorkspacesUrl('http://127.0.0.1:3999/api/', 'E0/ORG', undefined)).toBe(
      'https://app.slack.com/manage/E0%2FORG/integrations/profile//workspaces/add',
    );
  });
});
