// Launch order: as listed in the config, or shuffled reproducibly from a seed.
import type { LaunchUnit } from './model.ts';

export function orderUnits(units: LaunchUnit[], mode: 'listed' | 'shuffled', seed: number): LaunchUnit[] {
  if (mode === 'listed') return units;
  const out = [...units];
  const random = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Small, well-known seeded PRNG: the same seed gives the same order on every machine. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
