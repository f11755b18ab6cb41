// STIR/SHAKEN interoperability against real peers, all on loopback:
//   a. Quell signs (REST /stir/v1/signing, `quell shaken sign`) -> secsipidx
//      verifies with a full chain check (custom root, intermediates, time, CRL),
//      and rejects a revoked leaf.
//   b. secsipidx signs (-sign-full, -http-srv /v1/sign-csv) -> Quell verifies
//      (REST /stir/v1/verification and `quell shaken verify`): passed; tampered,
//      stale, untrusted-root and info != x5u PASSporTs get 438 / 403 / 437 / 436.
//   c. Kamailio's secsipid module signs an INVITE from a sipp UAC, relays it to a
//      sipp UAS that records it -> Quell verifies the recorded Identity.
// The PKI (root -> intermediate -> leaf with a TNAuthList SPC) comes from Quell's
// own CLI; x5u is Quell's certificate repository (GET /sti-cr/e2e.pem) over HTTPS
// with a TLS certificate for 127.0.0.1 made here by `openssl req`. Peers trust it
// through SSL_CERT_FILE (Go) and Quell through [shaken.x5u] tls_ca_file.
//
// The peers come from `scripts/setup test` (make test). Without one, the parts
// that need it are skipped, saying which binary is missing.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quellBin, quell } from './lib/server.mjs';
import {
  sipPing, udpBound,
  which, run, runOk, startDaemon, killAll, freePort, httpsRequest, startHttpsRepo,
  parseIdentity, b64url, nowSeconds, pemCount, readText, within,
} from './lib/peers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const KAMAILIO_CFG = join(here, 'shaken', 'kamailio.cfg');
const UAC_XML = join(here, 'shaken', 'uac.xml');
const UAS_XML = join(here, 'shaken', 'uas.xml');
// Kamailio's module directory is per architecture (/usr/lib/<triplet>/kamailio/modules).
const SECSIPID_SO = ['/usr/lib', '/usr/lib64', '/usr/local/lib']
  .flatMap((d) => [join(d, 'kamailio', 'modules')].concat(
    (() => { try { return readdirSync(d).map((t) => join(d, t, 'kamailio', 'modules')); } catch { return []; } })()))
  .map((d) => join(d, 'secsipid.so'));

const bins = {
  secsipidx: which('secsipidx'),
  kamailio: which('kamailio'),
  sipp: which('sipp'),
  openssl: which('openssl'),
};
const missing = (...names) => {
  const gone = names.filter((n) => !bins[n]);
  if (names.includes('kamailio') && bins.kamailio && !SECSIPID_SO.some(existsSync)) gone.push('kamailio secsipid.so (kamailio-secsipid-modules)');
  return gone.length ? `peer missing: ${gone.join(', ')} (install with scripts/setup test)` : false;
};

// Numbers (E.164 without '+'), as carriers put them in PASSporTs.
const ORIG = '8613800138000';
const DEST = '8613900139000';
const SPC = '1234';

let dir;          // scratch directory for this run
let ca;           // Quell's test CA directory (root, intermediate, crl.pem)
let trustDir;     // what Quell trusts: root.pem + crl.pem
let tls;          // { key, cert, keyFile, certFile } for 127.0.0.1
let leafKey;      // signer's key file
let leafChain;    // signer's cert bundle (leaf + intermediate)
let server;       // quell serve (HTTPS)
let base;         // https://127.0.0.1:PORT/
let x5u;          // base + sti-cr/e2e.pem
let apiKey;       // carrier API key
let repo;         // Node HTTPS repository for chains Quell does not serve
let peerEnv;      // environment for Go peers: SSL_CERT_FILE = our TLS cert
let verifyHelp = '';

const p = (...parts) => join(dir, ...parts);

async function q(args, opts) {
  return run(quellBin, args, { timeoutMs: 30000, ...opts });
}

async function sign(body) {
  return httpsRequest(base + 'stir/v1/signing', {
    method: 'POST', ca: tls.cert, body: { signingRequest: body },
    headers: { Authorization: `Bearer ${apiKey}` },
  });
}

