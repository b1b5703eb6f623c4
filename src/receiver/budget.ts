import type { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A byte budget's state, for tests and diagnostics: bytes reserved and bodies being received. */
export interface BudgetLoad {
  used: number;
  reading: number;
}

/**
 * The one byte budget for bodies being received. A body reserves its declared size before a byte of it is read and
 * gives it back once it has arrived, been refused or lost its connection. A body that does not fit never waits: the
 * bodies that have been arriving longest are cut off (`evict`: their bytes are given back at once) until it fits.
 * Slack writes a body in one go, right behind its headers, so its body has arrived long before it could be the oldest
 * one still arriving; a socket that trickles its body keeps its room only until a newer body needs it.
 */
export class ByteBudget {
  private used = 0;
  /** The bodies being received, oldest first (a Set iterates in the order of insertion). */
  private readonly arriving = new Set<{ bytes: number; evict: () => void }>();

  constructor(readonly capacity: number) {}

  load(): BudgetLoad {
    return { used: this.used, reading: this.arriving.size };
  }

  /** Reserves `bytes` (at most the capacity) now, cutting off the oldest bodies if need be; returns the release. */
  admit(bytes: number, evict: () => void): () => void {
    for (const oldest of this.arriving) {
      if (this.used + bytes <= this.capacity) break;
      this.arriving.delete(oldest);
      this.used -= oldest.bytes;
      oldest.evict();
    }
    const body = { bytes, evict };
    this.arriving.add(body);
    this.used += bytes;
    // Idempotent: every way a request ends may call it, and an evicted body's bytes are back already.
    return () => {
      if (this.arriving.delete(body)) this.used -= bytes;
    };
  }
}

export type ReadResult = { chunks: Buffer[]; size: number } | { status: number; reason: string } | 'aborted';

/**
 * Reads an admitted body (at most its declared size, at most `limit`) until `cutOff` (a newer body needs its room),
 * feeding the HMAC as it arrives. The chunks are kept as Node read them and joined only once the signature is known to
 * be right: a body that is refused costs no copy. How long a body may take is Node's `server.requestTimeout`: when it
 * runs out, Node answers 408 and destroys the socket with ERR_HTTP_REQUEST_TIMEOUT, which is reported here as such.
 */
export function readBody(
  req: IncomingMessage,
  declared: number | undefined,
  limit: number,
  mac: ReturnType<typeof createHmac>,
  cutOff: AbortSignal,
) {
  return new Promise<ReadResult>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: ReadResult) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
      req.socket.off('error', onSocketError);
      cutOff.removeEventListener('abort', onCutOff);
      if (result !== 'aborted' && !('chunks' in result)) req.pause();
      resolve(result);
    };
    const onCutOff = () =>
      finish({ status: 408, reason: 'body still arriving when a newer one needed its room' });
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > (declared ?? limit)) return finish({ status: 413, reason: 'body too large' });
      chunks.push(chunk);
      size += chunk.length;
      mac.update(chunk);
    };
    const onEnd = () => {
      if (declared !== undefined && size !== declared)
        return finish({ status: 400, reason: 'body shorter than declared' });
      finish({ chunks, size });
    };
    const onClose = () => finish('aborted');
    // Node's request timeout destroys the socket with this error (after writing its own 408).
    const onSocketError = (error: NodeJS.ErrnoException) =>
      finish(
        error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? { status: 408, reason: 'body not received within the request timeout' }
          : 'aborted',
      );
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('close', onClose);
    req.on('error', onClose);
    req.socket.on('error', onSocketError);
    cutOff.addEventListener('abort', onCutOff);
  });
}
