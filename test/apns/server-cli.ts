/**
 * The local APNs as a separate process, for benchmarks: the sender under test then shares
 * no event loop with the server, as with the real APNs. Prints ONE JSON line on stdout once
 * listening, `{"url", "statsUrl", "pid"}`, and serves `GET <statsUrl>` (plain HTTP/1) with
 * `{delivered, requests, maxConcurrentStreams, uniqueTokens, sessions}` so the parent can
 * check for loss (uniqueTokens) and duplicates (delivered vs uniqueTokens). `POST
 * <statsUrl minus /stats>/reset` clears the counters between runs. Stops on SIGTERM/SIGINT.
 *
 * @example
 * node --import tsx test/apns/server-cli.ts --latency 20 --certs "$WALLET_TEST_CERTS"
 * # {"url":"https://127.0.0.1:41234","statsUrl":"http://127.0.0.1:41235/stats","pid":1234}
 *
 * Options: `--certs DIR` (default $WALLET_TEST_CERTS; as written by `writeTestCertificates`),
 * `--latency MS` (default 0), `--port N` (default 0: a free port).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { readTestCertificates } from '../support/certs';
import { startApnsServer } from './server';

const { values } = parseArgs({
  options: {
    certs: { type: 'string' },
    latency: { type: 'string', default: '0' },
    port: { type: 'string', default: '0' },
  },
});
const certsDir = values.certs ?? process.env.WALLET_TEST_CERTS;
if (!certsDir) {
  process.stderr.write('apns server: pass --certs DIR (or set WALLET_TEST_CERTS)\n');
  process.exit(2);
}

const apns = await startApnsServer({
  certs: readTestCertificates(certsDir),
  latencyMs: Number(values.latency),
  port: Number(values.port),
});

const control = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    const counts = apns.deliveredCounts();
    let delivered = 0;
    for (const n of counts.values()) delivered += n;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        delivered,
        requests: apns.requests.length,
        maxConcurrentStreams: apns.maxConcurrentStreams,
        uniqueTokens: counts.size,
        sessions: apns.sessions,
      }),
    );
    return;
  }
  if (req.method === 'POST' && req.url === '/reset') {
    apns.reset();
    res.writeHead(204).end();
    return;
  }
  res.writeHead(404).end();
});
await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
const statsPort = (control.address() as AddressInfo).port;

process.stdout.write(
  `${JSON.stringify({ url: apns.url, statsUrl: `http://127.0.0.1:${statsPort}/stats`, pid: process.pid })}\n`,
);

const stop = () => {
  control.close();
  control.closeAllConnections();
  void apns.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
