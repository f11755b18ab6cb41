// End-to-end: joint enforcement on two real `quell serve` processes.
//
// On the primary (the demo): a complaint → a traceback case through three
// carriers (the transit carrier answers automatically from the CDRs it
// submitted) to the origin → a sanction on the calling number → the screening
// pipeline blocks the number → the ledger verifies on a replica — a second
// server on its own data directory following the first.
// Then the primary's history is attacked: its operator rewrites record k (a
// sanction it signed itself), re-signs it and re-chains everything after it, in
// place. The primary's file is self-consistent (`quell ledger verify` passes),
// but the replica sees its history changed and names record k. A fresh replica
// then takes the rewritten history, and a byte flipped on the primary's disk
// is caught by its audit and by `quell ledger verify`, which names the record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { crc32 } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, quell, quellBin } from './lib/server.mjs';

async function call(server, method, path, key, body, type = 'application/json') {
  const res = await fetch(server.url + path.replace(/^\//, ''), {
    method,
    headers: {
      ...(key ? { Authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { 'Content-Type': type } : {}),
    },
    body: body === undefined ? undefined : type === 'application/json' ? JSON.stringify(body) : body,
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // CSV and the like
  }
  return { status: res.status, json, text };
}

async function until(what, fn, timeoutMs = 20000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function key(dir, role, org) {
  return quell(['admin', 'create-key', '--data', dir, '--role', role, '--org', org, '--label', 'e2e']).trim();
}

// The ledger file's frames: [{offset, length, body}].
function frames(buf) {
  const out = [];
  let pos = 8;
  while (pos + 8 <= buf.length) {
    const len = buf.readUInt32LE(pos);
    out.push({ offset: pos, length: 8 + len, body: buf.subarray(pos + 8, pos + 8 + len) });
    pos += 8 + len;
  }
  return out;
}

// Body fields (docs/formats/ledger.md): version, seq, appended_ms, prev[32],
// kind, key_id, signed_ms, payload, signature[64].
function parseBody(b) {
  let p = 1 + 8 + 8;
  const prevAt = p;
  p += 32;
  const kindLen = b.readUInt16LE(p);
  const kind = b.subarray(p + 2, p + 2 + kindLen).toString();
  p += 2 + kindLen;
  const keyLen = b.readUInt16LE(p);
  const keyId = b.subarray(p + 2, p + 2 + keyLen).toString();
  p += 2 + keyLen;
  const signedAt = p;
  p += 8;
  const payloadLen = b.readUInt32LE(p);
  const payloadAt = p + 4;
  return { prevAt, kind, keyId, signedAt, payloadAt, payloadLen, sigAt: payloadAt + payloadLen };
}

function signingInput(body, f) {
  const kind = Buffer.from(f.kind);
  const keyId = Buffer.from(f.keyId);
  const parts = [Buffer.from('quell-ledger-entry v1\n')];
  const u16 = (n) => { const x = Buffer.alloc(2); x.writeUInt16LE(n); return x; };
  const u32 = (n) => { const x = Buffer.alloc(4); x.writeUInt32LE(n); return x; };
  parts.push(u16(kind.length), kind, u16(keyId.length), keyId);
  parts.push(body.subarray(f.signedAt, f.signedAt + 8));
  parts.push(u32(f.payloadLen), body.subarray(f.payloadAt, f.payloadAt + f.payloadLen));
  return Buffer.concat(parts);
}

// What a primary's operator could do to its own file: rewrite record `seq`'s
// payload (same length), re-sign it with the operator key, and re-chain every
// record after it (new previous-hashes and CRCs), all in place.
function rewriteAndRechain(dataDir, seq, edit) {
  const path = join(dataDir, 'ledger', 'ledger.qlg');
  const buf = readFileSync(path);
  const fr = frames(buf);
  const lines = readFileSync(join(dataDir, 'ledger', 'operator.key'), 'utf8').split('\n');
  const seed = Buffer.from(lines[2], 'base64url');
  const opKey = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const target = fr[seq - 1];
  const f = parseBody(target.body);
  assert.equal(f.keyId, lines[1], 'the rewritten record is the operator\'s own');
  const payload = target.body.subarray(f.payloadAt, f.payloadAt + f.payloadLen);
  const edited = Buffer.from(edit(payload.toString()));
  assert.equal(edited.length, payload.length);
  edited.copy(target.body, f.payloadAt);
  sign(null, signingInput(target.body, f), opKey).copy(target.body, f.sigAt);
  let prev = null;
  for (let i = seq - 1; i < fr.length; i++) {
    const { offset, body } = fr[i];
    if (prev) prev.copy(body, 1 + 8 + 8);
    buf.writeUInt32LE(crc32(body), offset + 4);
    prev = createHash('sha256').update(body).digest();
  }
  writeFileSync(path, buf);
}

function flipByte(dataDir, seq) {
  const path = join(dataDir, 'ledger', 'ledger.qlg');
  const buf = readFileSync(path);
  const f = frames(buf)[seq - 1];
  const at = f.offset + 8 + parseBody(f.body).payloadAt + 5;
  buf[at] ^= 0x04;
  writeFileSync(path, buf);
}

function verify(file) {
  const r = spawnSync(quellBin, ['ledger', 'verify', '--file', file], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

async function replica(primary, dir, token, operatorKey) {
  const config = join(dir, 'quell.toml');
  writeFileSync(config, `[ledger]
follow = "${primary.url}"
follow_token = "${token}"
operator_key = "${operatorKey}"
sync_interval = "200ms"
audit_interval = "1s"
`);
  const server = await startServer({ dataDir: dir, args: ['--config', config] });
  const analyst = key(dir, 'analyst', 'Second Agency');
  return { server, analyst };
}

test('complaint → traceback through three carriers → sanction → blocked → ledger verified on a replica; rewrites caught', { timeout: 150000 }, async () => {
  const dirs = ['a', 'b', 'c'].map((n) => mkdtempSync(join(tmpdir(), `quell-e2e-enforce-${n}-`)));
  const servers = [];
  try {
    const primary = await startServer({ demo: true, dataDir: dirs[0] });
    servers.push(primary);
    const analyst = key(dirs[0], 'analyst', 'Demo Communications Authority');
    const telecom = key(dirs[0], 'carrier', 'Demo Telecom');
    const transit = key(dirs[0], 'carrier', 'Demo Transit Networks');
    const mobile = key(dirs[0], 'carrier', 'Demo Mobile');
    const caller = '+8617066660001';
    const callee = '+8613800138000';
    const callTime = new Date(Date.now() - 3600e3).toISOString().replace(/\.\d+Z$/, 'Z');

    // 1. A complaint.
    const report = await call(primary, 'POST', '/api/v1/reports', analyst, {
      caller, callee, time: callTime, kind: 'fraud', description: 'Claimed to be my bank and asked for a code',
    });
    assert.ok([200, 201].includes(report.status), report.text);
    const reportId = report.json.report.id;

    // 2. Traceback: Demo Telecom (terminating) → Demo Transit Networks (answers
    //    from the CDRs it submitted: ingress trunk DM-GW-01 is Demo Mobile's) →
    //    Demo Mobile, the origin, names its customer.
    const cdrs = await call(primary, 'POST', '/api/v1/traceback/cdrs', transit,
      `time,caller,callee,trunk\n${callTime},${caller},${callee},DM-GW-01\n`, 'text/csv');
    assert.equal(cdrs.status, 200, cdrs.text);
    const opened = await call(primary, 'POST', '/api/v1/traceback', analyst, {
      caller, callee, call_time: callTime, campaign: 'bank impersonation (e2e)',
      terminating: 'Demo Telecom', source: { kind: 'complaint', id: reportId },
    });
    assert.equal(opened.status, 201, opened.text);
    const caseId = opened.json.id;
    const queue = await call(primary, 'GET', '/api/v1/traceback/requests', telecom);
    const req1 = queue.json.requests.find((r) => r.case_id === caseId);
    assert.ok(req1, queue.text);
    // Another carrier cannot answer Demo Telecom's request.
    assert.equal((await call(primary, 'POST', `/api/v1/traceback/requests/${req1.id}/answer`, mobile,
      { answer: 'not_found' })).status, 404);
    const a1 = await call(primary, 'POST', `/api/v1/traceback/requests/${req1.id}/answer`, telecom,
      { answer: 'upstream', upstream: 'Demo Transit Networks', note: 'interconnect 4' });
    assert.equal(a1.status, 200, a1.text);
    const mobileQueue = await call(primary, 'GET', '/api/v1/traceback/requests', mobile);
    const req3 = mobileQueue.json.requests.find((r) => r.case_id === caseId);
    assert.ok(req3, 'the transit hop answered itself from its CDRs: ' + mobileQueue.text);
    const a3 = await call(primary, 'POST', `/api/v1/traceback/requests/${req3.id}/answer`, mobile, {
      answer: 'origin',
      customer: { name: 'Demo Shenzhen Consulting Co., Ltd.', credit_code: '91440300MA5FDEM01B', account: 'SIP trunk DM-ENT-0042' },
    });
    assert.equal(a3.status, 200, a3.text);
    const tbCase = (await call(primary, 'GET', `/api/v1/traceback/${caseId}`, analyst)).json;
    assert.equal(tbCase.state, 'origin_found');
    assert.deepEqual(tbCase.path, ['Demo Telecom', 'Demo Transit Networks', 'Demo Mobile']);
    assert.equal(tbCase.hops[1].automatic, true);
    assert.ok(tbCase.ledger_seq > 0);

    // 3. A sanction on the calling number, in the ledger.
    const sanction = await call(primary, 'POST', '/api/v1/sanctions', analyst, {
      measure: 'number_block', entity_name: 'Demo Shenzhen Consulting Co., Ltd.',
      credit_code: '91440300MA5FDEM01B', numbers: [caller],
      legal_basis: '通信短信息和语音呼叫服务管理规定', reason: `traceback case ${caseId}`,
    });
    assert.equal(sanction.status, 201, sanction.text);
    const sanctionSeq = sanction.json.ledger_seq;
    assert.ok(sanctionSeq > tbCase.ledger_seq);

    // 4. The screening pipeline blocks it.
    const verdict = await call(primary, 'POST', '/api/v1/screen', telecom, { caller, callee });
    assert.equal(verdict.status, 200, verdict.text);
    assert.equal(verdict.json.action, 'block');
    assert.equal(verdict.json.rule, 'sanctioned');

    // 5. A replica on its own data directory verifies and holds the same ledger.
    const keys = (await call(primary, 'GET', '/api/v1/ledger/keys')).json;
    const head = (await call(primary, 'GET', '/api/v1/ledger/head', analyst)).json;
    const r1 = await replica(primary, dirs[1], analyst, keys.operator_key);
    servers.push(r1.server);
    await until('the replica to catch up', async () => {
      const st = (await call(r1.server, 'GET', '/api/v1/ledger/replica', r1.analyst)).json;
      return st.replica_head.seq >= head.seq && st.audited_upto >= head.seq;
    });
    const st1 = (await call(r1.server, 'GET', '/api/v1/ledger/replica', r1.analyst)).json;
    assert.equal(st1.diverged, null);
    const replicaFile = join(dirs[1], 'ledger', 'ledger.qlg');
    const v1 = verify(replicaFile);
    assert.equal(v1.code, 0, v1.out);
    assert.match(v1.out, new RegExp(`head ${st1.replica_head.seq} ${st1.replica_head.hash}`));

    // 6. The primary's operator rewrites the sanction's record and re-chains
    //    the rest. Its own file still verifies — only a replica can tell.
    const primaryFile = join(dirs[0], 'ledger', 'ledger.qlg');
    rewriteAndRechain(dirs[0], sanctionSeq, (p) => p.replace('number_block', 'number_bl0ck'));
    assert.equal(verify(primaryFile).code, 0);
    const diverged = await until('the replica to see the rewrite', async () => {
      const st = (await call(r1.server, 'GET', '/api/v1/ledger/replica', r1.analyst)).json;
      return st.diverged;
    });
    assert.equal(diverged.seq, sanctionSeq, JSON.stringify(diverged));
    assert.equal(verify(replicaFile).code, 0, 'the replica kept the original');

    // 7. A fresh replica takes the rewritten history; then a byte flips on the
    //    primary's disk in record 3 (Demo Telecom's, signed with its own key).
    const r2 = await replica(primary, dirs[2], analyst, keys.operator_key);
    servers.push(r2.server);
    const head2 = (await call(primary, 'GET', '/api/v1/ledger/head', analyst)).json;
    await until('the second replica to catch up', async () => {
      const st = (await call(r2.server, 'GET', '/api/v1/ledger/replica', r2.analyst)).json;
      return st.replica_head.seq >= head2.seq;
    });
    flipByte(dirs[0], 3);
    const flipped = await until('the audit to see the flipped byte', async () => {
      const st = (await call(r2.server, 'GET', '/api/v1/ledger/replica', r2.analyst)).json;
      return st.diverged;
    });
    assert.equal(flipped.seq, 3, JSON.stringify(flipped));
    const v3 = verify(primaryFile);
    assert.equal(v3.code, 1);
    assert.match(v3.out, /BAD: record 3: CRC mismatch/);
  } finally {
    for (const s of servers.reverse()) await s.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});
