import fc from 'fast-check';
import { SecretBox, SecretUnreadableError } from '../../../server/crypto/secret-box';

const KEY = 'a3'.repeat(8) + '0123456789abcdef'.repeat(3);
const OTHER = 'b4'.repeat(8) + 'fedcba9876543210'.repeat(3);

describe('SecretBox', () => {
  it('when a value is sealed, then it opens with the same key and context, and the sealed text does not contain it', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), fc.string({ maxLength: 40 }), (plain, context) => {
        const box = new SecretBox(KEY);
        const sealed = box.seal(plain, context);
        expect(box.open(sealed, context)).toBe(plain);
        if (plain.length >= 4) expect(sealed.includes(plain)).toBe(false);
      }),
    );
  });

  it('when the key, the context or the text differ, then opening fails with SecretUnreadableError', () => {
    const box = new SecretBox(KEY);
    const sealed = box.seal('hunter2-long-password', 'service:1');
    expect(() => new SecretBox(OTHER).open(sealed, 'service:1')).toThrow(SecretUnreadableError);
    expect(() => box.open(sealed, 'service:2')).toThrow(SecretUnreadableError);
    const parts = sealed.split('.');
    const tampered = [parts[0], parts[1], parts[2], `${parts[3]?.slice(0, -2)}AA`].join('.');
    expect(() => box.open(tampered, 'service:1')).toThrow(SecretUnreadableError);
    expect(() => box.open('garbage', 'service:1')).toThrow(SecretUnreadableError);
  });

  it('when the same value is sealed twice, then the sealed texts differ (fresh IV each time)', () => {
    const box = new SecretBox(KEY);
    expect(box.seal('same', 'c')).not.toBe(box.seal('same', 'c'));
  });

  it('when the key is not 64 hex characters, then it is refused', () => {
    expect(() => new SecretBox('abc')).toThrow();
  });
});
