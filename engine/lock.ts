import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export const LOCK_FILE = 'engine.lock';
const PID_FILE = 'engine.pid';

/** Thrown when another engine (this process or another) already holds the data folder. */
export class DataDirLockedError extends Error {}

export interface DataDirLock { release(): void }

/**
 * Takes the data folder for this engine alone: an exclusive SQLite transaction held open on $dataDir/engine.lock.
 * The operating system drops that lock when the process ends in any way (also kill -9), so there is no stale lock
 * to clean up, and SQLite refuses a second holder in the same process as well as in another one.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
    const holder = (() => {
      try {
        return fs.readFileSync(path.join(dataDir, PID_FILE), 'utf8').trim();
      } catch {
        return '';
      }
    })();
    throw new DataDirLockedError(
      `Another engine is already using the data folder ${dataDir}${holder ? ` (process ${holder})` : ''}. ` +
        'Only one engine may run per data folder: stop the other one, or give this one its own DATA_DIR.',
    );
  }
  fs.writeFileSync(path.join(dataDir, PID_FILE), `${process.pid}\n`);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      db.exec('ROLLBACK');
      db.close();
    },
  };
}
