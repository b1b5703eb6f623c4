import { createHash, randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Slack's Socket Mode link, on the fake's own server: `apps.connections.open` (app-level token) answers the URL of
 * `/link`, where a WebSocket (RFC 6455: text frames, ping and pong, close) says `hello`, then carries envelopes as
 * Slack sends them (`events_api`, `slash_commands`, `interactive`: `{ envelope_id, type, payload,
 * accepts_response_payload }`) and takes the app's acks (`{ envelope_id, payload? }`).
 */

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
export const SOCKET_PATH = '/link';

type Opcode = 0x1 | 0x8 | 0x9 | 0xa;

/** One frame as a server sends it: FIN set, unmasked. */
function frame(opcode: Opcode, data: Buffer): Buffer {
  const length = data.length;
  const head =
    length < 126
      ? Buffer.from([0x80 | opcode, length])
      : length < 65_536
        ? Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(length)]);
  return Buffer.concat([head, data]);
}

function bigLength(length: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(length));
  return b;
}

/** The complete frames at the start of `buffer` (a client's are masked), and what is left of it. */
function readFrames(buffer: Buffer): { frames: { opcode: number; data: Buffer }[]; rest: Buffer } {
  const frames: { opcode: number; data: Buffer }[] = [];
  let at = 0;
  for (;;) {
    if (buffer.length - at < 2) break;
    const opcode = (buffer[at] as number) & 0x0f;
    const masked = ((buffer[at + 1] as number) & 0x80) !== 0;
    let length = (buffer[at + 1] as number) & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      if (buffer.length < offset + 2) break;
      length = buffer.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      if (buffer.length < offset + 8) break;
      length = Number(buffer.readBigUInt64BE(offset));
      offset += 8;
    }
    const maskEnd = offset + (masked ? 4 : 0);
    if (buffer.length < maskEnd + length) break;
    const data = Buffer.from(buffer.subarray(maskEnd, maskEnd + length));
    if (masked)
      for (let i = 0; i < data.length; i += 1)
        data[i] = (data[i] as number) ^ (buffer[offset + (i % 4)] as number);
    frames.push({ opcode, data });
    at = maskEnd + length;
  }
  return { frames, rest: buffer.subarray(at) };
}

export class SocketModeLink {
  private socket: Duplex | undefined;
  private readonly waiting = new Map<string, (ack: Record<string, unknown>) => void>();
  private connected: (() => void)[] = [];
  /** Every ack the app sent, in arrival order. */
  readonly acks: Record<string, unknown>[] = [];
  /** How many times the app opened the link. */
  connections = 0;

  constructor(private readonly appId: string) {}

  /** Serves the link on `server`'s upgrades to SOCKET_PATH. */
  attach(server: http.Server): void {
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => {
      const key = req.headers['sec-websocket-key'];
      if (!req.url?.startsWith(SOCKET_PATH) || typeof key !== 'string') {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      const accept = createHash('sha1').update(`${key}${GUID}`).digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      this.open(socket);
    });
  }

  private open(socket: Duplex): void {
    this.socket = socket;
    this.connections += 1;
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const { frames, rest } = readFrames(Buffer.concat([pending, chunk]));
      pending = rest;
      for (const { opcode, data } of frames) this.received(socket, opcode, data);
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
    });
    this.sendJson({
      type: 'hello',
      num_connections: 1,
      debug_info: { host: 'applink-fake', approximate_connection_time: 18_060 },
      connection_info: { app_id: this.appId },
    });
    for (const told of this.connected.splice(0)) told();
  }

  private received(socket: Duplex, opcode: number, data: Buffer): void {
    if (opcode === 0x9) socket.write(frame(0xa, data));
    else if (opcode === 0x8) {
      socket.end(frame(0x8, data));
      if (this.socket === socket) this.socket = undefined;
    } else if (opcode === 0x1) {
      const ack = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
      this.acks.push(ack);
      this.waiting.get(String(ack.envelope_id))?.(ack);
    }
  }

  private sendJson(message: unknown): void {
    if (!this.socket) throw new Error('fake Slack: the app has no Socket Mode link open');
    this.socket.write(frame(0x1, Buffer.from(JSON.stringify(message))));
  }

  /** Whether the app has the link open now. */
  get isOpen(): boolean {
    return this.socket !== undefined;
  }

  /** Settles once the app has the link open (at once when it has). */
  whenConnected(): Promise<void> {
    if (this.socket) return Promise.resolve();
    return new Promise((resolve) => this.connected.push(resolve));
  }

  /** Sends one envelope as Slack does, and resolves with the app's ack (`{ envelope_id, payload? }`). */
  deliver(
    type: 'events_api' | 'slash_commands' | 'interactive',
    payload: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const envelopeId = randomUUID();
    const acked = new Promise<Record<string, unknown>>((resolve) => this.waiting.set(envelopeId, resolve));
    this.sendJson({
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
      ...(type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {}),
    });
    return acked;
  }

  /** Closes the link from Slack's side (as before a refresh). */
  close(): void {
    this.socket?.end(frame(0x8, Buffer.from([0x03, 0xe8])));
    this.socket = undefined;
  }
}
