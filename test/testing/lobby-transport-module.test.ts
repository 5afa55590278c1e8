import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';

// The lobby sample plays a round over the third-party TCP transport, loaded by the CLI as a plugin module.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

t.test('scenenet lobby --transport tcp --transport-module examples/custom-transport/index.ts', async (t) => {
  const args = [
    '--import',
    'tsx',
    'bin/scenenet.ts',
    'lobby',
    '--transport',
    'tcp',
    '--transport-module',
    'examples/custom-transport/index.ts',
    '--clients',
    '2',
  ];
  const { code, out } = await new Promise<{ code: number; out: string }>((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT, timeout: 240_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : Number(err.code ?? 1), out: stdout + stderr }),
    );
  });
  t.equal(code, 0, code === 0 ? 'exits 0' : out.slice(-3000));
  t.match(out, /lobby: tcp server listening on 127\.0\.0\.1:\d+/, 'the server ran on the plugin transport');
  t.match(out, /^lobby: OK/m, 'the round completed and every view agrees');
});

t.test('--transport-module with a transport the module lacks says which it has', async (t) => {
  const args = [
    '--import',
    'tsx',
    'bin/scenenet.ts',
    'lobby',
    '--transport',
    'udp',
    '--transport-module',
    'examples/custom-transport/index.ts',
    '--clients',
    '1',
  ];
  const out = await new Promise<string>((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT, timeout: 120_000 }, (_err, stdout, stderr) => resolve(stdout + stderr));
  });
  t.match(out, /has no "udp" transport \(it has: tcp\)/);
});
