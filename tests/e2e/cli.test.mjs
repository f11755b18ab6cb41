// The command line that scripts rely on: --help everywhere, exit codes 0 / 1 / 2,
// `create-key` printing only the key, first-start administrator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quellBin, startServer } from './lib/server.mjs';

function run(args) {
  const r = spawnSync(quellBin, args, { encoding: 'utf8', timeout: 30000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('--help on every subcommand exits 0', { timeout: 30000 }, () => {
  for (const args of [['--help'], ['serve', '--help'], ['admin', '--help'],
                      ['admin', 'create-user', '--help'], ['admin', 'create-key', '--help'],
                      ['admin', 'create-org', '--help'], ['admin', 'list-keys', '--help'],
                      ['admin', 'revoke-key', '--help'], ['admin', 'set-password', '--help'], ['admin', 'disable-user', '--help'],
                      ['shaken', '--help'], ['shaken', 'keygen', '--help'], ['shaken', 'ca', 'init', '--help'],
                      ['shaken', 'ca', 'revoke', '--help'], ['shaken', 'cert', 'issue', '--help'],
                      ['shaken', 'sign', '--help'], ['shaken', 'verify', '--help'],
                      ['shaken', 'customer', 'add', '--help'], ['shaken', 'customer', 'list', '--help'],
                      ['shaken', 'customer', 'add-range', '--help'], ['shaken', 'customer', 'remove-range', '--help'],
                      ['shaken', 'customer', 'remove', '--help']]) {
    const r = run(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
    assert.match(r.out, /Usage|usage|Options|OPTIONS/, args.join(' '));
  }
});

test('bad usage exits 2 with the reason on standard error', { timeout: 30000 }, () => {
  for (const args of [[], ['no-such-command'], ['admin', 'create-key'],
                      ['admin', 'create-key', '--role', 'pirate', '--org', 'X'],
                      ['serve', '--http', 'nonsense'], ['serve', '--sip', 'x:99999']]) {
    const r = run(args);
    assert.equal(r.code, 2, `${args.join(' ')} -> ${r.code}: ${r.err}`);
    assert.ok(r.err.length > 0, `${args.join(' ')} says why`);
  }
});

test('failures exit 1 with the reason', { timeout: 30000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'quell-cli-'));
  try {
    let r = run(['serve', '--config', join(dir, 'missing.toml'), '--data', dir]);
    assert.equal(r.code, 1);
    assert.match(r.err, /cannot open config file/);
    r = run(['admin', 'revoke-key', '--data', dir, '12345']);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /12345/);
    const bad = join(dir, 'bad.toml');
    writeFileSync(bad, '[http]\nmax_body_bytes = "big"\n');
    r = run(['admin', 'list-keys', '--data', dir, '--config', bad]);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /bad\.toml:2: 'http.max_body_bytes' must be an integer, not a string/);
    writeFileSync(bad, 'region = "XX"\n');
    r = run(['admin', 'list-keys', '--data', dir, '--config', bad]);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /bad\.toml:1: 'XX' is not a region of the numbering plan/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('create-key prints only the key; create-user prints a generated password', { timeout: 30000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'quell-cli-'));
  try {
    let r = run(['admin', 'create-key', '--data', dir, '--role', 'app', '--org', 'Example App Co']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^qk_[A-Za-z0-9]+_[A-Za-z0-9_-]+\n$/);
    r = run(['admin', 'create-user', '--data', dir, '--username', 'ops1', '--role', 'analyst',
             '--org', 'Example Authority']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^\S{16}\n$/);
    r = run(['admin', 'list-keys', '--data', dir]);
    assert.equal(r.code, 0);
    assert.match(r.out, /\tapp\tExample App Co\tactive\t/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a first start creates an administrator; set-password changes it; --demo refuses real data',
     { timeout: 60000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quell-cli-'));
  const loginAs = (url, password) => fetch(url + 'api/v1/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  try {
    let server = await startServer({ dataDir: dir });
    const m = server.output().match(/Log in as 'admin' with password: (\S+)/);
    assert.ok(m, server.output());
    let res = await loginAs(server.url, m[1]);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).user.role, 'admin');
    assert.equal(await server.stop(), 0);

    const r = run(['admin', 'set-password', '--data', dir, '--username', 'admin']);
    assert.equal(r.code, 0, r.err);
    const fresh = r.out.trim();
    server = await startServer({ dataDir: dir });
    assert.doesNotMatch(server.output(), /Log in as 'admin'/);
    assert.equal((await loginAs(server.url, m[1])).status, 401);
    assert.equal((await loginAs(server.url, fresh)).status, 200);
    assert.equal(await server.stop(), 0);

    const demo = run(['serve', '--demo', '--data', dir, '--http', '127.0.0.1:0']);
    assert.equal(demo.code, 1);
    assert.match(demo.err, /--demo refuses/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('shaken customer: the TN-ownership table from the shell, with clear refusals', { timeout: 30000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'quell-cli-'));
  try {
    const org = ['--org', 'Acme Telecom', '--data', dir];
    assert.equal(run(['admin', 'create-org', '--name', 'Acme Telecom', '--kind', 'carrier', '--data', dir]).code, 0);
    let r = run(['shaken', 'customer', 'add', '--id', 'bank', '--name', 'Bank', ...org]);
    assert.equal(r.code, 0, r.err);
    r = run(['shaken', 'customer', 'add-range', '--id', 'bank', '--first', '+8613800138000',
             '--last', '+8613800138999', '--note', 'service lines', ...org]);
    assert.equal(r.code, 0, r.err);
    assert.equal(run(['shaken', 'customer', 'add', '--id', 'gw', '--name', 'GW', '--gateway', ...org]).code, 0);
    r = run(['shaken', 'customer', 'add-range', '--id', 'gw', '--first', '8613800138500', ...org]);
    assert.equal(r.code, 1);
    assert.match(r.err, /overlaps 8613800138000-8613800138999, held by customer "bank"/);
    r = run(['shaken', 'customer', 'list', ...org]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^bank\tcustomer\tBank\n  8613800138000-8613800138999\t1000\tservice lines\ngw\tgateway\tGW\n$/);
    assert.equal(run(['shaken', 'customer', 'remove', '--id', 'gw', ...org]).code, 0);
    r = run(['shaken', 'customer', 'list', '--org', 'Nobody', '--data', dir]);
    assert.equal(r.code, 1);
    assert.match(r.err, /Nobody/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ingest: findings and failed caller authentication become reputation evidence', { timeout: 60000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quell-cli-'));
  try {
    // 240 robocalls in 8 minutes from one number to ascending callees, none
    // answered; and 5 calls from another whose SHAKEN signature failed (one of
    // them seen twice: its set-up and its CDR share a call id).
    const rows = ['time,caller,callee,kind,answered,ring_ms,talk_ms,call_id,verstat'];
    const t0 = Date.parse('2026-11-27T09:00:00Z') / 1000;
    for (let i = 0; i < 240; i++) {
      rows.push(`${t0 + i * 2},+8617100001111,+86139${String(10000000 + i).padStart(8, '0')},completed,0,3000,0,,`);
    }
    for (let i = 0; i < 5; i++) {
      rows.push(`${t0 + 600 + i},+8613566667777,+8613900139000,attempt,0,0,0,bad-${i},TN-Validation-Failed`);
    }
    rows.push(`${t0 + 600},+8613566667777,+8613900139000,completed,1,2000,30000,bad-0,TN-Validation-Failed`);
    const csv = join(dir, 'calls.csv');
    writeFileSync(csv, rows.join('\n') + '\n');
    const r = run(['ingest', '--data', dir, csv]);
    assert.equal(r.code, 0, r.err);
    const records = Number((r.out.match(/evidence for number reputation: (\d+) records/) || [])[1]);
    assert.ok(records >= 2, r.out);  // at least a finding and the failures

    const key = run(['admin', 'create-key', '--data', dir, '--role', 'analyst',
                     '--org', 'Example Authority']).out.trim();
    const server = await startServer({ dataDir: dir });
    try {
      const get = async (path) => {
        const res = await fetch(`${server.url}api/v1/${path}`, { headers: { Authorization: `Bearer ${key}` } });
        assert.equal(res.status, 200, path);
        return res.json();
      };
      const failed = await get('numbers/+8613566667777/evidence');
      const shaken = failed.evidence.filter((e) => e.source === 'shaken_failure');
      assert.equal(shaken.length, 1, JSON.stringify(failed));
      // Published on the 1st, 2nd and 4th failure of the day (the 5th updates at the 8th).
      assert.match(shaken[0].detail, /^4 calls failed caller authentication .* on 2026-11-27$/);
      const robo = await get('numbers/+8617100001111/evidence');
      assert.ok(robo.evidence.some((e) => e.source === 'finding'), JSON.stringify(robo));
      assert.ok(robo.counts.machine >= 1, JSON.stringify(robo));
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
