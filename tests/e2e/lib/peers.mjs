// Child processes, ports and HTTPS helpers for the interop tests (e2e.shaken):
// real peers (secsipidx, Kamailio, sipp) next to the real `quell serve`.
//
// Every child gets a bounded life twice over: a per-call timer here, and
// coreutils `timeout` around long-lived daemons, so nothing outlives a test
// run even when Node itself is killed (ctest TIMEOUT). `killAll()` in an
// `after` hook, and the process 'exit' hook, stop whatever is still running.
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import dgram from 'node:dgram';
import { randomUUID } from 'node:crypto';
import { delimiter, join } from 'node:path';

const live = new Set(); // ChildProcess objects not yet exited

process.on('exit', () => {
  for (const child of live) {
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone or not a group */ }
    try { child.kill('SIGKILL'); } catch { /* gone */ }
  }
});

// Absolute path of an executable on PATH (plus the sbin directories, where
// Debian puts kamailio), or null.
export function which(cmd) {
  const dirs = (process.env.PATH || '').split(delimiter).concat(['/usr/sbin', '/sbin', '/usr/local/sbin']);
  for (const d of dirs) {
    const p = join(d, cmd);
    try { accessSync(p, constants.X_OK); return p; } catch { /* next */ }
  }
  return null;
}

function track(child) {
  live.add(child);
  child.on('exit', () => live.delete(child));
  return child;
}

// Runs a command to completion (never longer than timeoutMs: SIGKILL then).
// Asynchronous on purpose: the x5u servers some peers fetch from may live in
// this very process. Resolves to { code, signal, out, err, timedOut }.
export function run(cmd, args, { timeoutMs = 20000, env, input, cwd } = {}) {
  return new Promise((resolve) => {
    const child = track(spawn(cmd, args, { env: env ?? process.env, cwd, stdio: ['pipe', 'pipe', 'pipe'] }));
    let out = '';
    let err = '';
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { err += c; });
    child.on('error', (e) => { err += String(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), signal, out, err, timedOut });
    });
    if (input !== undefined) child.stdin.end(input); else child.stdin.end();
  });
}

// Like run(), but throws with the command and its output unless it exits 0.
export async function runOk(cmd, args, opts) {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} -> exit ${r.code}${r.timedOut ? ' (timed out)' : ''}\n` +
                    `stdout: ${r.out}\nstderr: ${r.err}`);
  }
  return r;
}

// Starts a long-lived child under `timeout -k 5 maxSeconds` (its own process
// group), and waits until `ready` (a RegExp over stdout+stderr, or an async
// predicate) holds. Returns { proc, output(), exited, stop() }.
export async function startDaemon(name, cmd, args, {
  env, cwd, ready, readyTimeoutMs = 20000, maxSeconds = 240,
} = {}) {
  const proc = track(spawn(which('timeout') ?? '/usr/bin/timeout', ['-k', '5', String(maxSeconds), cmd, ...args],
                           { env: env ?? process.env, cwd, stdio: ['ignore', 'pipe', 'pipe'] }));
  let output = '';
  proc.stdout.on('data', (c) => { output += c; });
  proc.stderr.on('data', (c) => { output += c; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve(code ?? 128)));
  let exitCode = null;
  exited.then((c) => { exitCode = c; });
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exitCode !== null) throw new Error(`${name} exited with ${exitCode} before it was ready:\n${output}`);
    let ok = false;
    if (ready instanceof RegExp) ok = ready.test(output);
    else if (typeof ready === 'function') ok = await ready().catch(() => false);
    else ok = true;
    if (ok) break;
    if (Date.now() > deadline) {
      stopProc(proc);
      throw new Error(`${name} not ready in ${readyTimeoutMs} ms:\n${output}`);
    }
    await sleep(50);
  }
  return {
    name,
    proc,
    output: () => output,
    exited,
    async stop(graceMs = 5000) {
      await stopProc(proc, graceMs);
      return exited;
    },
  };
}

// SIGTERM (coreutils `timeout` passes it on to the command), then SIGKILL to
// the whole process group after graceMs.
async function stopProc(proc, graceMs = 5000) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const gone = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  const t = setTimeout(() => {
    try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ }
    try { proc.kill('SIGKILL'); } catch { /* gone */ }
  }, graceMs);
  await gone;
  clearTimeout(t);
}

export async function killAll() {
  await Promise.all([...live].map((c) => stopProc(c, 3000)));
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The promise's value, or `fallback` after ms (the timer never holds the process).
export function within(promise, ms, fallback = 'timeout') {
  let t;
  return Promise.race([promise, new Promise((r) => { t = setTimeout(() => r(fallback), ms); })])
    .finally(() => clearTimeout(t));
}

// A loopback port nothing listens on (TCP or UDP), as the kernel hands out.
export function freePort(kind = 'tcp') {
  return new Promise((resolve, reject) => {
    if (kind === 'udp') {
      const s = dgram.createSocket('udp4');
      s.on('error', reject);
      s.bind(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    } else {
      const s = net.createServer();
      s.on('error', reject);
      s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    }
  });
}

// One HTTPS request with a private CA. Resolves to { status, headers, text, json }.
export function httpsRequest(url, { method = 'GET', headers = {}, body, ca, timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body));
    const h = { ...headers };
    if (data !== undefined) {
      h['Content-Length'] = Buffer.byteLength(data);
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['Content-Type'] = 'application/json';
    }
    const req = https.request(url, { method, headers: h, ca, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(data);
  });
}

// A minimal HTTPS certificate repository on loopback (for chains Quell does
// not serve itself: another CA's, a revoked leaf's). files: { '/path': PEM }.
export function startHttpsRepo({ key, cert, files }) {
  const hits = [];
  const server = https.createServer({ key, cert }, (req, res) => {
    hits.push(req.url);
    const body = files[req.url];
    if (body === undefined) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'Content-Type': 'application/x-pem-file', 'Cache-Control': 'max-age=60' });
    res.end(body);
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const base = `https://127.0.0.1:${server.address().port}`;
      resolve({
        base,
        url: (p) => base + p,
        files,
        hits,
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }),
      });
    });
  });
}

