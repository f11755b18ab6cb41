// Writes COUNT distinct, freshly signed Identity header values, one a line, for
// bench/load/shaken.sh: each from Quell's POST /stir/v1/signing (a distinct
// origid, iat = now), over a few keep-alive connections.
//
//   node bench/load/shaken-ids.mjs SIGNING_URL API_KEY COUNT OUT_FILE [ORIG DEST]
import { writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

const [url, key, countArg, out, orig = '8613800138000', dest = '8613900139000'] = process.argv.slice(2);
const count = Number(countArg);
if (!url || !key || !(count > 0) || !out) {
  console.error('usage: shaken-ids.mjs SIGNING_URL API_KEY COUNT OUT_FILE [ORIG DEST]');
  process.exit(2);
}
const lib = url.startsWith('https:') ? https : http;
const agent = new lib.Agent({ keepAlive: true, maxSockets: 8, rejectUnauthorized: false });
const deadline = Date.now() + 120000;

function signOne() {
  const body = JSON.stringify({ signingRequest: { attest: 'A', dest: { tn: [dest] }, iat: Math.floor(Date.now() / 1000),
                                                  orig: { tn: orig }, origid: randomUUID() } });
  return new Promise((resolve, reject) => {
    const req = lib.request(url, {
      method: 'POST', agent, timeout: 10000,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Authorization: `Bearer ${key}` },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`signing -> ${res.statusCode}: ${text}`));
        try { resolve(JSON.parse(text).signingResponse.identity); } catch (e) { reject(new Error(`bad answer: ${text}`)); }
      });
    });
    req.on('timeout', () => req.destroy(new Error('signing request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

const ids = new Array(count);
let next = 0;
async function worker() {
  while (next < count) {
    if (Date.now() > deadline) throw new Error('identity generation took over 120 s');
    const i = next++;
    ids[i] = await signOne();
  }
}
await Promise.all(Array.from({ length: 8 }, worker));
agent.destroy();
if (new Set(ids).size !== count) throw new Error('identities are not distinct');
writeFileSync(out, ids.join('\n') + '\n');
