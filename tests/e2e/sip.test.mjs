// The SIP screening front with a real peer: sipp over UDP and TCP against
// `quell serve --demo` — an allowed call redirected to its own target, a blocked
// one rejected with 608 and its Reason, OPTIONS, retransmissions answered from
// the transaction cache — and malformed datagrams from a plain socket; then
// Kamailio in front of Quell with the shipped configuration.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './lib/server.mjs';
import { which, run, startDaemon, freePort, sipPing, udpBound, within } from './lib/peers.mjs';

const scenarios = join(import.meta.dirname, 'sip');
const sipp = which('sipp');
let server;
let configDir;
// Scenario copies and sipp's error files, for every test of this file.
const work = mkdtempSync(join(tmpdir(), 'quell-sip-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function metric(name) {
  const text = await (await fetch(server.url + 'metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line ? Number(line.split(' ').pop()) : 0;
}

async function metricWithLabels(name, labels) {
  const text = await (await fetch(server.url + 'metrics')).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

// Runs sipp as a UAC; resolves to its result, asserting it exited 0. `keys`
// fill the scenario's own [placeholders] (sipp's -key reaches message text
// only, not attributes such as response="...").
let runs = 0;
async function sippCall(scenario, { transport = 'u1', calls = 1, keys = {}, seconds = 15, port } = {}) {
  port ??= transport === 'u1' ? server.sip.udp : server.sip.tcp;
  let xml = readFileSync(join(scenarios, scenario), 'utf8');
  // Attribute values need '<' escaped; message text (CDATA) is taken as it is.
  const attributes = new Set(['expect', 'header', 'pattern']);
  for (const [k, v] of Object.entries(keys)) {
    xml = xml.replaceAll(`[${k}]`, attributes.has(k) ? v.replaceAll('<', '&lt;') : v);
  }
  const file = join(work, `${++runs}-${scenario}`);
  writeFileSync(file, xml);
  const args = ['-sf', file, `127.0.0.1:${port}`, '-t', transport, '-m', String(calls),
    '-r', '20', '-nostdin', '-timeout', `${seconds}s`, '-timeout_error', '-trace_err',
    '-error_file', join(work, `${scenario}-${transport}.err`), '-i', '127.0.0.1', '-p', '0'];
  const r = await run(sipp, args, { timeoutMs: (seconds + 15) * 1000, cwd: work });
  let errors = '';
  try { errors = readFileSync(join(work, `${scenario}-${transport}.err`), 'utf8'); } catch { /* none */ }
  assert.equal(r.code, 0, `sipp ${scenario} ${transport} exit ${r.code}\n${r.out}\n${r.err}\n${errors}`);
  return r;
}

describe('SIP screening front (sipp)', { skip: sipp ? false : 'sipp is not installed' }, () => {
  before(async () => {
    // Not --demo: its simulated calls would move the counters these tests read.
    // sipp's scenarios place dozens of calls a minute from one number to one
    // number — call bombing to the detection engine, whose finding would refuse
    // them; the test line is on the allow-list, as a carrier's test lines are.
    configDir = mkdtempSync(join(tmpdir(), 'quell-sip-e2e-'));
    writeFileSync(join(configDir, 'quell.toml'), '[detect]\nallow = ["+8613800138000"]\n');
    server = await startServer({ args: ['--config', join(configDir, 'quell.toml')] });
    assert.ok(server.sip, 'the server prints its SIP ports');
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  for (const transport of ['u1', 't1']) {
    const name = transport === 'u1' ? 'UDP' : 'TCP';
    test(`${name}: a clean call is redirected to its own target`, { timeout: 40000 }, async () => {
      await sippCall('uac.xml', {
        transport, calls: 3,
        keys: { caller: '+8613800138000', callee: '+8613900139000', expect: '302',
                header: 'Contact:', pattern: '<sip:\\+8613900139000@carrier\\.example\\.net>' },
      });
    });
    test(`${name}: an invalid caller is rejected with 608 and its reason`, { timeout: 40000 }, async () => {
      await sippCall('uac.xml', {
        transport, calls: 3,
        keys: { caller: '+8612345', callee: '+8613900139000', expect: '608',
                header: 'Reason:', pattern: 'SIP;cause=608;text=' },
      });
    });
    test(`${name}: OPTIONS is answered 200 with Allow`, { timeout: 40000 }, async () => {
      await sippCall('options.xml', { transport });
    });
  }

  test('UDP: emergency numbers pass whatever the caller', { timeout: 40000 }, async () => {
    await sippCall('uac.xml', {
      keys: { caller: '+8612345', callee: '110', expect: '302', header: 'Contact:', pattern: '<sip:110@' },
    });
  });

  test('UDP: retransmitted INVITEs get the same answer and are screened once', { timeout: 90000 }, async (t) => {
    const screened = await metricWithLabels('quell_screen_decisions_total', 'action="allow"');
    const retransmitted = await metric('quell_sip_retransmissions_total');
    await sippCall('retransmit.xml', { calls: 10, seconds: 40 });
    const after = await metricWithLabels('quell_screen_decisions_total', 'action="allow"');
    assert.equal(after - screened, 10, 'each call screened once, however often it was sent');
    const seen = await metric('quell_sip_retransmissions_total') - retransmitted;
    t.diagnostic(`retransmissions answered from the cache: ${seen}`);

    // Byte for byte: the same INVITE twice from a plain socket.
    const sock = dgram.createSocket('udp4');
    const replies = [];
    sock.on('message', (m) => replies.push(m.toString()));
    await new Promise((r) => sock.bind(0, '127.0.0.1', r));
    const invite = 'INVITE sip:+8613900139000@x SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-twice\r\n' +
      'From: <sip:+8613800138000@x>;tag=1\r\nTo: <sip:+8613900139000@x>\r\nCall-ID: twice-1\r\n' +
      'CSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n';
    for (let i = 0; i < 2; ++i) {
      await new Promise((r) => sock.send(Buffer.from(invite), server.sip.udp, '127.0.0.1', r));
      const deadline = Date.now() + 5000;
      while (replies.length <= i && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    }
    sock.close();
    assert.equal(replies.length, 2);
    assert.match(replies[0], /^SIP\/2\.0 302 .*\r\nTo: <sip:\+8613900139000@x>;tag=[0-9a-f]{16}\r\n/s);
    assert.equal(replies[1], replies[0]);
    assert.equal(await metricWithLabels('quell_screen_decisions_total', 'action="allow"') - after, 1);
  });

  test('UDP: garbage is dropped, a bad request gets 400 with its reason', { timeout: 20000 }, async () => {
    const sock = dgram.createSocket('udp4');
    const replies = [];
    sock.on('message', (m) => replies.push(m.toString()));
    await new Promise((r) => sock.bind(0, '127.0.0.1', r));
    const send = (text) => new Promise((r) => sock.send(Buffer.from(text), server.sip.udp, '127.0.0.1', r));
    const droppedBefore = await metricWithLabels('quell_sip_dropped_total', 'reason="garbage"');
    await send('\x00\x01\x02 this is not SIP');
    await send('INVITE sip:+8613900139000@x SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-bad\r\n' +
               'From: <sip:+8613800138000@x>;tag=1\r\nTo: <sip:+8613900139000@x>\r\nCall-ID: bad-1\r\n' +
               'CSeq: 1 INVITE\r\nMax-Forwards: many\r\nContent-Length: 0\r\n\r\n');
    const deadline = Date.now() + 5000;
    while (replies.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));  // a reply to the garbage would have come by now
    sock.close();
    assert.equal(replies.length, 1, replies.join('\n---\n'));
    assert.match(replies[0], /^SIP\/2\.0 400 .*Max-Forwards/);
    assert.equal(await metricWithLabels('quell_sip_dropped_total', 'reason="garbage"') - droppedBefore, 1);
  });
});

// Kamailio (Debian's package) as the carrier's proxy in front of Quell, with the
// configuration shipped in docs/kamailio/quell-screening.cfg: it asks Quell about
// each INVITE (with X-Quell-Direction and X-Quell-Trunk on that branch only, after
// dropping any X-Quell-* header the caller sent), follows the 302 to the called
// party (a sipp UAS) carrying Quell's headers, relays refusals to the caller,
// fails open on any other answer or none, and routes emergency calls without
// asking.
const kamailio = which('kamailio');
const KAMAILIO_CFG = join(import.meta.dirname, '..', '..', 'docs', 'kamailio', 'quell-screening.cfg');
const FORGED_IDENTITY = 'eyJhbGciOiJFUzI1NiIsInBwdCI6InNoYWtlbiIsInR5cCI6InBhc3Nwb3J0In0.e30.c2ln' +
  ';info=<https://cr.example.net/sp.pem>;alg=ES256;ppt=shaken';
// Headers only Quell and the proxy may set, as a caller would forge them
// (odd case on purpose: header names are case-insensitive).
const FORGED_QUELL_HEADERS = 'X-Quell-Direction: originating\nx-quell-trunk: demo-intl-gw\n' +
  'X-QUELL-CUSTOMER: victim-corp\nX-Quell-Label: "verified";rule=forged\n';
const QUELL_ONLY = ['X-Quell-Direction', 'X-Quell-Trunk', 'X-Quell-Customer'];

// The values of header `name` (case-insensitive) in a SIP message's text.
function headerValues(text, name) {
  const head = text.split(/\r?\n\r?\n/)[0];
  return head.split(/\r?\n/).slice(1)
    .filter((l) => l.slice(0, l.indexOf(':')).trim().toLowerCase() === name.toLowerCase())
    .map((l) => l.slice(l.indexOf(':') + 1).trim());
}

// kuas.xml's log lines, one per call that reached the called party.
function calleeCalls(log) {
  return log.split('\n').filter((l) => l.startsWith('CALL ')).map((line) => {
    const m = line.match(/^CALL (.*?) \| PAI (.*?) \| DIR (.*?) \| TRUNK (.*?) \| CUSTOMER (.*?) \| LABEL (.*)$/);
    assert.ok(m, `unexpected called-party log line: ${line}`);
    const [from, pai, dir, trunk, customer, label] = m.slice(1).map((v) => v.trim());
    return { line, from, pai, dir, trunk, customer, label };
  });
}

// The INVITEs in a sipp -trace_msg file that sipp received (retransmissions too).
function receivedInvites(messages) {
  return messages.split(/^-{20,}.*$/m)
    .map((block) => block.match(/^\s*\S+ message received[^\n]*\n\s*\n([\s\S]*)$/))
    .filter((m) => m && m[1].startsWith('INVITE '))
    .map((m) => m[1]);
}

// What the called party got holds none of the headers meant for Quell, in any
// letter case, however often the caller sent them.
function assertNoQuellHeaders(calls, invites) {
  assert.ok(invites.length >= calls.length, `${invites.length} INVITEs traced for ${calls.length} calls`);
  for (const c of calls) {
    assert.deepEqual([c.dir, c.trunk, c.customer], ['', '', ''],
      `X-Quell-Direction/-Trunk/-Customer reached the called party: ${c.line}`);
  }
  for (const invite of invites) {
    for (const h of QUELL_ONLY) assert.deepEqual(headerValues(invite, h), [], `${h} reached the called party:\n${invite}`);
  }
}

// A stand-in for Quell's SIP front that records the INVITEs it gets and answers
// each with `mode` (a status line), or not at all ('silent').
async function startFakeQuell() {
  const sock = dgram.createSocket('udp4');
  const fake = { mode: 'silent', invites: [], port: 0, close: () => sock.close() };
  sock.on('message', (m, rinfo) => {
    const text = m.toString();
    if (!text.startsWith('INVITE ')) return;
    fake.invites.push(text);
    if (fake.mode === 'silent') return;
    const code = Number(fake.mode.slice(0, 3));
    const keep = text.split('\r\n').filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l))
      .map((l) => (/^To:/i.test(l) ? `${l};tag=fake` : l));
    const extra = code === 503 ? ['Retry-After: 5'] : code >= 600 ? [`Reason: SIP;cause=${code};text="fake"`] : [];
    const reply = [`SIP/2.0 ${fake.mode}`, ...keep, ...extra, 'Content-Length: 0', '', ''].join('\r\n');
    sock.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise((r) => sock.bind(0, '127.0.0.1', r));
  fake.port = sock.address().port;
  return fake;
}

describe('Kamailio in front of Quell', { skip: kamailio && sipp ? false : 'kamailio or sipp is missing' }, () => {
  let quellServer;
  let dir;
  const daemons = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quell-kam-'));
    // --demo: verification is on (the demo trusts its own CA), so verstat is set.
    quellServer = await startServer({ demo: true });
  });
  after(async () => {
    for (const d of daemons.reverse()) await d.stop();
    if (quellServer) assert.equal(await quellServer.stop(), 0);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function startKamailio(name, quellUri, calleePort, { timeout = 800, direction } = {}) {
    const port = await freePort('udp');
    const kdir = join(dir, name);
    mkdirSync(kdir);
    const defines = [`SIP_PORT=${port}`, `QUELL_URI="${quellUri}"`, `CALLEE_URI="sip:127.0.0.1:${calleePort}"`,
      `QUELL_TIMEOUT=${timeout}`, ...(direction ? [`DIRECTION="${direction}"`] : [])];
    const args = ['-f', KAMAILIO_CFG, ...defines.flatMap((d) => ['-A', d])];
    const check = await run(kamailio, ['-c', ...args], { timeoutMs: 15000 });
    assert.equal(check.code, 0, `kamailio -c: ${check.out}${check.err}`);
    const k = await startDaemon(`kamailio ${name}`, kamailio,
      ['-DD', '-E', '-m', '32', '-M', '4', '-Y', kdir, '-P', join(kdir, 'kamailio.pid'), '-w', kdir, ...args],
      { cwd: kdir, ready: () => sipPing(port), maxSeconds: 80 });
    daemons.push(k);
    return { port, k };
  }

  async function startCallee(name, calls) {
    const port = await freePort('udp');
    const log = join(dir, `${name}.log`);
    const messages = join(dir, `${name}.msg`);
    const uas = await startDaemon(`sipp ${name}`, sipp,
      ['-sf', join(scenarios, 'kuas.xml'), '-i', '127.0.0.1', '-p', String(port), '-m', String(calls), '-nostdin',
       '-timeout', '60s', '-timeout_error', '-trace_logs', '-log_file', log, '-trace_msg', '-message_file', messages,
       '-trace_err', '-error_file', join(dir, `${name}.err`)],
      { cwd: dir, ready: () => udpBound(port), maxSeconds: 90 });
    daemons.push(uas);
    const read = (f) => { try { return readFileSync(f, 'utf8'); } catch { return ''; } };
    return { port, uas, log: () => read(log) + read(join(dir, `${name}.err`)), invites: () => receivedInvites(read(messages)) };
  }

  // A call through Kamailio that must reach the called party (kuac-ok.xml);
  // resolves to how long it took, in ms.
  async function answeredCall(port, { caller, callee, ruri = `sip:${callee}@carrier.example.net`, extra = '' }) {
    const started = Date.now();
    await sippCall('kuac-ok.xml', { port, keys: { caller, ruri, extra } });
    return Date.now() - started;
  }

  // Runs a test's calls; on failure, adds what Kamailio and the called party
  // logged to the error. `cleanup` runs either way.
  async function withLogs(k, callee, calls, cleanup = () => {}) {
    try {
      await calls();
    } catch (e) {
      e.message += `\nkamailio:\n${k.output()}\ncalled party:\n${callee.log()}`;
      throw e;
    } finally {
      cleanup();
    }
  }

  test('spam never reaches the called party; clean calls do, with verstat and label', { timeout: 120000 }, async () => {
    const callee = await startCallee('callee', 2);
    const { port, k } = await startKamailio('k1', `sip:127.0.0.1:${quellServer.sip.udp}`, callee.port);
    await withLogs(k, callee, async () => {
      // An invalid caller: Quell refuses, Kamailio relays the 608 to the caller.
      await sippCall('kuac-reject.xml', { port, keys: { caller: '+8612345', callee: '+8613900139000', expect: '608' } });
      // A clean caller, its number asserted by the network, and X-Quell-* headers
      // it forged (originating, an international trunk, a label): routed to the
      // called party with its verstat, as a terminating call, without the forgeries.
      await answeredCall(port, { caller: '+8613800138000', callee: '+8613900139000',
        extra: `P-Asserted-Identity: <sip:+8613800138000@127.0.0.1>\n${FORGED_QUELL_HEADERS}` });
      // A forged PASSporT: routed, with verstat failed and Quell's label.
      await answeredCall(port, { caller: '+8613912345678', callee: '+8613900139000',
        extra: `P-Asserted-Identity: <sip:+8613912345678@127.0.0.1>\nIdentity: ${FORGED_IDENTITY}\n` });
      assert.equal(await within(callee.uas.exited, 20000), 0, `called party: ${callee.log()}\n${k.output()}`);
    });
    const calls = calleeCalls(callee.log());
    assert.equal(calls.length, 2, callee.log());
    assert.ok(!calls.some((c) => c.line.includes('+8612345')), 'the spam call rang the called party');
    // Quell's P-Asserted-Identity replaces the caller's, with verstat (not signed:
    // the forged X-Quell-Direction did not make it an originating call).
    assert.match(calls[0].from, /\+8613800138000/);
    assert.match(calls[0].pai, /^<(tel|sip):\+8613800138000;verstat=No-TN-Validation[>@]/);
    const invites = callee.invites();
    const clean = invites.filter((i) => i.includes('+8613800138000'));
    assert.ok(clean.length >= 1, invites.join('\n'));
    for (const i of clean) {
      assert.deepEqual([...headerValues(i, 'Identity'), ...headerValues(i, 'y')], [],
        `Quell signed a call whose caller forged X-Quell-Direction: originating:\n${i}`);
      assert.deepEqual(headerValues(i, 'X-Quell-Label'), [], `the caller's forged X-Quell-Label reached the called party:\n${i}`);
      assert.equal(headerValues(i, 'P-Asserted-Identity').length, 1, i);
    }
    assert.equal(calls[0].label, '');
    assert.match(calls[1].pai, /^<(tel|sip):\+8613912345678;verstat=TN-Validation-Failed[>@]/);
    assert.equal(calls[1].label, '"主叫号码验证失败";rule=verification-failed');
    assertNoQuellHeaders(calls, invites);
  });

  test('fail-open: calls go through when Quell answers 503, 500, 416 or not at all; its refusals are relayed',
    { timeout: 120000 }, async () => {
    const fake = await startFakeQuell();
    const callee = await startCallee('callee-open', 4);
    const { port, k } = await startKamailio('k2', `sip:127.0.0.1:${fake.port}`, callee.port);
    await withLogs(k, callee, async () => {
      // Overloaded (the caller forged X-Quell-* headers on this one).
      fake.mode = '503 Service Unavailable';
      await answeredCall(port, { caller: '+8612345', callee: '+8613900139000', extra: FORGED_QUELL_HEADERS });
      // Answers that are not verdicts: routed as well.
      fake.mode = '500 Server Internal Error';
      await answeredCall(port, { caller: '+8612345', callee: '+8613900139001' });
      fake.mode = '416 Unsupported URI Scheme';
      await answeredCall(port, { caller: '+8612345', callee: '+8613900139002' });
      // A refusal Quell's policy can give: relayed, the called party never rings.
      fake.mode = '603 Decline';
      await sippCall('kuac-reject.xml', { port, keys: { caller: '+8612345', callee: '+8613900139009', expect: '603' } });
      // Silent.
      fake.mode = 'silent';
      const elapsed = await answeredCall(port, { caller: '+8612345', callee: '+8613900139003' });
      assert.ok(elapsed >= 700, `the silent Quell was waited for (QUELL_TIMEOUT): ${elapsed} ms`);
      assert.equal(await within(callee.uas.exited, 20000), 0, callee.log());
    }, () => fake.close());
    const calls = calleeCalls(callee.log());
    assert.equal(calls.length, 4, callee.log());
    assert.ok(!calls.some((c) => c.line.includes('+8613900139009')), 'the refused call rang the called party');
    // Unscreened: no verdict travels with them, nor what was meant for Quell.
    assert.ok(calls.every((c) => c.pai === '' && c.label === ''), calls.map((c) => c.line).join('\n'));
    assertNoQuellHeaders(calls, callee.invites());
    assert.match(k.output(), /routing it unscreened/);
    // What Quell was told: Kamailio's direction and the caller's address as the
    // trunk, once each; nothing the caller forged.
    assert.ok(fake.invites.length >= 5, `Quell got ${fake.invites.length} INVITEs`);
    for (const invite of fake.invites) {
      assert.deepEqual(headerValues(invite, 'X-Quell-Direction'), ['terminating'], invite);
      assert.deepEqual(headerValues(invite, 'X-Quell-Trunk'), ['127.0.0.1'], invite);
      assert.deepEqual(headerValues(invite, 'X-Quell-Customer'), [], invite);
      assert.deepEqual(headerValues(invite, 'X-Quell-Label'), [], invite);
    }
  });

  test('emergency calls are routed at once, without asking Quell', { timeout: 60000 }, async (t) => {
    // A silent Quell and a long QUELL_TIMEOUT: a call that waited for Quell
    // would take 3 s.
    const fake = await startFakeQuell();
    const targets = [{ callee: '110' }, { callee: '+86120' }, { callee: '86119' },
      { ruri: 'urn:service:sos' }, { ruri: 'urn:service:sos.police' }];
    const callee = await startCallee('callee-sos', targets.length);
    const { port, k } = await startKamailio('k3', `sip:127.0.0.1:${fake.port}`, callee.port, { timeout: 3000 });
    await withLogs(k, callee, async () => {
      for (const target of targets) {
        const elapsed = await answeredCall(port, { caller: '+8613800138000', ...target });
        t.diagnostic(`${target.callee ?? target.ruri}: ${elapsed} ms`);
      }
      assert.equal(await within(callee.uas.exited, 20000), 0, callee.log());
    }, () => fake.close());
    assert.equal(fake.invites.length, 0, `Quell was asked about an emergency call:\n${fake.invites.join('\n')}`);
    const calls = calleeCalls(callee.log());
    assert.equal(calls.length, targets.length, callee.log());
    assertNoQuellHeaders(calls, callee.invites());
  });

  test('originating: a PASSporT the subscriber brought is removed before Quell signs', { timeout: 60000 }, async () => {
    const fake = await startFakeQuell();
    fake.mode = '503 Service Unavailable';  // so the calls go on, to show what the called party gets
    const callee = await startCallee('callee-orig', 2);
    const { port, k } = await startKamailio('k4', `sip:127.0.0.1:${fake.port}`, callee.port,
      { direction: 'originating' });
    await withLogs(k, callee, async () => {
      await answeredCall(port, { caller: '+8613800138000', callee: '+8613900139000',
        extra: `Identity: ${FORGED_IDENTITY}\n` });
      // The compact form too (RFC 8224 §4).
      await answeredCall(port, { caller: '+8613800138000', callee: '+8613900139001',
        extra: `y: ${FORGED_IDENTITY}\n` });
      assert.equal(await within(callee.uas.exited, 20000), 0, callee.log());
    }, () => fake.close());
    assert.ok(fake.invites.length >= 2, `Quell got ${fake.invites.length} INVITEs`);
    for (const invite of fake.invites) {
      assert.deepEqual(headerValues(invite, 'X-Quell-Direction'), ['originating'], invite);
      assert.deepEqual([...headerValues(invite, 'Identity'), ...headerValues(invite, 'y')], [], invite);
    }
    const calls = calleeCalls(callee.log());
    assert.equal(calls.length, 2, callee.log());
    const invites = callee.invites();
    for (const i of invites) assert.deepEqual([...headerValues(i, 'Identity'), ...headerValues(i, 'y')], [], i);
    assertNoQuellHeaders(calls, invites);
  });
});
