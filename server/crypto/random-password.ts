/**
 * A password the bridge makes up for a customer who ordered with neither password nor SSH key: 20 characters from an
 * alphabet without look-alikes (no 0/O, 1/l/I), about 116 bits, easy to type from an e-mail.
 */
import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

export function randomPassword(length = 20): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}
