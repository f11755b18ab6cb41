// Starts the real `quell serve` on a free loopback port for end-to-end tests.
//
//   const server = await startServer({ demo: true });
//   const res = await fetch(server.url + 'healthz');
//   const code = await server.stop();   // SIGTERM, resolves to the exit code
//   server.sip                          // {host, udp, tcp}: the SIP screening front
//
// The binary comes from QUELL_BIN (set by CTest). Each server gets its own
// temporary data directory.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const quellBin = process.env.QUELL_BIN;
if (!quellBin) throw new Error('QUELL_BIN is not set: run these tests through ctest');

export function quell(args, opts = {}) {
  return execFileSync(quellBin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

export async function startServer({ demo = false, args = [], dataDir, timeoutMs = 20000 } = {}) {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'quell-e2e-'));
  const sip = args.includes('--sip') ? [] : ['--sip', '127.0.0.1:0'];
  const argv = ['serve', '--http', '127.0.0.1:0', ...sip, '--data', dir, ...(demo ? ['--demo'] : []), ...args];
  const proc = spawn(quellBin, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve(code ?? 128)));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`quell serve did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk) => {
      output += chunk.toString();
      const m = output.match(/quell listening on (https?:\/\/\S+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout.on('data', onData);
    proc.stderr.on('data', onData);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`quell serve exited with ${code} before listening:\n${output}`));
    });
  });
  const sipMatch = output.match(/quell sip listening on udp (\S+):(\d+) tcp (\S+):(\d+)/);
  return {
    url,
    sip: sipMatch ? { host: sipMatch[1], udp: Number(sipMatch[2]), tcp: Number(sipMatch[4]) } : null,
    dataDir: dir,
    proc,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null) proc.kill(signal);
      const code = await exited;
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}
