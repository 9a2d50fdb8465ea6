/**
 * Schema migrations: each SQLite file carries its schema version (user_version); older files are brought up to
 * date step by step in place, keeping their rows; a failing step leaves the file at the last complete version.
 * Stored compiled models carry a format version and are recompiled from their XML when it changes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from '../../engine/store/db';
import { migrate } from '../../engine/store/migrate';
import { MIGRATIONS, SCHEMA_VERSION } from '../../engine/store/schema';
import { COMPILED_FORMAT } from '../../engine/model';
import { RuntimeHarness } from '../helpers/runtime';

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

test('stored compiled models of another format are recompiled from their XML on start; one the compiler refuses is kept', async () => {
  const h = new RuntimeHarness();
  try {
    await h.deployFixtures('service-chain', 'user-task');
    const db = h.engine.db;
    expect(db.prepare('SELECT DISTINCT compiled_format AS f FROM process_definitions').all()).toEqual([{ f: COMPILED_FORMAT }]);
    db.prepare(`UPDATE process_definitions SET compiled = '{"outdated":true}', compiled_format = 0 WHERE bpmn_process_id = 'service-chain'`).run();
    db.prepare(`UPDATE process_definitions SET xml = '<not-bpmn/>', compiled_format = 0 WHERE bpmn_process_id = 'user-task'`).run();
    const result = await h.engine.recompileOutdated();
    expect(result.recompiled).toBe(1);
    expect(result.kept).toEqual([expect.stringMatching(/^user-task \(key \d+\): /)]);
    const row = db.prepare(`SELECT compiled, compiled_format FROM process_definitions WHERE bpmn_process_id = 'service-chain'`).get() as { compiled: string; compiled_format: number };
    expect(row.compiled_format).toBe(COMPILED_FORMAT);
    expect(JSON.parse(row.compiled).id).toBe('service-chain');
    expect(h.jobs('chain.a')).toEqual([]);
    h.start('service-chain', { lastType: 'c' });
    expect(h.jobs('chain.a')).toHaveLength(1);
    expect((await h.engine.recompileOutdated()).recompiled).toBe(0);
  } finally {
    await h.close();
  }
});
