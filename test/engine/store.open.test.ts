/**
 * The store refuses damaged or foreign database files with a clear error and never resets them.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startEngine } from '../../engine';
import { testEngineAuth } from '../helpers/engine';
import { openStore, StoreOpenError } from '../../engine/store/db';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'vk-store-'));
const hash = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

test('a fresh directory gets a WAL database with synchronous=FULL and the schema', () => {
  const file = path.join(tempDir(), 'nested', 'engine.sqlite');
  const db = openStore(file);
  expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  expect(db.pragma('synchronous', { simple: true })).toBe(2);
  const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
  expect(tables).toEqual(expect.arrayContaining(['process_definitions', 'element_instances', 'variables', 'jobs', 'user_tasks', 'timers', 'subscriptions', 'messages', 'incidents']));
  db.close();
});

test('a file that is not a database fails at start with a clear error and is left untouched', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'engine.sqlite');
  fs.writeFileSync(file, 'this is not a database, it is a shopping list\n'.repeat(200));
  const before = hash(file);
  await expect(startEngine({ port: 0, dataDir: dir, auth: testEngineAuth() })).rejects.toThrow(/Cannot open the engine database .*engine\.sqlite.*left untouched/s);
  expect(hash(file)).toBe(before);
});

test('a database with damaged pages fails the integrity check instead of being reset', () => {
  const dir = tempDir();
  const file = path.join(dir, 'engine.sqlite');
  const db = openStore(file);
  const insert = db.prepare(`INSERT INTO variables (key, name, value, scope_key, process_instance_key) VALUES (?, ?, ?, 1, 1)`);
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) insert.run(i + 1, `v${i}`, JSON.stringify('x'.repeat(200)));
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  // Overwrite a stretch in the middle of the file (index/table pages) with garbage.
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(8192, 0xab), 0, 8192, 4096 * 10);
  fs.closeSync(fd);
  const before = hash(file);
  expect(() => openStore(file)).toThrow(StoreOpenError);
  expect(hash(file)).toBe(before);
});

test('a database written by a newer engine version is refused', () => {
  const file = path.join(tempDir(), 'engine.sqlite');
  const db = new Database(file);
  db.pragma('user_version = 999');
  db.close();
  expect(() => openStore(file)).toThrow(/newer engine/);
});
