// Test-only: the stand-in's HTTPS port as the service's Go server keeps it: a TLS handshake goes
// on to the HTTPS server; a plain-HTTP request gets Go's own answer (net/http, server.go), 400
// "Client sent an HTTP request to an HTTPS server.", and the connection is closed. Node's TLS
// server reads its socket natively, so bytes looked at here can't be put back: TLS connections
// are passed through to the HTTPS server listening on a loopback port of its own.
import { connect, createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import type { Server as HttpsServer } from 'node:https';

const TLS_HANDSHAKE = 0x16;
const GO_PLAIN_HTTP_ANSWER = 'HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n';

/** Starts `https` on a loopback port and returns a TCP server (not listening yet) in front of it. */
export async function tlsPort(https: HttpsServer): Promise<NetServer> {
  await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
  const inner = (https.address() as AddressInfo).port;
  const front = createNetServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      if (first[0] !== TLS_HANDSHAKE) return void socket.end(GO_PLAIN_HTTP_ANSWER);
      const up = connect(inner, '127.0.0.1');
      up.on('error', () => socket.destroy());
      socket.on('close', () => up.destroy());
      up.on('close', () => socket.destroy());
      up.write(first);
      socket.pipe(up);
      up.pipe(socket);
    });
  });
  return front;
}
