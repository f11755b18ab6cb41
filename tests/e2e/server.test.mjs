// End-to-end tests of the real `quell serve`: health, metrics, login, 401 / 403,
// malformed JSON, oversize body, unknown routes, rate limits, graceful shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, quell } from './lib/server.mjs';

let server;
before(async () => {
  server = await startServer({ demo: true });
});
after(async () => {
  if (server) assert.equal(await server.stop(), 0, 'quell serve must exit 0 on SIGTERM');
});

async function login(username, password) {
  const res = await fetch(server.url + 'api/v1/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const cookie = (res.headers.get('set-cookie') || '').split(';')[0];
  return { res, cookie, body: await res.json() };
}

test('health, readiness and metrics', { timeout: 20000 }, async () => {
  let res = await fetch(server.url + 'healthz');
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok' });
  res = await fetch(server.url + 'readyz');
  assert.equal(res.status, 200);
  res = await fetch(server.url + 'metrics');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(text, /# TYPE quell_http_requests_total counter/);
});

test('portal files are served with types and cache headers', { timeout: 20000 }, async () => {
  const res = await fetch(server.url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.equal(res.headers.get('cache-control'), 'no-cache');
  assert.match(res.headers.get('content-security-policy'), /default-src 'self'/);
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  const etag = res.headers.get('etag');
  assert.ok(etag);
  const again = await fetch(server.url, { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
});

test('login, session, logout with CSRF', { timeout: 20000 }, async () => {
  const bad = await login('admin', 'wrong-password!');
  assert.equal(bad.res.status, 401);
  assert.equal(bad.body.error.code, 'unauthenticated');

  const { res, cookie, body } = await login('admin', 'admin-demo-pass');
  assert.equal(res.status, 200);
  assert.equal(body.user.role, 'admin');
  assert.match(res.headers.get('set-cookie'), /HttpOnly/);
  assert.match(res.headers.get('set-cookie'), /SameSite=Strict/);

  const me = await fetch(server.url + 'api/v1/session', { headers: { Cookie: cookie } });
  assert.equal(me.status, 200);
  assert.equal((await me.json()).user.username, 'admin');

  // A state change without the CSRF token is refused.
  const noCsrf = await fetch(server.url + 'api/v1/session', { method: 'DELETE', headers: { Cookie: cookie } });
  assert.equal(noCsrf.status, 403);
  const out = await fetch(server.url + 'api/v1/session', {
    method: 'DELETE',
    headers: { Cookie: cookie, 'X-CSRF-Token': body.csrf_token },
  });
  assert.equal(out.status, 204);
  const after = await fetch(server.url + 'api/v1/session', { headers: { Cookie: cookie } });
  assert.equal(after.status, 401);

  // Logging in again while an old cookie is still sent needs no CSRF token.
  const again = await fetch(server.url + 'api/v1/session', {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'admin-demo-pass' }),
  });
  assert.equal(again.status, 200);
});

test('401 without credentials, 403 for the wrong role', { timeout: 20000 }, async () => {
  let res = await fetch(server.url + 'api/v1/admin/users');
  assert.equal(res.status, 401);
  assert.equal((await res.json()).error.code, 'unauthenticated');
  res = await fetch(server.url + 'api/v1/whoami', { headers: { Authorization: 'Bearer qk_nope_nope' } });
  assert.equal(res.status, 401);

  const { cookie } = await login('citizen', 'citizen-demo-pass');
  res = await fetch(server.url + 'api/v1/admin/users', { headers: { Cookie: cookie } });
  assert.equal(res.status, 403);
  assert.equal((await res.json()).error.code, 'permission_denied');
});

test('malformed JSON is a 400 that says where', { timeout: 20000 }, async () => {
  const res = await fetch(server.url + 'api/v1/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{"username": "admin", ',
  });
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.equal(body.error.code, 'invalid_argument');
  assert.match(body.error.message, /malformed JSON at byte/);
});

test('oversize body is a 413', { timeout: 20000 }, async () => {
  const res = await fetch(server.url + 'api/v1/session', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'x'.repeat(2 * 1024 * 1024), password: 'y' }),
  }).catch((e) => e);
  // The server may answer before reading the whole body and close the connection.
  if (res instanceof Error) assert.fail(`request failed: ${res}`);
  assert.equal(res.status, 413);
  assert.equal((await res.json()).error.code, 'payload_too_large');
});

