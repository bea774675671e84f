// Test-only certificates made with openssl, as the test hub makes its service's: a CA of the
// test's own and a serving certificate it signs for 127.0.0.1 (a chain, not one self-signed
// certificate: a client that trusts the CA verifies the server as it would the real service).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCa {
  /** The CA certificate's file (what hub.tls.caFile names) and PEM. */
  caFile: string;
  ca: string;
  /** A serving certificate for IP 127.0.0.1 and its key, PEM. */
  cert: string;
  key: string;
}

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** A CA named `name` in `dir/name/`, and a serving certificate of it for 127.0.0.1. */
export function testCa(dir: string, name: string): TestCa {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  const f = (n: string) => join(d, n);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-keyout', f('ca.key'), '-out', f('ca.crt')]);
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', f('tls.key'), '-out', f('tls.csr')]);
  writeFileSync(f('ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n');
  openssl(['x509', '-req', '-in', f('tls.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-set_serial', '0x01', '-days', '2', '-extfile', f('ext'), '-out', f('tls.crt')]);
  return { caFile: f('ca.crt'), ca: readFileSync(f('ca.crt'), 'utf8'), cert: readFileSync(f('tls.crt'), 'utf8'), key: readFileSync(f('tls.key'), 'utf8') };
}
