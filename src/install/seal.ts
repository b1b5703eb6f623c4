import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Tokens at rest: AES-256-GCM under SLACK_TOKEN_KEY (32 bytes, base64), with a fresh 12-byte nonce per
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

/**
 * The keys from their settings: SLACK_TOKEN_KEY seals; SLACK_TOKEN_KEY_PREVIOUS, while a rotation is under way, still
 * opens what it sealed (the start seals it again under the new key: rotate.ts). 32 bytes in base64 each
 * (`openssl rand -base64 32`); anything else is refused at start.
 */
export interface TokenKeys {
  current: Buffer;
  previous: Buffer | undefined;
}

function keyOf(setting: string, base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32)
    throw new SealError(
      `${setting} must be 32 bytes in base64 (it is ${key.length}): make one with \`openssl rand -base64 32\``,
    );
  return key;
}

export function tokenKeys(oauth: { tokenKey: string; previousTokenKey?: string | undefined }): TokenKeys {
  return {
    current: keyOf('SLACK_TOKEN_KEY', oauth.tokenKey),
    previous: oauth.previousTokenKey ? keyOf('SLACK_TOKEN_KEY_PREVIOUS', oauth.previousTokenKey) : undefined,
  };
}

export function seal(keys: TokenKeys, plain: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.current, nonce);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, nonce, cipher.getAuthTag(), body]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

function openWith(key: Buffer, nonce: string, tag: string, body: string): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    return undefined;
  }
}

/** What a sealed value holds, and whether it was sealed under the previous key (then it is due to be sealed again). */
export function opened(keys: TokenKeys, sealed: string): { plain: string; stale: boolean } {
  const [version, nonce, tag, body] = sealed.split('.');
  if (version !== VERSION || nonce === undefined || tag === undefined || body === undefined)
    throw new SealError('a sealed installation is not in a known format');
  const plain = openWith(keys.current, nonce, tag, body);
  if (plain !== undefined) return { plain, stale: false };
  const before = keys.previous ? openWith(keys.previous, nonce, tag, body) : undefined;
  if (before !== undefined) return { plain: before, stale: true };
  throw new SealError(
    keys.previous
      ? 'a sealed installation opens with neither SLACK_TOKEN_KEY nor SLACK_TOKEN_KEY_PREVIOUS: it was sealed under another key (set that one as SLACK_TOKEN_KEY_PREVIOUS, or install the app again at /slack/install)'
      : 'a sealed installation does not open with SLACK_TOKEN_KEY: the key changed since it was stored (set the old key as SLACK_TOKEN_KEY_PREVIOUS beside the new one, or back as SLACK_TOKEN_KEY, or install the app again at /slack/install)',
  );
}

export function open(keys: TokenKeys, sealed: string): string {
  return opened(keys, sealed).plain;
}
