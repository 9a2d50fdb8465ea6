/** The storage interface behaves the same on SQLite and on a real PostgreSQL (test/helpers/postgres.ts). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { storageFromEnv } from '../../common/storage/config';
import type { Store } from '../../common/storage/db';
import { migrate, type Migration } from '../../common/storage/migrate';
import { openStore } from '../../common/storage/open';
import { freshDatabase } from '../helpers/postgres';

const migrations: Migration[] = [
  { version: 1, name: 'items', up: 'CREATE TABLE items (id TEXT PRIMARY KEY, n INTEGER NOT NULL)' },
  { version: 2, name: 'items.note', up: { sqlite: 'ALTER TABLE items ADD COLUMN note TEXT', postgres: 'ALTER TABLE items ADD COLUMN note TEXT' } },
];

describe.each(['sqlite', 'postgres'] as const)('storage on %s', (kind) => {
  let store: Store;
  let open: () => Store;
  beforeAll(async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-store-'));
    const cfg = kind === 'postgres' ? { dataDir, databaseUrl: await freshDatabase('store') } : { dataDir };
    open = () => openStore(cfg, 'workers');
    store = open();
  });
  afterAll(async () => { await store.close(); });

  it('applies each migration once, in order, and records it', async () => {
    expect(await migrate(store, 'test', migrations)).toBe(2);
    expect(await migrate(store, 'test', migrations)).toBe(0);
    const rows = await store.all<{ version: number }>("SELECT version FROM schema_migrations WHERE component = 'test' ORDER BY version");
    expect(rows.map((r) => Number(r.version))).toEqual([1, 2]);
  });

  it('refuses to start on tables newer than the release knows', async () => {
    await expect(migrate(store, 'test', migrations.slice(0, 1))).rejects.toThrow(/schema version 2, newer than this release knows \(1\)/);
  });

  it('rolls a failed transaction back as a whole', async () => {
    await expect(store.tx(async (t) => {
      await t.run('INSERT INTO items (id, n) VALUES (?, ?)', ['a', 1]);
      throw new Error('stop');
    })).rejects.toThrow('stop');
    expect(await store.get('SELECT * FROM items WHERE id = ?', ['a'])).toBeUndefined();
  });

  it('counts changes and returns rows of RETURNING', async () => {
    await store.run('INSERT INTO items (id, n) VALUES (?, ?), (?, ?)', ['b', 1, 'c', 2]);
    expect((await store.run('UPDATE items SET n = n + 1 WHERE id IN (?, ?)', ['b', 'c'])).changes).toBe(2);
    expect(await store.get<{ n: number }>('UPDATE items SET n = n + 1 WHERE id = ? RETURNING n', ['b'])).toEqual({ n: 3 });
    expect(await store.get<{ c: number }>('SELECT COUNT(*) AS c FROM items')).toEqual({ c: 2 });
  });

  it('keeps concurrent read-modify-write transactions apart (two handles; two connections on PostgreSQL)', async () => {
    await store.run('INSERT INTO items (id, n) VALUES (?, 0)', ['counter']);
    const other = open();
    const lockRow = kind === 'postgres' ? ' FOR UPDATE' : '';
    const bump = (s: Store) => s.tx(async (t) => {
      const { n } = (await t.get<{ n: number }>(`SELECT n FROM items WHERE id = ?${lockRow}`, ['counter']))!;
      await new Promise((r) => setTimeout(r, 5));
      await t.run('UPDATE items SET n = ? WHERE id = ?', [Number(n) + 1, 'counter']);
    });
    await Promise.all(Array.from({ length: 20 }, (_, i) => bump(i % 2 ? store : other)));
    await other.close();
    expect(await store.get('SELECT n FROM items WHERE id = ?', ['counter'])).toEqual({ n: 20 });
  });
});

describe('DATABASE_URL', () => {
  it('selects PostgreSQL, or SQLite when unset; anything else is refused with what to write', () => {
    expect(storageFromEnv({ DATABASE_URL: 'postgres://u:p@db:5432/vk' }, '/d')).toMatchObject({ databaseUrl: 'postgres://u:p@db:5432/vk', poolMax: 10 });
    expect(storageFromEnv({}, '/d')).toEqual({ dataDir: '/d', poolMax: 10 });
    expect(storageFromEnv({ DATABASE_URL: '' }, '/d').databaseUrl).toBeUndefined();
    expect(() => storageFromEnv({ DATABASE_URL: 'mysql://x' }, '/d')).toThrow(/PostgreSQL URL/);
  });
});
