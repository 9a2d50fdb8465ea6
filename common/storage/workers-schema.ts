import { addColumn, migrate, type Migration } from './migrate';
import type { SqlDb } from './db';

/**
 * The workers' tables (outbox, consent register, queue and places, escalation steps, process starts, the
 * task-created cursor). Version 1 is the schema of the files from before versioned migrations (IF NOT EXISTS:
 * such a file is adopted as it is); the web app reads the queue and the consent register from the same tables.
 */
const TABLES = (serial: string) => `
  CREATE TABLE IF NOT EXISTS outbox (
    key TEXT PRIMARY KEY, recipients TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT,
    created_at TEXT NOT NULL, sent_at TEXT, message_id TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS consent (
    id TEXT PRIMARY KEY, case_ref TEXT NOT NULL, form TEXT NOT NULL, given_at TEXT NOT NULL, valid_until TEXT NOT NULL,
    parties TEXT NOT NULL, information TEXT NOT NULL, guardians_consented INTEGER, withdrawn_at TEXT,
    recorded_at TEXT NOT NULL, job_key TEXT UNIQUE${serial});
  CREATE INDEX IF NOT EXISTS consent_case ON consent(case_ref, recorded_at);
  CREATE TABLE IF NOT EXISTS queue (
    case_ref TEXT NOT NULL, home TEXT NOT NULL, kommun TEXT NOT NULL, priority TEXT NOT NULL, decision_date TEXT NOT NULL,
    enqueued_at TEXT NOT NULL, status TEXT NOT NULL, admitted_at TEXT, left_at TEXT, PRIMARY KEY (case_ref, home));
  CREATE TABLE IF NOT EXISTS escalation (
    job_key TEXT PRIMARY KEY, process_instance_key TEXT NOT NULL, case_ref TEXT NOT NULL, deadline TEXT NOT NULL,
    level TEXT NOT NULL, step INTEGER NOT NULL, due_date TEXT NOT NULL, at TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS process_starts (
    job_key TEXT PRIMARY KEY, case_ref TEXT NOT NULL, process_id TEXT NOT NULL, process_instance_key TEXT NOT NULL, started_at TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS task_notice_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), creation_date TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS task_notice (user_task_key TEXT PRIMARY KEY, creation_date TEXT NOT NULL, outcome TEXT NOT NULL, at TEXT NOT NULL);`;

export const WORKERS_MIGRATIONS: readonly Migration[] = [
  // PostgreSQL has no rowid: `seq` orders consents recorded in the same millisecond.
  { version: 1, name: 'tables', up: { sqlite: TABLES(''), postgres: TABLES(', seq BIGSERIAL') } },
  {
    version: 2, name: 'queue offers and waiting instance',
    up: async (db) => { await addColumn(db, 'queue', 'process_instance_key', 'TEXT'); await addColumn(db, 'queue', 'offered_at', 'TEXT'); },
  },
  {
    // Which replica claimed an outbox row for sending and when: a fresh claim by another replica is a send in progress.
    version: 3, name: 'outbox claim',
    up: async (db) => { await addColumn(db, 'outbox', 'claimed_by', 'TEXT'); await addColumn(db, 'outbox', 'claimed_at', 'TEXT'); },
  },
  { version: 4, name: 'queue by home', up: 'CREATE INDEX IF NOT EXISTS queue_home ON queue(home, status)' },
];

export const migrateWorkers = (db: SqlDb): Promise<number> => migrate(db, 'workers', WORKERS_MIGRATIONS);
