// Runs the browser tests against a real `quell serve --demo` started here:
// sets QUELL_URL and the demo admin's login for them, and stops the server after.
import { spawnSync } from 'node:child_process';
import { startServer } from './lib/server.mjs';

const server = await startServer({ demo: true });
const result = spawnSync(process.execPath, ['--test', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: {
    ...process.env,
    QUELL_URL: server.url,
    QUELL_ADMIN_USER: 'admin',
    QUELL_ADMIN_PASSWORD: 'admin-demo-pass',
  },
});
const code = await server.stop();
if (code !== 0) {
  console.error(`quell serve exited with ${code}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
