// Kubernetes resource quantities ("1500m", "2", "16Gi", "24000Ki", "1e3") as plain numbers.
const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

export function parseQuantity(text: string): number {
  const m = /^([+-]?[\d.]+(?:[eE][+-]?\d+)?)([a-zA-Z]*)$/.exec(text.trim());
  if (!m || !(m[2]! in SUFFIX)) throw new Error(`not a Kubernetes quantity: "${text}"`);
  return Number(m[1]) * SUFFIX[m[2]!]!;
}
