import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Tokens at rest (issue 55): AES-256-GCM under SLACK_TOKEN_KEY (32 bytes, base64), with a fresh 12-byte nonce per
 * seal and the 16-byte tag that makes a changed or truncated value fail to open instead of opening wrong. Stored as
 * `v1.<nonce>.<tag>.<ciphertext>` (base64url), so a later key or scheme can be told apart. Node's own crypto (OpenSSL):
 * no hand-written cipher.
 */
const VERSION = 'v1';

export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealError';
  }
}

/** The key from its setting: 32 bytes in base64 (`openssl rand -base64 32`); anything else is refused at start. */
export function tokenKey(base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32)
    throw new SealError(
      `SLACK_TOKEN_KEY must be 32 bytes in base64 (it is ${key.length}): make one with \`openssl rand -base64 32\``,
    );
  return key;
}

export function seal(key: Buffer, plain: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, nonce, cipher.getAuthTag(), body]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export function open(key: Buffer, sealed: string): string {
  const [version, nonce, tag, body] = sealed.split('.');
  if (version !== VERSION || nonce === undefined || tag === undefined || body === undefined)
    throw new SealError('a sealed installation is not in a known format');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new SealError(
      'a sealed installation does not open with SLACK_TOKEN_KEY: the key changed since it was stored (set the old key back, or install the app again at /slack/install)',
    );
  }
}
