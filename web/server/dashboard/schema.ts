import type Database from 'better-sqlite3';

/**
 * Tables and indexes of the dashboard read model in web.sqlite (created or migrated on start).
 *
 * `rm_tasks.kommun` copies the kommun of the task's root process instance so the indicators over 100 000+
 * instances read tasks without a join: '' = the instance has no kommun, NULL = the instance is not in the read
 * model (not yet seen) — such tasks count nowhere, as with a join.
 * Called instances (flytt, SIP, the placement deadlines) are stored too, with `parent_key` = the calling instance:
 * their tasks then count for the case's kommun; case lists show only instances without a parent.
 * The partial indexes cover the indicator queries of indicators.ts.
 */
export function ensureReadModelSchema(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS rm_tasks (user_task_key TEXT PRIMARY KEY, process_instance_key TEXT NOT NULL, process_definition_id TEXT NOT NULL,
      element_id TEXT NOT NULL, name TEXT, state TEXT NOT NULL, creation_date TEXT, completion_date TEXT, due_date TEXT, candidate_groups TEXT NOT NULL, assignee TEXT);
    CREATE TABLE IF NOT EXISTS rm_instances (process_instance_key TEXT PRIMARY KEY, process_definition_id TEXT NOT NULL, state TEXT NOT NULL,
      start_date TEXT NOT NULL, end_date TEXT, case_ref TEXT, kommun TEXT, home TEXT, decision_date TEXT, admitted_at TEXT, beslut TEXT, ej_verkstallt_deadline TEXT);
    CREATE TABLE IF NOT EXISTS rm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`);
  const instanceColumns = (db.prepare("SELECT name FROM pragma_table_info('rm_instances')").all() as Array<{ name: string }>).map((c) => c.name);
  if (!instanceColumns.includes('parent_key')) db.exec('ALTER TABLE rm_instances ADD COLUMN parent_key TEXT');
  const columns = (db.prepare("SELECT name FROM pragma_table_info('rm_tasks')").all() as Array<{ name: string }>).map((c) => c.name);
  if (!columns.includes('kommun')) {
    db.transaction(() => {
      db.exec('ALTER TABLE rm_tasks ADD COLUMN kommun TEXT');
      db.exec("UPDATE rm_tasks SET kommun = (SELECT COALESCE(i.kommun, '') FROM rm_instances i WHERE i.process_instance_key = rm_tasks.process_instance_key)");
    })();
  }
  db.exec(`
    CREATE INDEX IF NOT EXISTS rm_tasks_pi ON rm_tasks(process_instance_key);
    DROP INDEX IF EXISTS rm_tasks_open; -- (state, due_date): the planner preferred it to the covering indexes below
    CREATE INDEX IF NOT EXISTS rm_tasks_open_due ON rm_tasks(due_date, kommun, process_definition_id) WHERE state = 'CREATED';
    CREATE INDEX IF NOT EXISTS rm_tasks_done ON rm_tasks(process_definition_id, completion_date, due_date, kommun) WHERE state = 'COMPLETED' AND due_date IS NOT NULL;
    CREATE INDEX IF NOT EXISTS rm_tasks_done_kommun ON rm_tasks(kommun, process_definition_id, completion_date, due_date) WHERE state = 'COMPLETED' AND due_date IS NOT NULL;
    CREATE INDEX IF NOT EXISTS rm_tasks_remiss ON rm_tasks(kommun, process_instance_key, completion_date) WHERE state = 'COMPLETED' AND candidate_groups LIKE '%"remissgruppen"%';
    CREATE INDEX IF NOT EXISTS rm_instances_state ON rm_instances(state);
    CREATE INDEX IF NOT EXISTS rm_instances_kommun ON rm_instances(kommun, start_date);
    CREATE INDEX IF NOT EXISTS rm_instances_case ON rm_instances(case_ref);
    CREATE INDEX IF NOT EXISTS rm_instances_admitted ON rm_instances(admitted_at, kommun, home, decision_date, ej_verkstallt_deadline)
      WHERE process_definition_id = 'vk-placeringsforfragan' AND admitted_at IS NOT NULL;`);
}
