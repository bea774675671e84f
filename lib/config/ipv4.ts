// IPv4 networks as 32-bit integers: just what address planning needs (parse, split, overlap).

export interface Ipv4Net {
  /** Network address as an unsigned 32-bit integer. */
  base: number;
  prefix: number;
}

export function parseIpv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Parses "a.b.c.d/n"; says why not when it can't (host bits set, bad octet, bad prefix). */
export function parseCidr(text: string): Ipv4Net | string {
  const [addr, len, extra] = text.split('/');
  const ip = parseIpv4(addr ?? '');
  const prefix = Number(len);
  if (ip === null || extra !== undefined || !/^\d{1,2}$/.test(len ?? '') || prefix > 32) {
    return `"${text}" is not an IPv4 CIDR such as 10.10.0.0/16`;
  }
  const base = ip - (ip % size({ base: 0, prefix }));
  if (base !== ip) return `"${text}" has host bits set (did you mean ${formatIpv4(base)}/${prefix}?)`;
  return { base, prefix };
}

export function formatCidr(net: Ipv4Net): string {
  return `${formatIpv4(net.base)}/${net.prefix}`;
}

export function size(net: Ipv4Net): number {
  return 2 ** (32 - net.prefix);
}

export function overlaps(a: Ipv4Net, b: Ipv4Net): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

/** The `index`-th subnet of length `prefix` inside `net`. */
export function subnet(net: Ipv4Net, prefix: number, index: number): Ipv4Net {
  return { base: net.base + index * 2 ** (32 - prefix), prefix };
}
