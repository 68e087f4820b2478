/**
 * OpenSSH public keys a customer may put on their VPS: ed25519, ECDSA (NIST P-256/384/521) and RSA of at least 2048
 * bits. The key blob is read, not just matched: its type inside must agree with the type in front, and an RSA key's
 * modulus is measured, so a truncated or 1024-bit key is refused by name instead of locking the customer out later.
 */

export interface SshKeyProblem {
  /** Why the key is refused, in words an order form can show. */
  reason: string;
}

const ECDSA_CURVES: Record<string, string> = {
  'ecdsa-sha2-nistp256': 'nistp256',
  'ecdsa-sha2-nistp384': 'nistp384',
  'ecdsa-sha2-nistp521': 'nistp521',
};
const MIN_RSA_BITS = 2048;
/** A comment is free text, but one line of printable characters. */
const COMMENT = /^[\x20-\x7e]{0,200}$/;

/** Reads SSH's length-prefixed strings from a key blob. */
class BlobReader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}

  next(): Buffer | undefined {
    if (this.offset + 4 > this.buf.length) return undefined;
    const length = this.buf.readUInt32BE(this.offset);
    const start = this.offset + 4;
    if (start + length > this.buf.length) return undefined;
    this.offset = start + length;
    return this.buf.subarray(start, start + length);
  }

  get done(): boolean {
    return this.offset === this.buf.length;
  }
}

/** Bits of an SSH mpint (big-endian, a leading zero byte keeps it positive). */
function mpintBits(n: Buffer): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i] ?? 0));
}

/** Why `line` is not an acceptable OpenSSH public key, or undefined when it is. */
export function sshKeyProblem(line: string): SshKeyProblem | undefined {
  const parts = line.trim().split(/\s+/);
  const [type, data, ...rest] = parts;
  if (!type || !data) return { reason: 'must be an OpenSSH public key: "<type> <base64> [comment]"' };
  const comment = rest.join(' ');
  if (!COMMENT.test(comment)) return { reason: 'has a comment with characters other than printable ASCII, or is too long' };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data) || data.length % 4 !== 0) return { reason: 'has a key that is not valid base64' };
  const blob = new BlobReader(Buffer.from(data, 'base64'));
  const inner = blob.next()?.toString('latin1');
  if (inner !== type) return { reason: `says ${type} but holds ${inner ? `a ${inner.slice(0, 40)} key` : 'no key'}` };
  if (type === 'ssh-ed25519') {
    const key = blob.next();
    return key?.length === 32 && blob.done ? undefined : { reason: 'is not a complete ed25519 key' };
  }
  const curve = ECDSA_CURVES[type];
  if (curve) {
    const name = blob.next()?.toString('latin1');
    const point = blob.next();
    if (name !== curve || !point || point.length < 33 || !blob.done) return { reason: `is not a complete ${type} key` };
    return undefined;
  }
  if (type === 'ssh-rsa') {
    const e = blob.next();
    const n = blob.next();
    if (!e || !n || !blob.done) return { reason: 'is not a complete RSA key' };
    const bits = mpintBits(n);
    return bits >= MIN_RSA_BITS ? undefined : { reason: `is an RSA key of ${bits} bits; at least ${MIN_RSA_BITS} are needed` };
  }
  return { reason: `is of type ${type.slice(0, 40)}; use ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa (2048 bits or more)` };
}

/** The key as one normalised line: type, data and comment separated by single spaces. */
export function normalizeSshKey(line: string): string {
  return line.trim().split(/\s+/).join(' ');
}
