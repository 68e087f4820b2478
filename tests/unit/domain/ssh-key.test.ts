import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { normalizeSshKey, sshKeyProblem } from '../../../server/domain/ssh-key';

/** Builds an OpenSSH public key line from Node's own generated keys, so the test does not trust fixed strings. */
function sshString(b: Buffer | string): Buffer {
  const body = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}
function mpint(b: Buffer): Buffer {
  return sshString(b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}
function rsaKey(bits: number): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const jwk = publicKey.export({ format: 'jwk' });
  const blob = Buffer.concat([sshString('ssh-rsa'), mpint(Buffer.from(jwk.e!, 'base64url')), mpint(Buffer.from(jwk.n!, 'base64url'))]);
  return `ssh-rsa ${blob.toString('base64')} user@host`;
}
function ed25519Key(): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return `ssh-ed25519 ${Buffer.concat([sshString('ssh-ed25519'), sshString(raw)]).toString('base64')} me@laptop`;
}
function ecdsaKey(curve: 'P-256' | 'P-384' | 'P-521', name: string): string {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  const jwk = publicKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  const type = `ecdsa-sha2-${name}`;
  return `${type} ${Buffer.concat([sshString(type), sshString(name), sshString(point)]).toString('base64')}`;
}

describe('sshKeyProblem', () => {
  it('when the key is ed25519, ECDSA or RSA of 2048+ bits, then it is accepted', () => {
    expect(sshKeyProblem(ed25519Key())).toBeUndefined();
    expect(sshKeyProblem(ecdsaKey('P-256', 'nistp256'))).toBeUndefined();
    expect(sshKeyProblem(ecdsaKey('P-384', 'nistp384'))).toBeUndefined();
    expect(sshKeyProblem(ecdsaKey('P-521', 'nistp521'))).toBeUndefined();
    expect(sshKeyProblem(rsaKey(2048))).toBeUndefined();
  });

  it('when an RSA key is 1024 bits, then it is refused with its size', () => {
    expect(sshKeyProblem(rsaKey(1024))?.reason).toMatch(/1024 bits; at least 2048/);
  });

  it('when the type in front disagrees with the blob, or the blob is cut, then it is refused', () => {
    const ed = ed25519Key();
    expect(sshKeyProblem(ed.replace('ssh-ed25519', 'ssh-rsa'))?.reason).toMatch(/says ssh-rsa but holds/);
    const [type, data] = ed.split(' ');
    const cut = Buffer.from(data!, 'base64').subarray(0, 30).toString('base64');
    expect(sshKeyProblem(`${type} ${cut}`)).toBeDefined();
  });

  it('when the key is a DSA key, garbage or empty, then it is refused', () => {
    expect(sshKeyProblem(`ssh-dss ${sshString('ssh-dss').toString('base64')}`)?.reason).toMatch(/of type ssh-dss/);
    expect(sshKeyProblem('not a key')).toBeDefined();
    expect(sshKeyProblem('')).toBeDefined();
    expect(sshKeyProblem('ssh-ed25519 !!!')).toBeDefined();
  });

  it('when random text is given, then it never throws and is refused', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        expect(sshKeyProblem(s)).toBeDefined();
      }),
    );
  });

  it('when a good key has extra spaces, then normalizing keeps one space between parts', () => {
    const key = ed25519Key();
    expect(normalizeSshKey(`  ${key.replace(/ /g, '   ')}  `)).toBe(key);
  });
});
