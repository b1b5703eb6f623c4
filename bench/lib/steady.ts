import { Agent, request } from 'node:http';

export interface SteadyResult {
  /** Answers per second, from the first request sent to the last answer. */
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** The requests that got no answer, by what ended them (the socket's error code, or its message). */
  errorsBy?: Record<string, number>;
  /**
   * The requests answered 2xx with a modal's errors (`response_action: errors`: a view submission refused, the person
   * told why in the modal), by the answer's body.
   */
  modalErrors?: Record<string, number>;
  /** The slowest answer, in ms (a steady run's). */
  max?: number;
  /** Answers that came after Slack's 3 s (a steady run's): Slack shows the clicker an error and retries. */
  over3s?: number;
  /** A steady run's latencies by the `tag` its requests carried (a tenant's, say), when they carried one. */
  byTag?: Record<string, number[]>;
}

/**
 * Requests at a steady rate, evenly spaced whatever the answers (an open loop), over at most `connections` kept-alive
 * connections: how clicks from many people arrive. A request is due every 1/rate s; its latency counts from when it
 * was due, so one that waited for a free connection (the app answering slower than they arrive) counts that wait.
 *
 * Given several URLs (replicas of one app), the requests go to them in turn, as a round-robin load balancer sends
 * them, with the connections shared out between them.
 *
 * Not autocannon's fixed rate: that is a closed loop per connection which sends each second's share back to back as
 * fast as answers come, then waits for the next second. Its "200 requests/s" is a burst at full concurrency at the
 * start of every second, whose latencies are those of full speed for as long as the burst lasts.
 */
export async function steady(
  url: string | string[],
  next: () => { body: string; headers: Record<string, string>; tag?: string },
  opts: { rate: number; seconds: number; connections: number },
): Promise<SteadyResult> {
  const urls = typeof url === 'string' ? [url] : url;
  const targets = urls.map((u) => ({
    url: u,
    agent: new Agent({
      keepAlive: true,
      maxSockets: Math.max(1, Math.floor(opts.connections / urls.length)),
      // An idle connection is closed here before the app's server closes it (Node's keepAliveTimeout, 5 s): else a
      // request sent on it as the server closes it fails with ECONNRESET, a race of the load generator's own, which
      // a burst that opened more connections than the steady rate needs makes likely once they idle.
      timeout: 4_000,
    }),
  }));
  const interval = 1000 / opts.rate;
  const total = Math.round(opts.rate * opts.seconds);
  const latencies: number[] = [];
  const byTag: Record<string, number[]> = {};
  let non2xx = 0;
  let errors = 0;
  const errorsBy: Record<string, number> = {};
  const modalErrors: Record<string, number> = {};
  let settled = 0;
  let lastAnswer = 0;
  const start = performance.now();

  const done = new Promise<void>((resolve) => {
    const settle = () => {
      settled += 1;
      if (settled === total) resolve();
    };
    const fire = (due: number, index: number) => {
      const { body, headers, tag } = next();
      const { url, agent } = targets[index % targets.length] as (typeof targets)[number];
      const req = request(
        `${url}/slack/events`,
        {
          method: 'POST',
          agent,
          headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (body.length < 2048) body += chunk;
          });
          res.on('end', () => {
            if (body.includes('"response_action":"errors"')) modalErrors[body] = (modalErrors[body] ?? 0) + 1;
            lastAnswer = performance.now();
            latencies.push(lastAnswer - due);
            if (tag !== undefined) byTag[tag] = [...(byTag[tag] ?? []), lastAnswer - due];
            if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) non2xx += 1;
            settle();
          });
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('timed out')));
      req.on('error', (error: NodeJS.ErrnoException) => {
        errors += 1;
        const why = error.code ?? error.message;
        errorsBy[why] = (errorsBy[why] ?? 0) + 1;
        settle();
      });
      req.end(body);
    };
    let sent = 0;
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        fire(start + sent * interval, sent);
        sent += 1;
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    tick();
  });
  await done;
  for (const { agent } of targets) agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return {
    rps: latencies.length / ((lastAnswer - start) / 1000),
    p50: Math.round(at(0.5)),
    p99: Math.round(at(0.99)),
    requests: total,
    non2xx,
    errors,
    ...(errors > 0 ? { errorsBy } : {}),
    ...(Object.keys(modalErrors).length > 0 ? { modalErrors } : {}),
    max: Math.round(sorted[sorted.length - 1] ?? Number.NaN),
    over3s: sorted.filter((latency) => latency > 3000).length,
    ...(Object.keys(byTag).length > 0 ? { byTag } : {}),
  };
}
