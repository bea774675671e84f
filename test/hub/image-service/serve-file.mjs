// Serves one file on loopback for as long as it runs, with its Content-Length (the image
// service's download checks it): where the test hub's image service fetches its OS image from
// at start. Any path answers with the file.
// Usage: node serve-file.mjs FILE PORT
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';

const [file, port] = process.argv.slice(2);
if (!file || !port) throw new Error('usage: serve-file.mjs FILE PORT');
const size = statSync(file).size;
createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': size });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file).pipe(res);
}).listen(Number(port), '127.0.0.1', () => console.log(`serving ${file} (${size} bytes) on http://127.0.0.1:${port}/`));
