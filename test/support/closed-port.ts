// A loopback port nothing listens on: the kernel's pick, released at once. Fixed "closed" ports
// (9, discard) are not: the e2e suite's BMC sentinel listens on 127.0.0.1:9 while it runs.
import { createServer, type AddressInfo } from 'node:net';

export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
