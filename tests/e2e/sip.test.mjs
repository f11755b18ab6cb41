// The SIP screening front with a real peer: sipp over UDP and TCP against
// `quell serve --demo` — an allowed call redirected to its own target, a blocked
// one rejected with 608 and its Reason, OPTIONS, retransmissions answered from
// the transaction cache — and malformed datagrams from a plain socket.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './lib/server.mjs';
import { which, run } from './lib/peers.mjs';

const scenarios = join(import.meta.dirname, 'sip');
const sipp = which('sipp');
let server;
let work;

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
async function sippCall(scenario, { transport = 'u1', calls = 1, keys = {}, seconds = 15 } = {}) {
  const port = transport === 'u1' ? server.sip.udp : server.sip.tcp;
  let xml = readFileSync(join(scenarios, scenario), 'utf8');
  for (const [k, v] of Object.entries(keys)) xml = xml.replaceAll(`[${k}]`, v.replaceAll('<', '&lt;'));
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
    work = mkdtempSync(join(tmpdir(), 'quell-sip-'));
    // Not --demo: its simulated calls would move the counters these tests read.
    server = await startServer();
    assert.ok(server.sip, 'the server prints its SIP ports');
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
    if (work) rmSync(work, { recursive: true, force: true });
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
