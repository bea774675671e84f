// Stable identities for fake hosts: the same swarm, owner and index always give the same
// host id and MAC, so adding a cluster never changes the hosts that were already there.
import { createHash } from 'node:crypto';

/** Name-based UUID (RFC 4122 version 5, SHA-1) in the swarm's own namespace. */
const NAMESPACE = Buffer.from('6f1c8a52b4e74d0f9a4c1e2d3b5a7c90', 'hex');

export function hostId(swarm: string, owner: string, index: number): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`${swarm}/${owner}/${index}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Hands out MACs: hashed from the host's name, locally administered (bit 1 of the first
 * octet) and unicast (bit 0 clear); on the rare clash the next candidate is hashed.
 */
export class MacAllocator {
  private readonly used = new Set<string>();

  next(swarm: string, owner: string, index: number): string {
    for (let attempt = 0; ; attempt++) {
      const h = createHash('sha256').update(`mac/${swarm}/${owner}/${index}/${attempt}`).digest();
      h[0] = (h[0]! & 0xfc) | 0x02;
      const mac = [...h.subarray(0, 6)].map((b) => b.toString(16).padStart(2, '0')).join(':');
      if (!this.used.has(mac)) {
        this.used.add(mac);
        return mac;
      }
    }
  }
}