test('unknown route is a JSON 404, wrong method a 405 with Allow', { timeout: 20000 }, async () => {
  let res = await fetch(server.url + 'api/v1/no-such-thing');
  assert.equal(res.status, 404);
  assert.equal((await res.json()).error.code, 'not_found');
  res = await fetch(server.url + 'healthz', { method: 'POST' });
  assert.equal(res.status, 405);
  assert.match(res.headers.get('allow'), /GET/);
});

test('API keys: created by the CLI while serving, rate-limited', { timeout: 30000 }, async () => {
  const key = quell(['admin', 'create-key', '--data', server.dataDir, '--role', 'carrier',
                     '--org', 'Demo Telecom', '--rate', '1', '--burst', '3', '--label', 'e2e']).trim();
  assert.match(key, /^qk_[A-Za-z0-9]+_[A-Za-z0-9_-]+$/);
  const auth = { Authorization: `Bearer ${key}` };
  const statuses = [];
  for (let i = 0; i < 10; i++) {
    const res = await fetch(server.url + 'api/v1/whoami', { headers: auth });
    statuses.push(res.status);
    if (res.status === 200) {
      const body = await res.json();
      assert.equal(body.role, 'carrier');
      assert.equal(body.org, 'Demo Telecom');
    } else {
      assert.equal(res.status, 429);
      assert.equal((await res.json()).error.code, 'rate_limited');
      assert.ok(res.headers.get('retry-after'));
    }
  }
  assert.ok(statuses.slice(0, 3).every((s) => s === 200), `first three allowed: ${statuses}`);
  assert.ok(statuses.filter((s) => s === 429).length >= 5, `later ones limited: ${statuses}`);
});

test('the audit log records mutations', { timeout: 20000 }, async () => {
  const { cookie, body } = await login('admin', 'admin-demo-pass');
  const created = await fetch(server.url + 'api/v1/admin/orgs', {
    method: 'POST',
    headers: { Cookie: cookie, 'X-CSRF-Token': body.csrf_token, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'E2E Mobile', kind: 'carrier' }),
  });
  assert.equal(created.status, 201);
  const res = await fetch(server.url + 'api/v1/admin/audit', { headers: { Cookie: cookie } });
  assert.equal(res.status, 200);
  const { entries } = await res.json();
  const entry = entries.find((e) => e.action === 'org.create');
  assert.ok(entry, JSON.stringify(entries.slice(0, 5)));
  assert.equal(entry.actor, 'admin');
  assert.equal(entry.remote, '127.0.0.1');
});

test('graceful shutdown: a request in flight is answered, exit code 0', { timeout: 30000 }, async () => {
  const own = await startServer();
  const port = Number(new URL(own.url).port);
  const sock = net.connect(port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  let reply = '';
  sock.on('data', (d) => (reply += d.toString()));
  const closed = new Promise((r) => sock.once('close', r));
  const body = JSON.stringify({ username: 'nobody', password: 'not-the-password' });
  // Send the head and half the body, stop the server, then finish the request.
  sock.write(`POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
             `Content-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
  await new Promise((r) => setTimeout(r, 200));
  own.proc.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 200));
  sock.write(body.slice(10));
  await closed;
  assert.match(reply, /^HTTP\/1\.1 401/);
  assert.match(reply, /unauthenticated/);
  assert.equal(await own.exited, 0);
  // A clean shutdown leaves the numbering plan's cache for the next start.
  assert.ok(existsSync(join(own.dataDir, 'numbering-plan.cache')));
  await own.stop();
});
