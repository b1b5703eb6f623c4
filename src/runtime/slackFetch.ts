import { request } from 'undici';

type Options = NonNullable<Parameters<typeof request>[1]>;

/**
 * The fetch the Web API clients are given (their `fetch` option), built on undici's request API: the same HTTP client
 * and connection pool as Node's fetch (which is undici's fetch), without WHATWG streams. A Slack answer is small JSON,
 * read whole here and handed to the client as a Response, which it reads as text (`WebClient.buildResult`). Per call,
 * fetch took about 280–330 µs of CPU here and this about 160–180 µs: with five calls per Accept, the outbox's
 * delivery is mostly this (bench/README.md).
 *
 * What the client asks of fetch is kept: its method, headers, body (a form or JSON; a file upload's multipart body
 * goes by fetch) and abort signal (its timeout). No redirect is followed (the client asks fetch for `redirect:
 * 'error'`; here a 3xx is answered as it is, which the client refuses like any status but 200 and 429). A failure,
 * including a body cut off while it is read, rejects the call, which the client wraps as a request error (uncertain:
 * outbox/failures.ts).
 */
export const slackFetch: typeof fetch = async (input, init) => {
  const body = init?.body;
  // A file upload (multipart FormData, which undici's request does not take from Node's fetch) goes by fetch: rare.
  if (input instanceof Request || (body !== undefined && body !== null && typeof body !== 'string'))
    return fetch(input, init);
  const answer = await request(String(input), {
    method: (init?.method ?? 'GET') as Options['method'],
    headers: init?.headers as Options['headers'],
    body: body ?? null,
    signal: init?.signal ?? undefined,
  });
  const text = await answer.body.text();
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (Array.isArray(value)) for (const one of value) headers.append(name, one);
    else if (value !== undefined) headers.append(name, value);
  }
  // A Response may not carry a body with these statuses.
  const bodyless = answer.statusCode === 204 || answer.statusCode === 205 || answer.statusCode === 304;
  return new Response(bodyless ? null : text, { status: answer.statusCode, headers });
};
