import type Database from 'better-sqlite3';

/**
 * One way to evolve a SQLite file: its schema version is `PRAGMA user_version`, and `steps[i]` brings a file
 * from version i to i + 1 (step 0 creates the first schema). Steps run in one transaction each, so a crash
 * mid-migration leaves the file at the last complete version. A file newer than the code is refused, never
 * downgraded.
 */
export type MigrationStep = string | ((db: Database.Database) => void);

export class NewerSchemaError extends Error {}

/** `writer` names the program in the refusal, e.g. 'engine' → "written by a newer engine". */
export function migrate(db: Database.Database, steps: readonly MigrationStep[], writer: string): { from: number; to: number } {
  const from = db.pragma('user_version', { simple: true }) as number;
  const to = steps.length;
  if (from > to) throw new NewerSchemaError(`it was written by a newer ${writer} (schema ${from}, this ${writer} knows ${to})`);
  for (let version = from; version < to; version++) {
    const step = steps[version];
    db.transaction(() => {
      if (typeof step === 'string') db.exec(step);
      else step(db);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return { from, to };
}
