/**
 * Seals small secrets (a customer's root password) with AES-256-GCM while a job still needs them, so the database
 * never holds them in clear. A sealed value is `v1.<iv>.<tag>.<ciphertext>` in base64url; the `v1` leaves room to
 * rotate the scheme. `context` is bound as additional data, so a value sealed for one service cannot be replayed
 * into another's row.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export class SecretUnreadableError extends Error {
  constructor(reason: string) {
    super(`a sealed secret could not be opened (${reason}); was SECRETS_KEY changed?`);
    this.name = 'SecretUnreadableError';
  }
}

export class SecretBox {
  private readonly key: Buffer;

  /** @param hexKey 64 hex characters (SECRETS_KEY). */
  constructor(hexKey: string) {
    if (!/^[0-9a-fA-F]{64}$/.test(hexKey)) throw new Error('SecretBox needs a 32-byte key written as 64 hex characters');
    this.key = Buffer.from(hexKey, 'hex');
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
  }

  /** Throws SecretUnreadableError when the value was sealed with another key or context, or was altered. */
  open(sealed: string, context: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || iv === undefined || tag === undefined || data === undefined) throw new SecretUnreadableError('unknown format');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadableError('authentication failed');
    }
  }
}
