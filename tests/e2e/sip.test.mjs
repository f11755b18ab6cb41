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
    server = await startServer();
    assert.ok(server.sip, 'the server prints its SIP ports');
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
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

  test('UDP: retransmitted INVITEs get the same answer and are screened once', { timeout: 90000 }, async () => {
    const screened = await metricWithLabels('quell_screen_decisions_total', 'action="allow"');
    const retransmitted = await metric('quell_sip_retransmissions_total');
    await sippCall('retransmit.xml', { calls: 10, seconds: 40 });
    const after = await metricWithLabels('quell_screen_decisions_total', 'action="allow"');
    assert.equal(after - screened, 10, 'each call screened once, however often it was sent');
    const seen = await metric('quell_sip_retransmissions_total') - retransmitted;
    test.diagnostic?.(`retransmissions answered from the cache: ${seen}`);

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
// each INVITE, follows the 302 to the called party (a sipp UAS) carrying Quell's
// headers, relays refusals to the caller, and fails open when Quell answers 503
// or not at all.
const kamailio = which('kamailio');
const KAMAILIO_CFG = join(import.meta.dirname, '..', '..', 'docs', 'kamailio', 'quell-screening.cfg');
const FORGED_IDENTITY = 'eyJhbGciOiJFUzI1NiIsInBwdCI6InNoYWtlbiIsInR5cCI6InBhc3Nwb3J0In0.e30.c2ln' +
  ';info=<https://cr.example.net/sp.pem>;alg=ES256;ppt=shaken';

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

  async function startKamailio(name, quellUri, calleePort) {
    const port = await freePort('udp');
    const kdir = join(dir, name);
    mkdirSync(kdir);
    const defines = [`SIP_PORT=${port}`, `QUELL_URI="${quellUri}"`, `CALLEE_URI="sip:127.0.0.1:${calleePort}"`,
      'QUELL_TIMEOUT=800'];
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
    const uas = await startDaemon(`sipp ${name}`, sipp,
      ['-sf', join(scenarios, 'kuas.xml'), '-i', '127.0.0.1', '-p', String(port), '-m', String(calls), '-nostdin',
       '-timeout', '60s', '-timeout_error', '-trace_logs', '-log_file', log,
       '-trace_err', '-error_file', join(dir, `${name}.err`)],
      { cwd: dir, ready: () => udpBound(port), maxSeconds: 90 });
    daemons.push(uas);
    const read = (f) => { try { return readFileSync(f, 'utf8'); } catch { return ''; } };
    return { port, uas, log: () => read(log) + read(join(dir, `${name}.err`)) };
  }

  test('spam never reaches the called party; clean calls do, with verstat and label', { timeout: 120000 }, async () => {
    const callee = await startCallee('callee', 2);
    const { port, k } = await startKamailio('k1', `sip:127.0.0.1:${quellServer.sip.udp}`, callee.port);
    try {
      // An invalid caller: Quell refuses, Kamailio relays the 608 to the caller.
      await sippCall('kuac-reject.xml', { port, keys: { caller: '+8612345', callee: '+8613900139000', expect: '608' } });
      // A clean caller: routed to the called party with its verstat.
      await sippCall('kuac-ok.xml', { port, keys: { caller: '+8613800138000', callee: '+8613900139000', extra: '' } });
      // A forged PASSporT: routed, with verstat failed and Quell's label.
      await sippCall('kuac-ok.xml', { port,
        keys: { caller: '+8613912345678', callee: '+8613900139000', extra: `Identity: ${FORGED_IDENTITY}\n` } });
      assert.equal(await within(callee.uas.exited, 20000), 0, `called party: ${callee.log()}\n${k.output()}`);
    } catch (e) {
      e.message += `\nkamailio:\n${k.output()}\ncalled party:\n${callee.log()}`;
      throw e;
    }
    const calls = callee.log().split('\n').filter((l) => l.startsWith('CALL '));
    assert.equal(calls.length, 2, callee.log());
    assert.ok(!calls.some((l) => l.includes('+8612345')), 'the spam call rang the called party');
    // kuas.xml logs "CALL <From> | PAI <value> | LABEL <value>" (empty when absent).
    assert.match(calls[0], /\+8613800138000.*\| PAI\s+<tel:\+8613800138000;verstat=No-TN-Validation>\s+\| LABEL\s*$/);
    assert.match(calls[1], /\| PAI\s+<tel:\+8613912345678;verstat=TN-Validation-Failed>\s+\|/);
    assert.match(calls[1], /\| LABEL\s+"主叫号码验证失败";rule=verification-failed\s*$/);
  });

  test('fail-open: calls go through when Quell answers 503 or not at all', { timeout: 120000 }, async () => {
    // A stand-in for an overloaded, then a silent, Quell.
    const fake = dgram.createSocket('udp4');
    let mode = '503';
    fake.on('message', (m, rinfo) => {
      const text = m.toString();
      if (mode !== '503' || !text.startsWith('INVITE ')) return;
      const keep = text.split('\r\n').filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l))
        .map((l) => (/^To:/i.test(l) ? `${l};tag=busy` : l));
      const reply = ['SIP/2.0 503 Service Unavailable', ...keep, 'Retry-After: 5', 'Content-Length: 0', '', ''].join('\r\n');
      fake.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise((r) => fake.bind(0, '127.0.0.1', r));
    const callee = await startCallee('callee-open', 2);
    const { port, k } = await startKamailio('k2', `sip:127.0.0.1:${fake.address().port}`, callee.port);
    try {
      await sippCall('kuac-ok.xml', { port, keys: { caller: '+8612345', callee: '+8613900139000', extra: '' } });
      mode = 'silent';
      const started = Date.now();
      await sippCall('kuac-ok.xml', { port, keys: { caller: '+8612345', callee: '+8613900139001', extra: '' } });
      assert.ok(Date.now() - started >= 700, 'the silent Quell was waited for (QUELL_TIMEOUT)');
      assert.equal(await within(callee.uas.exited, 20000), 0, callee.log());
    } catch (e) {
      e.message += `\nkamailio:\n${k.output()}\ncalled party:\n${callee.log()}`;
      throw e;
    } finally {
      fake.close();
    }
    const calls = callee.log().split('\n').filter((l) => l.startsWith('CALL '));
    assert.equal(calls.length, 2, callee.log());
    // Unscreened: no verdict travels with them.
    assert.ok(calls.every((l) => /\| PAI\s+\| LABEL\s*$/.test(l)), calls.join('\n'));
    assert.match(k.output(), /routing it unscreened/);
  });
});