async function verifyRest(identity, from = ORIG, to = DEST) {
  const res = await httpsRequest(base + 'stir/v1/verification', {
    method: 'POST', ca: tls.cert,
    body: { verificationRequest: { from: { tn: from }, to: { tn: [to] }, time: nowSeconds(), identity } },
    headers: { Authorization: `Bearer ${apiKey}`, 'X-RequestID': randomUUID() },
  });
  assert.equal(res.status, 200, `POST /stir/v1/verification -> ${res.status}: ${res.text}`);
  assert.ok(res.json?.verificationResponse, `no verificationResponse: ${res.text}`);
  return res.json.verificationResponse;
}

// `quell shaken verify`: a separate process with its own (empty) caches.
async function verifyCli(identity, { from = ORIG, to = DEST, trust = trustDir } = {}) {
  const args = ['shaken', 'verify', '--identity', identity, '--from', from, '--to', to,
                '--trust-dir', trust, '--tls-ca-file', tls.certFile, '--allow-private-addresses'];
  // Loopback ports are random: pass the port waiver when the CLI has one.
  if (/--allow-any-port/.test(verifyHelp)) args.push('--allow-any-port');
  const r = await q(args);
  let json;
  try { json = JSON.parse(r.out); } catch { /* below */ }
  assert.ok(json, `quell shaken verify printed no JSON (exit ${r.code}):\n${r.out}\n${r.err}`);
  return { code: r.code, json, err: r.err };
}

// secsipidx -check of an Identity value (file), fetching the certificate from
// `certUrl` (defaults to the Identity's info), with chain checking.
async function secsipidxCheck(identity, { certVerify = 13, caFile = join(ca, 'root.pem'),
                                           inter = join(ca, 'intermediate.pem'), crl, certUrl, expire = 60 } = {}) {
  const f = p(`id-${randomUUID()}.txt`);
  writeFileSync(f, identity);
  const url = certUrl ?? parseIdentity(identity).params.info.replace(/^<|>$/g, '');
  const args = ['-check', '-fidentity', f, '-expire', String(expire), '-timeout', '3',
                '-cert-verify', String(certVerify), '-ca-file', caFile, '-fpubkey', url];
  if (inter) args.push('-ca-inter', inter);
  if (crl) args.push('-crl-file', crl);
  const r = await run(bins.secsipidx, args, { env: peerEnv, timeoutMs: 20000 });
  return { ...r, ok: r.code === 0 && /^ok$/m.test(r.out), text: `${r.out}${r.err}`.trim() };
}

function assertPassed(v, what) {
  assert.equal(v.verstat, 'TN-Validation-Passed', `${what}: ${JSON.stringify(v)}`);
  assert.equal(v.reasoncode, undefined, `${what}: a pass carries no reasoncode: ${JSON.stringify(v)}`);
}

function assertFailed(v, code, what) {
  assert.equal(v.reasoncode, code, `${what}: expected ${code}, got ${JSON.stringify(v)}`);
  assert.notEqual(v.verstat, 'TN-Validation-Passed', `${what}: ${JSON.stringify(v)}`);
  assert.equal(typeof v.reasontext, 'string', `${what}: reasontext`);
}

async function secsipidxSignFull({ orig = ORIG, dest = DEST, attest = 'A', url = x5u, key = leafKey, origid } = {}) {
  const args = ['-sign-full', '-o', orig, '-d', dest, '-a', attest, '-x5u', url, '-k', key];
  if (origid) args.push('-orig-id', origid);
  const r = await runOk(bins.secsipidx, args, { env: peerEnv });
  return r.out.trim();
}