// --- PASSporT helpers (reading only: every signature comes from a real signer) ---

export const b64url = (s) => Buffer.from(s).toString('base64url');
export const unb64url = (s) => Buffer.from(s, 'base64url').toString('utf8');

// Splits `jws;info=<u>;alg=..;ppt=..` into { jws, header, claims, params }.
export function parseIdentity(value) {
  const [jws, ...rest] = value.trim().split(';');
  const [h, c, s] = jws.split('.');
  const params = {};
  for (const p of rest) {
    const i = p.indexOf('=');
    if (i > 0) params[p.slice(0, i).trim()] = p.slice(i + 1).trim();
  }
  return { jws, segments: [h, c, s], header: JSON.parse(unb64url(h)), claims: JSON.parse(unb64url(c)), params };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export function pemCount(pem) {
  return (pem.match(/-----BEGIN CERTIFICATE-----/g) || []).length;
}

export function readText(path) {
  return readFileSync(path, 'utf8');
}

// Sends a SIP OPTIONS over UDP and resolves true on any SIP response.
export function sipPing(port, timeoutMs = 500) {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => { s.close(); resolve(false); }, timeoutMs);
    s.on('message', (m) => { clearTimeout(t); s.close(); resolve(/^SIP\/2\.0 \d{3}/.test(m.toString())); });
    s.on('error', () => { clearTimeout(t); s.close(); resolve(false); });
    s.bind(0, '127.0.0.1', () => {
      const lp = s.address().port;
      const branch = `z9hG4bK${randomUUID().slice(0, 8)}`;
      const msg = [`OPTIONS sip:ping@127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${lp};branch=${branch}`, 'Max-Forwards: 5',
        `From: <sip:probe@127.0.0.1:${lp}>;tag=${branch}`, `To: <sip:ping@127.0.0.1:${port}>`,
        `Call-ID: ${randomUUID()}`, 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', ''].join('\r\n');
      s.send(msg, port, '127.0.0.1');
    });
  });
}

// True once something holds the UDP port on 127.0.0.1.
export function udpBound(port) {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => resolve(true));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(false)));
  });
}
