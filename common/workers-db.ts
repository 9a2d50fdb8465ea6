import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

/** Opens $DATA_DIR/workers.sqlite (outbox, consent registry, queue, escalation steps, shares); the web app opens it too. */
export function openWorkersDb(dataDir: string): Database.Database {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'workers.sqlite'));
  db.pragma('journal_mode = WAL');
  // FULL: a row marked `sent` must survive a power cut, or a mail would go out twice.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  return db;
}
