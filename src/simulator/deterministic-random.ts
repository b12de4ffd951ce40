// Seeded randomness, so that the same prompt always yields the same reply and the same
// embedding, across processes and machines.
import { seededRandom } from '../domain/seeded-random.ts';

// FNV-1a over UTF-16 code units: cheap, stable and good enough to spread seeds.
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export type RandomSource = () => number;


export function randomInteger(random: RandomSource, lowest: number, highest: number): number {
  return lowest + Math.floor(random() * (highest - lowest + 1));
}

// A deterministic, fake-looking but well-formed opaque string (signatures, encrypted content).
export function opaqueToken(seedText: string, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const random = seededRandom(hashText(seedText));
  let token = '';
  for (let index = 0; index < length; index += 1) token += alphabet[Math.floor(random() * 64)];
  return token;
}

export { seededRandom };
