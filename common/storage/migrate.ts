import type { Dialect, SqlDb } from './db';

/**
 * Versioned schema changes, applied at start in order, each once, inside one transaction with its record in
 * schema_migrations. Replicas starting together take turns (a PostgreSQL advisory lock; SQLite's write lock).
 * A migration is SQL per dialect, or code for a change SQLite cannot say in SQL alone.
 */
export interface Migration {
  version: number;
  name: string;
  up: string | Record<Dialect, string> | ((db: SqlDb) => Promise<void>);
}

export async function migrate(db: SqlDb, component: string, migrations: readonly Migration[]): Promise<number> {
  const known = Math.max(0, ...migrations.map((m) => m.version));
  return db.tx(async (t) => {
    if (t.dialect === 'postgres') await t.get('SELECT pg_advisory_xact_lock(1801, hashtext(?))', [component]);
    await t.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      component TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (component, version))`);
    const done = new Set((await t.all<{ version: number }>('SELECT version FROM schema_migrations WHERE component = ?', [component])).map((r) => Number(r.version)));
    const newest = Math.max(0, ...done);
    if (newest > known) {
      throw new Error(`The ${component} tables are at schema version ${newest}, newer than this release knows (${known}). Start the newer release, or restore a backup taken before the upgrade.`);
    }
    let applied = 0;
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      if (typeof m.up === 'function') await m.up(t);
      else await t.exec(typeof m.up === 'string' ? m.up : m.up[t.dialect]);
      await t.run('INSERT INTO schema_migrations (component, version, name, applied_at) VALUES (?, ?, ?, ?)', [component, m.version, m.name, new Date().toISOString()]);
      applied++;
    }
    return applied;
  });
}

/** Adds a column unless it is there (SQLite has no ADD COLUMN IF NOT EXISTS; files from before migrations may have it). */
export async function addColumn(db: SqlDb, table: string, column: string, type: string): Promise<void> {
  if (db.dialect === 'postgres') { await db.exec(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${column} ${type}`); return; }
  const cols = await db.all<{ name: string }>(`SELECT name FROM pragma_table_info('${table}')`);
  if (!cols.some((c) => c.name === column)) await db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
}
