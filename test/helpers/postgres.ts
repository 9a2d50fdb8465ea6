/**
 * A throw-away PostgreSQL cluster for the tests: initdb into a temporary directory, pg_ctl start on 127.0.0.1 with a
 * free port and the unix socket in that directory, trust authentication (nothing but this machine can reach it).
 * initdb and postgres refuse to run as root, so as root they run as the `postgres` user Debian's package creates
 * (runuser). Debian's `postgresql` package is installed by scripts/prepare-test-env.js when missing.
 *
 * One cluster per jest run (test/global-postgres.js starts it and puts its URL in VK_TEST_PG_URL); each test takes
 * a database of its own (freshDatabase), so suites never see each other's rows.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestCluster { url: string; dir: string; stop(): void }

function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as net.AddressInfo; s.close(() => resolve(port)); });
  });
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL tool, as `postgres` when we are root. */
function pgTool(bin: string, args: string[]): void {
  const [cmd, argv] = isRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${path.basename(bin)} failed (${r.status}): ${r.stderr || r.stdout}`);
}

export async function startTestCluster(): Promise<TestCluster> {
  const bin = binDir();
  if (!bin) throw new Error('PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb). Run `node scripts/prepare-test-env.js` (installs Debian\'s postgresql).');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-pg-'));
  if (isRoot()) execFileSync('chown', ['postgres:postgres', dir]);
  const data = path.join(dir, 'data');
  pgTool(path.join(bin, 'initdb'), ['-D', data, '-U', 'vk', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      // fsync off: a throw-away cluster, and the machine is shared; correctness under crash is not what it tests.
      pgTool(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '60', '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`, 'start']);
      let stopped = false;
      return {
        url: `postgres://vk@127.0.0.1:${port}/postgres`, dir,
        stop() {
          if (stopped) return;
          stopped = true;
          try { pgTool(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']); } finally { fs.rmSync(dir, { recursive: true, force: true }); }
        },
      };
    } catch (e) {
      // Another process took the port between the probe and the start: try another one.
      if (attempt >= 3) throw new Error(`${(e as Error).message}\n${fs.existsSync(path.join(dir, 'log')) ? fs.readFileSync(path.join(dir, 'log'), 'utf8') : ''}`);
    }
  }
}

/** The cluster of this jest run (test/global-postgres.js). */
export function clusterUrl(): string {
  const url = process.env.VK_TEST_PG_URL;
  if (!url) throw new Error(process.env.VK_TEST_PG_ERROR ?? 'No test PostgreSQL: VK_TEST_PG_URL is unset (jest globalSetup test/global-postgres.js starts one).');
  return url;
}

/** A new empty database in the run's cluster; returns its URL. */
export async function freshDatabase(prefix = 't'): Promise<string> {
  const base = clusterUrl();
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try { await c.query(`CREATE DATABASE ${name}`); } finally { await c.end(); }
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Which store the worker and web suites run against: VK_TEST_STORE=postgres, or SQLite (the default). */
export function testStore(): 'sqlite' | 'postgres' {
  return process.env.VK_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';
}