before(async () => {
  assert.ok(quellBin && existsSync(quellBin), `QUELL_BIN=${quellBin} does not exist`);
  assert.ok(bins.openssl, 'openssl is required (scripts/setup test)');
  dir = mkdtempSync(join(tmpdir(), 'quell-shaken-'));
  ca = p('ca');
  trustDir = p('trust');
  mkdirSync(trustDir);

  // The shaken subcommand exists (fail loudly, not skip: the feature is Quell's).
  const help = await q(['shaken', '--help']);
  assert.equal(help.code, 0, `quell shaken --help: ${help.out}${help.err}`);
  verifyHelp = (await q(['shaken', 'verify', '--help'])).out;

  // PKI with Quell's CLI: root -> intermediate (+ empty CRL) -> leaf (SPC).
  await runOk(quellBin, ['shaken', 'ca', 'init', '--dir', ca, '--days', '30']);
  for (const f of ['root.pem', 'root.key', 'intermediate.pem', 'intermediate.key', 'crl.pem']) {
    assert.ok(existsSync(join(ca, f)), `ca init wrote no ${f}`);
  }
  leafKey = p('e2e.key');
  leafChain = p('e2e.pem');
  await runOk(quellBin, ['shaken', 'keygen', '--out', leafKey]);
  await runOk(quellBin, ['shaken', 'cert', 'issue', '--ca', ca, '--key', leafKey, '--spc', SPC,
                         '--out', leafChain, '--days', '30']);
  copyFileSync(join(ca, 'root.pem'), join(trustDir, 'root.pem'));
  copyFileSync(join(ca, 'crl.pem'), join(trustDir, 'crl.pem'));

  // TLS for 127.0.0.1 (Quell's HTTPS, the Node repository).
  tls = { keyFile: p('tls.key'), certFile: p('tls.pem') };
  await runOk(bins.openssl, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
                             '-nodes', '-keyout', tls.keyFile, '-out', tls.certFile, '-days', '2',
                             '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
                             '-addext', 'basicConstraints=critical,CA:TRUE']);
  tls.key = readText(tls.keyFile);
  tls.cert = readText(tls.certFile);
  peerEnv = { ...process.env, SSL_CERT_FILE: tls.certFile };

  // quell serve over HTTPS on a port known before start (x5u names it).
  const port = await freePort();
  base = `https://127.0.0.1:${port}/`;
  x5u = `${base}sti-cr/e2e.pem`;
  const config = p('quell.toml');
  writeFileSync(config, `
[http]
tls_cert = "${tls.certFile}"
tls_key = "${tls.keyFile}"
access_log = false
[log]
level = "info"
[shaken]
trust_dir = "${trustDir}"
tn_auth_profile = "spc"
max_age = "60s"
[shaken.x5u]
allow_private_addresses = true
allow_any_port = true
allow_http = false
tls_ca_file = "${tls.certFile}"
[[shaken.signers]]
name = "e2e"
org = "E2E Carrier"
key_file = "${leafKey}"
cert_file = "${leafChain}"
x5u = "${x5u}"
`);
  const dataDir = p('data');
  mkdirSync(dataDir);
  apiKey = quell(['admin', 'create-key', '--role', 'carrier', '--org', 'E2E Carrier', '--label', 'e2e-shaken',
                  '--data', dataDir, '--config', config], { timeout: 30000 }).trim();
  server = await startDaemon('quell serve', quellBin,
    ['serve', '--config', config, '--data', dataDir, '--http', `127.0.0.1:${port}`, '--sip', '127.0.0.1:0'],
    { ready: /quell listening on https:\/\//, maxSeconds: 280 });

  // A second repository for chains Quell does not serve.
  repo = await startHttpsRepo({ key: tls.key, cert: tls.cert, files: {} });
});

after(async () => {
  await repo?.close();
  if (server) {
    const code = await server.stop();
    if (code !== 0) console.error(`quell serve exited ${code}:\n${server.output()}`);
  }
  await killAll();
  if (dir && !process.env.KEEP_E2E_DIR) rmSync(dir, { recursive: true, force: true });
  else if (dir) console.error(`kept ${dir}`);
});

test('the PKI from quell shaken: a chain bundle with a TNAuthList SPC, served at /sti-cr/',
     { timeout: 30000 }, async () => {
  const chain = readText(leafChain);
  assert.equal(pemCount(chain), 2, 'cert issue writes leaf + intermediate');
  const v = await run(bins.openssl, ['verify', '-CAfile', join(ca, 'root.pem'),
                                     '-untrusted', join(ca, 'intermediate.pem'), leafChain]);
  assert.equal(v.code, 0, `openssl verify: ${v.out}${v.err}`);
  const text = (await runOk(bins.openssl, ['x509', '-in', leafChain, '-noout', '-text'])).out;
  // OpenSSL 3.0 prints the extension by OID, its value as a raw dump ("0.....1234").
  const ext = text.match(/(?:1\.3\.6\.1\.5\.5\.7\.1\.26|TNAuthList|TN Auth[^:]*):( critical)?\s*\n\s*([^\n]*)/);
  assert.ok(ext, `leaf carries no TNAuthList:\n${text}`);
  assert.equal(ext[1], undefined, 'TNAuthList is not critical (ATIS-1000080)');
  assert.ok(ext[2].includes(SPC), `TNAuthList names SPC ${SPC}: ${ext[2]}`);
  assert.match(text, /ASN1 OID: prime256v1|NIST CURVE: P-256/);

  const res = await httpsRequest(x5u, { ca: tls.cert });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.text.trim(), chain.trim(), '/sti-cr/e2e.pem serves the signer cert_file');
  assert.match(String(res.headers['cache-control'] || ''), /max-age=\d+/);
  const none = await httpsRequest(`${base}sti-cr/nobody.pem`, { ca: tls.cert });
  assert.equal(none.status, 404);
});

