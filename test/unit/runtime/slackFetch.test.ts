import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { slackFetch } from '../../../src/runtime/slackFetch.js';

/** A local HTTP server answering with `handle`; what it received is kept. */
async function serve(handle: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void) {
  const received: { method?: string; url?: string; headers: IncomingMessage['headers']; body: Buffer }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      handle(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, received };
}

describe('slackFetch: the Web API clients’ fetch over undici’s request API', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('sends what the client asks and gives back the status, every header and the body', async () => {
    const s = await serve((_req, _body, res) => {
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.setHeader('x-oauth-scopes', 'chat:write,users:read');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.end('{"ok":true,"ts":"1.2"}');
    });
    server = s.server;
    const response = await slackFetch(`${s.url}/api/chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer xoxb-1' },
      body: 'channel=C1&text=hello',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-oauth-scopes')).toBe('chat:write,users:read');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ ok: true, ts: '1.2' });
    expect(s.received[0]).toMatchObject({ method: 'POST', url: '/api/chat.postMessage' });
    expect(s.received[0]?.headers.authorization).toBe('Bearer xoxb-1');
    expect(s.received[0]?.body.toString()).toBe('channel=C1&text=hello');
  });

  it('serves the Web API client: a call, a 429 with Retry-After, a proxy’s 502, and a file upload as multipart', async () => {
    const s = await serve((req, _body, res) => {
      if (req.url === '/api/chat.update') {
        res.writeHead(429, { 'retry-after': '7' });
        res.end();
      } else if (req.url === '/api/chat.delete') {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html>Bad gateway</html>');
      } else if (req.url === '/api/files.getUploadURLExternal') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ ok: true, upload_url: `${s.url}/upload/F1`, file_id: 'F1' }));
      } else if (req.url === '/upload/F1') {
        res.end('OK - 5');
      } else if (req.url === '/api/files.completeUploadExternal') {
        res.setHeader('content-type', 'application/json');
        res.end('{"ok":true,"files":[{"id":"F1"}]}');
      } else {
        res.setHeader('content-type', 'application/json');
        res.end('{"ok":true,"channel":"C1","ts":"1.2"}');
      }
    });
    server = s.server;
    const client = new WebClient('xoxb-1', {
      slackApiUrl: `${s.url}/api/`,
      fetch: slackFetch,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'hi' })).resolves.toMatchObject({
      ok: true,
      ts: '1.2',
    });
    await expect(client.chat.update({ channel: 'C1', ts: '1.2', text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 7,
    });
    await expect(client.chat.delete({ channel: 'C1', ts: '1.2' })).rejects.toMatchObject({
      code: 'slack_webapi_http_error',
      statusCode: 502,
      body: '<html>Bad gateway</html>',
    });
    await client.files.uploadV2({ channel_id: 'C1', file: Buffer.from('hello'), filename: 'a.csv' });
    const upload = s.received.find((r) => r.url === '/upload/F1');
    expect(upload?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload?.body.toString()).toContain('hello');
  });

  it('rejects when the client’s signal aborts (its timeout), with the signal’s reason', async () => {
    const s = await serve(() => {
      // Never answers.
    });
    server = s.server;
    const controller = new AbortController();
    const call = slackFetch(`${s.url}/api/chat.postMessage`, {
      method: 'POST',
      body: 'channel=C1',
      signal: controller.signal,
    });
    // As AbortSignal.timeout does when the client's timeout runs out.
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
    s.server.closeAllConnections();
  });
});
