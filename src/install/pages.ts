import type { ServerResponse } from 'node:http';

/** What the person who installs reads in their browser after Slack sends them back. */
const PAGES = {
  installed: {
    title: 'Installed',
    body: (name: string) =>
      `The co-sell handoff app is installed in ${name}. Close this tab and type <code>/handoff</code> in Slack.`,
  },
  installedOrg: {
    title: 'Installed for your org',
    body: (name: string, link = '') =>
      `The co-sell handoff app is installed for ${name}, but in no workspace yet. <a href="${link}">Add it to the workspaces</a> whose people hand off deals, then type <code>/handoff</code> in Slack.`,
  },
  failed: {
    title: 'Not installed',
    body: () =>
      'The install did not complete: the link may have expired, or been opened in another browser. <a href="/slack/install">Start again</a>.',
  },
} as const;

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export function installPage(
  res: ServerResponse,
  status: number,
  page: keyof typeof PAGES,
  workspaceName = 'your workspace',
  /** A link the page offers (the org's page that adds the app to its workspaces). */
  link?: string,
): void {
  const { title, body } = PAGES[page];
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; line-height: 1.5"><h1>${title}</h1><p>${body(escapeHtml(workspaceName), link === undefined ? undefined : escapeHtml(link))}</p></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
  });
  res.end(html);
}