describe('a. Quell signs, secsipidx verifies the chain', { skip: missing('secsipidx') }, () => {
  let httpSrv;  // secsipidx -http-srv
  let httpUrl;
  before(async () => {
    const port = await freePort();
    httpUrl = `http://127.0.0.1:${port}`;
    httpSrv = await startDaemon('secsipidx -http-srv', bins.secsipidx,
      ['-http-srv', `127.0.0.1:${port}`, '-fprvkey', leafKey, '-expire', '60', '-timeout', '3',
       '-cert-verify', '13', '-ca-file', join(ca, 'root.pem'), '-ca-inter', join(ca, 'intermediate.pem')],
      { env: peerEnv, ready: /HTTP service on/, maxSeconds: 200 });
  });
  after(async () => { await httpSrv?.stop(); });

  test('REST /stir/v1/signing -> secsipidx -check with custom root + intermediates + time (+ CRL)',
       { timeout: 60000 }, async () => {
    const origid = randomUUID();
    const iat = nowSeconds();
    const res = await sign({ attest: 'A', dest: { tn: [DEST] }, iat, orig: { tn: ORIG }, origid });
    assert.equal(res.status, 200, res.text);
    const identity = res.json?.signingResponse?.identity;
    assert.ok(identity, res.text);
    assert.match(identity, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+;info=<[^>]+>;alg=ES256;ppt=shaken$/);
    const id = parseIdentity(identity);
    assert.deepEqual(id.header, { alg: 'ES256', ppt: 'shaken', typ: 'passport', x5u });
    assert.equal(id.params.info, `<${x5u}>`);
    assert.deepEqual(id.claims.orig, { tn: ORIG });
    assert.deepEqual(id.claims.dest, { tn: [DEST] });
    assert.equal(id.claims.origid, origid);
    assert.equal(id.claims.iat, iat);
    assert.match(id.claims.attest, /^[ABC]$/);
    if (res.json.signingResponse.attest) assert.equal(res.json.signingResponse.attest, id.claims.attest);
    assert.equal(Buffer.from(id.segments[2], 'base64url').length, 64, 'ES256 signature is raw R||S');

    // 13 = time (1) + custom roots (4) + intermediates from -ca-inter (8).
    let r = await secsipidxCheck(identity, { certVerify: 13 });
    assert.ok(r.ok, `secsipidx -cert-verify 13: exit ${r.code}: ${r.text}`);
    // 5 = time + custom roots, no -ca-inter: the intermediate must come from the x5u bundle.
    r = await secsipidxCheck(identity, { certVerify: 5, inter: null });
    assert.ok(r.ok, `secsipidx -cert-verify 5 (intermediate from x5u): exit ${r.code}: ${r.text}`);
    // 29 = 13 + CRL (16): the CA's current CRL lists nothing.
    r = await secsipidxCheck(identity, { certVerify: 29, crl: join(ca, 'crl.pem') });
    assert.ok(r.ok, `secsipidx -cert-verify 29 -crl-file: exit ${r.code}: ${r.text}`);
    // The chain check is real: another root fails.
    await runOk(quellBin, ['shaken', 'ca', 'init', '--dir', p('ca-other')]);
    r = await secsipidxCheck(identity, { certVerify: 13, caFile: p('ca-other', 'root.pem') });
    assert.ok(!r.ok, `secsipidx accepted a chain to a root it was not given: ${r.text}`);
    assert.match(r.text, /unknown authority/);

    // And Quell's own verifier agrees (first sight of this PASSporT: no replay).
    assertPassed(await verifyRest(identity), 'Quell verifies what Quell signed');
  });

  test('quell shaken sign -> secsipidx -check (CLI and -http-srv /v1/check)', { timeout: 60000 }, async () => {
    const origid = randomUUID();
    const r = await runOk(quellBin, ['shaken', 'sign', '--key', leafKey, '--x5u', x5u, '--orig', ORIG,
                                     '--dest', DEST, '--attest', 'B', '--origid', origid]);
    const identity = r.out.trim();
    const id = parseIdentity(identity);
    assert.equal(id.claims.attest, 'B');
    assert.equal(id.claims.origid, origid);
    assert.ok(Math.abs(id.claims.iat - nowSeconds()) <= 5, `iat ${id.claims.iat} is now`);
    const c = await secsipidxCheck(identity, { certVerify: 29, crl: join(ca, 'crl.pem') });
    assert.ok(c.ok, `secsipidx -check: exit ${c.code}: ${c.text}`);

    // secsipidx's HTTP verifier fetches info itself (no -fpubkey).
    const res = await fetch(`${httpUrl}/v1/check`, { method: 'POST', body: identity });
    assert.equal(res.status, 200, `secsipidx /v1/check: ${res.status} ${await res.text()}`);

    // Several dest TNs and an explicit iat.
    const iat = nowSeconds() - 2;
    const multi = (await runOk(quellBin, ['shaken', 'sign', '--key', leafKey, '--x5u', x5u, '--orig', ORIG,
                                          '--dest', DEST, '--dest', '8613900139001', '--attest', 'A',
                                          '--iat', String(iat)])).out.trim();
    const m = parseIdentity(multi);
    assert.deepEqual(m.claims.dest, { tn: [DEST, '8613900139001'] });
    assert.equal(m.claims.iat, iat);
    assert.match(m.claims.origid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const mc = await secsipidxCheck(multi);
    assert.ok(mc.ok, `secsipidx -check (2 dest): ${mc.text}`);
  });

  test('revocation: quell shaken ca revoke -> secsipidx -crl-file rejects that leaf only',
       { timeout: 60000 }, async () => {
    // A second leaf of the same CA, so the main signer stays usable.
    const key2 = p('revoked.key');
    const chain2 = p('revoked.pem');
    await runOk(quellBin, ['shaken', 'keygen', '--out', key2]);
    await runOk(quellBin, ['shaken', 'cert', 'issue', '--ca', ca, '--key', key2, '--spc', SPC, '--out', chain2]);
    repo.files['/revoked.pem'] = readText(chain2);
    const url2 = repo.url('/revoked.pem');
    const identity = (await runOk(quellBin, ['shaken', 'sign', '--key', key2, '--x5u', url2, '--orig', ORIG,
                                             '--dest', DEST, '--attest', 'A'])).out.trim();
    const crl = join(ca, 'crl.pem');
    let r = await secsipidxCheck(identity, { certVerify: 29, crl });
    assert.ok(r.ok, `before revocation: ${r.text}`);
    const cliBefore = await verifyCli(identity);
    assert.equal(cliBefore.code, 0, `quell shaken verify before revocation: ${JSON.stringify(cliBefore.json)}`);

    await runOk(quellBin, ['shaken', 'ca', 'revoke', '--ca', ca, '--cert', chain2]);
    const serial = (await runOk(bins.openssl, ['x509', '-in', chain2, '-noout', '-serial'])).out.trim().split('=')[1];
    const crlText = (await runOk(bins.openssl, ['crl', '-in', crl, '-noout', '-text'])).out;
    assert.ok(crlText.replace(/[:\s]/g, '').toUpperCase().includes(serial.replace(/^0+/, '').toUpperCase()),
              `CRL lists serial ${serial}:\n${crlText}`);
    const crlCheck = await run(bins.openssl, ['crl', '-in', crl, '-noout', '-CAfile', join(ca, 'intermediate.pem')]);
    assert.match(crlCheck.out + crlCheck.err, /verify OK/, 'the CRL is signed by the intermediate');

    r = await secsipidxCheck(identity, { certVerify: 29, crl });
    assert.ok(!r.ok, `secsipidx accepted a revoked leaf: ${r.text}`);
    assert.match(r.text, /revoked/);
    // Without the CRL bit, secsipidx does not know (it has no CRL fetching).
    r = await secsipidxCheck(identity, { certVerify: 13 });
    assert.ok(r.ok, `secsipidx without CRL: ${r.text}`);
    // The main leaf is unaffected by the new CRL.
    const good = (await runOk(quellBin, ['shaken', 'sign', '--key', leafKey, '--x5u', x5u, '--orig', ORIG,
                                         '--dest', DEST, '--attest', 'A'])).out.trim();
    r = await secsipidxCheck(good, { certVerify: 29, crl });
    assert.ok(r.ok, `main leaf with the new CRL: ${r.text}`);

    // Quell's CLI verifier with a trust dir holding the new CRL: 437.
    const trust2 = p('trust-revoked');
    mkdirSync(trust2);
    copyFileSync(join(ca, 'root.pem'), join(trust2, 'root.pem'));
    copyFileSync(crl, join(trust2, 'crl.pem'));
    const cli = await verifyCli(identity, { trust: trust2 });
    assert.equal(cli.code, 1, JSON.stringify(cli.json));
    assertFailed(cli.json, 437, 'revoked leaf (quell shaken verify)');
  });
});

describe('b. secsipidx signs, Quell verifies', { skip: missing('secsipidx') }, () => {
  let httpSrv;
  let httpUrl;
  before(async () => {
    const port = await freePort();
    httpUrl = `http://127.0.0.1:${port}`;
    httpSrv = await startDaemon('secsipidx -http-srv', bins.secsipidx,
      ['-http-srv', `127.0.0.1:${port}`, '-fprvkey', leafKey, '-expire', '60', '-timeout', '3'],
      { env: peerEnv, ready: /HTTP service on/, maxSeconds: 200 });
  });
  after(async () => { await httpSrv?.stop(); });

  test('secsipidx -sign-full -> Quell REST and CLI: TN-Validation-Passed', { timeout: 60000 }, async () => {
    const identity = await secsipidxSignFull({ origid: randomUUID() });
    const id = parseIdentity(identity);
    assert.equal(id.header.x5u, x5u);
    assert.equal(id.claims.attest, 'A');
    assertPassed(await verifyRest(identity), 'REST, secsipidx -sign-full');
    const cli = await verifyCli(identity);
    assert.equal(cli.code, 0, `quell shaken verify: ${JSON.stringify(cli.json)} ${cli.err}`);
    assertPassed(cli.json, 'CLI, secsipidx -sign-full');

    // Attestation B and C pass too (the verifier reports, it does not judge them).
    for (const attest of ['B', 'C']) {
      const v = await verifyRest(await secsipidxSignFull({ attest }));
      assertPassed(v, `attest ${attest}`);
      if (v.attest) assert.equal(v.attest, attest);
    }
  });

  test('secsipidx -http-srv /v1/sign-csv -> Quell REST and CLI: TN-Validation-Passed', { timeout: 60000 }, async () => {
    const origid = randomUUID();
    const res = await fetch(`${httpUrl}/v1/sign-csv`, { method: 'POST', body: `${ORIG},${DEST},A,${origid},${x5u}` });
    const identity = (await res.text()).trim();
    assert.equal(res.status, 200, identity);
    const id = parseIdentity(identity);
    assert.equal(id.claims.origid, origid);
    assert.equal(id.params.info, `<${x5u}>`);
    assertPassed(await verifyRest(identity), 'REST, secsipidx /v1/sign-csv');
    const cli = await verifyCli(identity);
    assert.equal(cli.code, 0, JSON.stringify(cli.json));
    assertPassed(cli.json, 'CLI, secsipidx /v1/sign-csv');
  });

  test('replay: the same PASSporT twice at the REST verifier is refused the second time', { timeout: 30000 }, async () => {
    const identity = await secsipidxSignFull({ origid: randomUUID() });
    assertPassed(await verifyRest(identity), 'first sight');
    const again = await verifyRest(identity);
    assertFailed(again, 438, 'replayed PASSporT');
  });

  test('tampered claims -> 438 (secsipidx agrees)', { timeout: 60000 }, async () => {
    const identity = await secsipidxSignFull({ origid: randomUUID() });
    const id = parseIdentity(identity);
    const claims = { ...id.claims, attest: 'C' };  // same TNs, same shape, signature no longer matches
    const forged = `${id.segments[0]}.${b64url(JSON.stringify(claims))}.${id.segments[2]}` +
                   identity.slice(id.jws.length);
    assertFailed(await verifyRest(forged), 438, 'tampered (REST)');
    const cli = await verifyCli(forged);
    assert.equal(cli.code, 1);
    assertFailed(cli.json, 438, 'tampered (CLI)');
    const peer = await secsipidxCheck(forged);
    assert.ok(!peer.ok, `secsipidx accepted the tampered PASSporT: ${peer.text}`);
  });

  test('stale iat (120 s old, signed by secsipidx -sign) -> 403 (secsipidx -expire 60 agrees)',
       { timeout: 60000 }, async () => {
    const header = JSON.stringify({ alg: 'ES256', ppt: 'shaken', typ: 'passport', x5u });
    const payload = JSON.stringify({ attest: 'A', dest: { tn: [DEST] }, iat: nowSeconds() - 120,
                                     orig: { tn: ORIG }, origid: randomUUID() });
    const jwt = (await runOk(bins.secsipidx, ['-sign', '-header', header, '-payload', payload, '-k', leafKey],
                             { env: peerEnv })).out.trim();
    assert.equal(jwt.split('.').length, 3, jwt);
    const identity = `${jwt};info=<${x5u}>;alg=ES256;ppt=shaken`;
    assertFailed(await verifyRest(identity), 403, 'stale (REST)');
    const cli = await verifyCli(identity);
    assert.equal(cli.code, 1);
    assertFailed(cli.json, 403, 'stale (CLI)');
    const peer = await secsipidxCheck(identity, { expire: 60 });
    assert.ok(!peer.ok && /expired/.test(peer.text), `secsipidx -expire 60: ${peer.text}`);
    // The same bytes are otherwise sound: with a 10-minute window secsipidx accepts them.
    const lax = await secsipidxCheck(identity, { expire: 600 });
    assert.ok(lax.ok, `secsipidx -expire 600: ${lax.text}`);
  });

  test('untrusted root (a second CA, not in trust_dir) -> 437', { timeout: 60000 }, async () => {
    const ca2 = p('ca-untrusted');
    const key2 = p('untrusted.key');
    const chain2 = p('untrusted.pem');
    await runOk(quellBin, ['shaken', 'ca', 'init', '--dir', ca2]);
    await runOk(quellBin, ['shaken', 'keygen', '--out', key2]);
    await runOk(quellBin, ['shaken', 'cert', 'issue', '--ca', ca2, '--key', key2, '--spc', SPC, '--out', chain2]);
    repo.files['/untrusted.pem'] = readText(chain2);
    const url2 = repo.url('/untrusted.pem');
    const identity = await secsipidxSignFull({ url: url2, key: key2, origid: randomUUID() });
    // Sound in itself: secsipidx, given that CA, accepts it.
    const peer = await secsipidxCheck(identity, { caFile: join(ca2, 'root.pem'), inter: join(ca2, 'intermediate.pem') });
    assert.ok(peer.ok, `secsipidx with the second CA: ${peer.text}`);
    assertFailed(await verifyRest(identity), 437, 'untrusted root (REST)');
    const cli = await verifyCli(identity);
    assert.equal(cli.code, 1);
    assertFailed(cli.json, 437, 'untrusted root (CLI)');
  });

  test('info != x5u -> 436 (secsipidx agrees)', { timeout: 60000 }, async () => {
    // info names a URL that serves the very same chain: only the mismatch is wrong.
    repo.files['/e2e-copy.pem'] = readText(leafChain);
    const other = repo.url('/e2e-copy.pem');
    const identity = await secsipidxSignFull({ origid: randomUUID() });
    const moved = identity.replace(`;info=<${x5u}>`, `;info=<${other}>`);
    assert.notEqual(moved, identity);
    assertFailed(await verifyRest(moved), 436, 'info != x5u (REST)');
    const cli = await verifyCli(moved);
    assert.equal(cli.code, 1);
    assertFailed(cli.json, 436, 'info != x5u (CLI)');
    const peer = await secsipidxCheck(moved, { certUrl: other });
    assert.ok(!peer.ok, `secsipidx accepted info != x5u: ${peer.text}`);
    assert.match(peer.text, /x5u and info/);
  });
});

// --- c. Kamailio + sipp ---

describe('c. Kamailio secsipid signs an INVITE from sipp', { skip: missing('kamailio', 'sipp') }, () => {
  test('sipp UAC -> Kamailio secsipid_add_identity -> sipp UAS; Quell verifies the Identity: Passed',
       { timeout: 90000 }, async () => {
    const kport = await freePort('udp');
    const uasPort = await freePort('udp');
    const uacPort = await freePort('udp');
    const kdir = p('kamailio');
    mkdirSync(kdir);
    const defines = [`SIP_PORT=${kport}`, `UAS_URI="sip:127.0.0.1:${uasPort}"`, `X5U="${x5u}"`,
                     `KEY_FILE="${leafKey}"`, 'ATTEST="A"'];
    const kargs = ['-f', KAMAILIO_CFG, ...defines.flatMap((d) => ['-A', d])];
    const check = await run(bins.kamailio, ['-c', ...kargs], { timeoutMs: 15000 });
    assert.equal(check.code, 0, `kamailio -c: ${check.out}${check.err}`);
    const kam = await startDaemon('kamailio', bins.kamailio,
      ['-DD', '-E', '-m', '32', '-M', '4', '-Y', kdir, '-P', join(kdir, 'kamailio.pid'), '-w', kdir, ...kargs],
      { env: peerEnv, cwd: kdir, ready: () => sipPing(kport), maxSeconds: 80 });
    try {
      const uasLog = join(kdir, 'uas.log');
      const uas = await startDaemon('sipp UAS', bins.sipp,
        ['-sf', UAS_XML, '-i', '127.0.0.1', '-p', String(uasPort), '-m', '1', '-nostdin',
         '-timeout', '40s', '-timeout_error', '-trace_logs', '-log_file', uasLog,
         '-trace_err', '-error_file', join(kdir, 'uas.err')],
        { cwd: kdir, ready: () => udpBound(uasPort), maxSeconds: 60 });
      const uac = await run(bins.sipp,
        ['-sf', UAC_XML, '-i', '127.0.0.1', '-p', String(uacPort), '-m', '1', '-s', DEST, '-key', 'orig', ORIG,
         '-nostdin', '-timeout', '30s', '-timeout_error', '-trace_err', '-error_file', join(kdir, 'uac.err'),
         `127.0.0.1:${kport}`],
        { cwd: kdir, timeoutMs: 45000 });
      const uasCode = await within(uas.exited, 15000);
      const errs = ['uac.err', 'uas.err'].map((f) => join(kdir, f)).filter(existsSync).map(readText).join('\n');
      assert.equal(uac.code, 0, `sipp UAC exit ${uac.code}\n${uac.out}\n${uac.err}\n${errs}\nkamailio:\n${kam.output()}`);
      assert.equal(uasCode, 0, `sipp UAS exit ${uasCode}\n${errs}\nkamailio:\n${kam.output()}`);
      const log = readText(uasLog);
      const m = log.match(/^IDENTITY\s+(\S+)\s*$/m);
      assert.ok(m, `the UAS saw no Identity header:\n${log}`);
      const identity = m[1];
      const id = parseIdentity(identity);
      assert.deepEqual(id.header, { alg: 'ES256', ppt: 'shaken', typ: 'passport', x5u });
      assert.deepEqual(id.claims.orig, { tn: ORIG });
      assert.deepEqual(id.claims.dest, { tn: [DEST] });
      assert.equal(id.claims.attest, 'A');
      assert.ok(Math.abs(id.claims.iat - nowSeconds()) <= 30, `iat ${id.claims.iat}`);
      assert.match(kam.output(), /signed INVITE/);

      assertPassed(await verifyRest(identity), 'REST, Kamailio secsipid Identity');
      const cli = await verifyCli(identity);
      assert.equal(cli.code, 0, JSON.stringify(cli.json));
      assertPassed(cli.json, 'CLI, Kamailio secsipid Identity');
    } finally {
      await kam.stop();
    }
  });
});
