/**
 * Schema migrations: each SQLite file carries its schema version (user_version); older files are brought up to
 * date step by step in place, keeping their rows; a failing step leaves the file at the last complete version.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../engine/store/db';
import { migrate } from '../../engine/store/migrate';
import { MIGRATIONS, SCHEMA_VERSION } from '../../engine/store/schema';

const tempFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vk-migrate-')), 'engine.sqlite');

test('a version-1 engine file is migrated in place: rows kept, tags columns added with empty lists', () => {
  const file = tempFile();
  const old = new Database(file);
  migrate(old, MIGRATIONS.slice(0, 1), 'engine');
  old.prepare(`INSERT INTO process_instances (key, process_definition_key, bpmn_process_id, version, state, start_date) VALUES (7, 1, 'p', 1, 'ACTIVE', 0)`).run();
  expect(old.pragma('user_version', { simple: true })).toBe(1);
  old.close();

  const db = openStore(file);
  expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  expect(db.prepare('SELECT key, tags FROM process_instances').all()).toEqual([{ key: 7, tags: '[]' }]);
  db.close();
});

test('a failing step rolls back and leaves the file at the last complete version', () => {
  const db = new Database(tempFile());
  const steps = ['CREATE TABLE a (x INTEGER)', 'CREATE TABLE b (y INTEGER); INSERT INTO no_such_table VALUES (1)'];
  expect(() => migrate(db, steps, 'tool')).toThrow(/no_such_table/);
  expect(db.pragma('user_version', { simple: true })).toBe(1);
  expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'b'`).all()).toEqual([]);
  expect(() => migrate(new Database(':memory:'), [], 'tool')).not.toThrow();
  db.pragma('user_version = 5');
  expect(() => migrate(db, steps, 'tool')).toThrow(/newer tool \(schema 5, this tool knows 2\)/);
});
