// End-to-end tests of the Do-Not-Call register on the real `quell serve --demo`:
// a citizen registers through a one-time code, the acknowledged registration
// survives SIGKILL, a carrier's bulk registration and a business's scrub work
// over HTTP, and the CLI's changes reach the running server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, quell } from './lib/server.mjs';

async function json(res) {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`not JSON (${res.status}): ${text}`);
  }
}

async function post(url, body, headers = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

test('a citizen registration survives SIGKILL; the CLI and the server share the register', { timeout: 90000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quell-e2e-dnc-'));
  try {
    let server = await startServer({ demo: true, dataDir: dir });
    const number = '13800138099';
    assert.equal((await post(server.url + 'api/v1/dnc/codes', { number })).status, 202);
    const outbox = await json(await fetch(server.url + 'api/v1/demo/sms?number=' + number));
    const code = outbox.messages[0].text.match(/code: (\d{6})/)[1];
    const verified = await post(server.url + 'api/v1/dnc/verify', { number, code });
    assert.equal(verified.status, 200);
    const { token } = await json(verified);
    const put = await fetch(server.url + 'api/v1/dnc/me', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', 'X-Quell-Dnc-Token': token },
      body: JSON.stringify({ categories: ['finance'] }),
    });
    assert.equal(put.status, 200);
    assert.equal((await json(put)).registration.registered, true);

    // Acknowledged, then killed without a chance to flush anything.
    server.proc.kill('SIGKILL');
    await server.exited;
    server = await startServer({ demo: true, dataDir: dir });
    const status = quell(['dnc', 'status', '--data', dir, number]);
    assert.match(status, /\+8613800138099 {2}registered/);
    assert.match(status, /refuses finance/);

    // The CLI registers a number while the server runs; the server's index
    // follows within its housekeeping pass, so a scrub over HTTP sees it.
    quell(['dnc', 'import', '--data', dir, '-'], { input: '13800138098,2024-01-01\n', stdio: ['pipe', 'pipe', 'pipe'] });
    const key = quell(['admin', 'create-key', '--data', dir, '--role', 'business',
                       '--org', 'Demo Finance Ltd', '--label', 'e2e']).trim();
    let body = '';
    for (let i = 0; i < 40 && !body.includes('+8613800138098,protected'); i++) {
      await new Promise((r) => setTimeout(r, 250));
      const res = await fetch(server.url + 'api/v1/dnc/scrub', {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'text/csv' },
        body: 'phone\n13800138098\n13800138005\n13800138006\n',
      });
      assert.equal(res.status, 200);
      body = await res.text();
      assert.ok(res.headers.get('x-quell-scrub-receipt').startsWith('scrub_'));
    }
    assert.match(body, /\+8613800138098,protected,since 2024-02-01; refuses all marketing/);
    assert.match(body, /\+8613800138005,protected,/);
    assert.match(body, /\+8613800138006,exempt,consent until revoked/);
    assert.equal(await server.stop(), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('quell dnc scrub from the shell writes the result and a receipt', { timeout: 60000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quell-e2e-dnc-cli-'));
  try {
    quell(['admin', 'create-user', '--data', dir, '--username', 'biz1', '--role', 'business',
           '--org', 'Shell Marketing', '--password', 'a-long-password-1']);
    quell(['dnc', 'import', '--data', dir, '-'], {
      input: 'number,registered_at\n13800138000,2024-01-01\nnot-a-number,2024-01-01\n',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const list = join(dir, 'list.csv');
    const out = join(dir, 'result.csv');
    writeFileSync(list, 'phone\n+86 138 0013 8000\n139-0013-9000\nhello\n');
    const printed = quell(['dnc', 'scrub', '--data', dir, '--org', 'Shell Marketing', '--in', list, '--out', out]);
    assert.match(printed, /scrubbed 3 numbers for Shell Marketing: 1 callable, 1 protected, 0 exempt, 1 invalid/);
    assert.match(printed, /receipt scrub_[0-9a-f-]+ {2}list sha256 [0-9a-f]{64}/);
    assert.equal(readFileSync(out, 'utf8'),
      'number,status,detail\n' +
      '+8613800138000,protected,since 2024-02-01; refuses all marketing\n' +
      '+8613900139000,callable,\n' +
      'hello,invalid,not a phone number\n');
    // A file with no good row fails.
    assert.throws(() => quell(['dnc', 'import', '--data', dir, '-'], { input: 'junk,row\n', stdio: ['pipe', 'pipe', 'pipe'] }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
