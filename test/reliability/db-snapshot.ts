/**
 * Reads an engine SQLite file directly (read-only) and returns a digest of every table's content, so a test
 * can prove that a rejected request left the store byte-for-byte unchanged — not just what the searches show.
 */
import crypto from 'node:crypto';
import Database from 'better-sqlite3';

export interface DbSnapshot {
  /** Row count per table. */
  counts: Record<string, number>;
  /** SHA-256 of the sorted rows per table. */
  digests: Record<string, string>;
}

export function dbSnapshot(file: string): DbSnapshot {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
    const counts: Record<string, number> = {};
    const digests: Record<string, string> = {};
    db.transaction(() => {
      for (const table of tables) {
        const rows = db.prepare(`SELECT * FROM "${table}"`).raw().all() as unknown[][];
        const lines = rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : Buffer.isBuffer(v) ? v.toString('base64') : v))).sort();
        counts[table] = rows.length;
        digests[table] = crypto.createHash('sha256').update(lines.join('\n')).digest('hex');
      }
    })();
    return { counts, digests };
  } finally {
    db.close();
  }
}
