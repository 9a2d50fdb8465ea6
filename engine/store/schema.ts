import type { MigrationStep } from './migrate';

/**
 * The engine's SQLite schema. Times are epoch milliseconds (INTEGER), keys are Zeebe-like int64
 * values (INTEGER, serialised as strings at the REST boundary), structured values are JSON text.
 * The schema version is `PRAGMA user_version`; MIGRATIONS[i] brings a file from version i to i + 1
 * (append new steps, never edit a released one).
 */
const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS deployments (key INTEGER PRIMARY KEY, created_at INTEGER NOT NULL);

CREATE TABLE IF NOT EXISTS process_definitions (
  key INTEGER PRIMARY KEY,
  bpmn_process_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  name TEXT,
  version_tag TEXT,
  resource_name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  xml TEXT NOT NULL,
  compiled TEXT NOT NULL,
  deployment_key INTEGER NOT NULL,
  UNIQUE (bpmn_process_id, version)
);

CREATE TABLE IF NOT EXISTS forms (
  key INTEGER PRIMARY KEY,
  form_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  version_tag TEXT,
  resource_name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  schema TEXT NOT NULL,
  deployment_key INTEGER NOT NULL,
  UNIQUE (form_id, version)
);

-- Every running thing is an element instance; the process instance itself is the root one
-- (its key is the process instance key, like in Zeebe).
CREATE TABLE IF NOT EXISTS element_instances (
  key INTEGER PRIMARY KEY,
  process_instance_key INTEGER NOT NULL,
  process_definition_key INTEGER NOT NULL,
  bpmn_process_id TEXT NOT NULL,
  element_id TEXT NOT NULL,
  element_name TEXT,
  element_type TEXT NOT NULL,
  flow_scope_key INTEGER,
  state TEXT NOT NULL,
  start_date INTEGER NOT NULL,
  end_date INTEGER,
  incident_key INTEGER,
  data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS ei_by_pi ON element_instances (process_instance_key, state);
CREATE INDEX IF NOT EXISTS ei_by_scope ON element_instances (flow_scope_key, state);
-- Time-window searches ("ended since", "started since") as read models poll them; partial where only ended rows count.
CREATE INDEX IF NOT EXISTS ei_by_end ON element_instances (end_date) WHERE end_date IS NOT NULL;

CREATE TABLE IF NOT EXISTS process_instances (
  key INTEGER PRIMARY KEY,
  process_definition_key INTEGER NOT NULL,
  bpmn_process_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  state TEXT NOT NULL,
  start_date INTEGER NOT NULL,
  end_date INTEGER,
  parent_process_instance_key INTEGER,
  parent_element_instance_key INTEGER,
  -- correlation key of the message that started it (Zeebe allows one active such instance per key)
  message_correlation_key TEXT,
  incident_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS pi_by_state ON process_instances (state, start_date);
CREATE INDEX IF NOT EXISTS pi_by_process ON process_instances (bpmn_process_id, state);
CREATE INDEX IF NOT EXISTS pi_by_definition ON process_instances (process_definition_key);
CREATE INDEX IF NOT EXISTS pi_by_parent ON process_instances (parent_process_instance_key);
CREATE INDEX IF NOT EXISTS pi_by_start ON process_instances (start_date);
CREATE INDEX IF NOT EXISTS pi_by_end ON process_instances (end_date) WHERE end_date IS NOT NULL;

CREATE TABLE IF NOT EXISTS variables (
  key INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  scope_key INTEGER NOT NULL,
  process_instance_key INTEGER NOT NULL,
  UNIQUE (scope_key, name)
);
CREATE INDEX IF NOT EXISTS var_by_pi ON variables (process_instance_key, name);
CREATE INDEX IF NOT EXISTS var_by_name_value ON variables (name, value);

CREATE TABLE IF NOT EXISTS jobs (
  key INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  state TEXT NOT NULL,
  retries INTEGER NOT NULL,
  worker TEXT NOT NULL DEFAULT '',
  deadline INTEGER,
  retry_at INTEGER,
  error_message TEXT,
  error_code TEXT,
  end_time INTEGER,
  incident_key INTEGER,
  custom_headers TEXT NOT NULL,
  element_instance_key INTEGER NOT NULL,
  element_id TEXT NOT NULL,
  process_instance_key INTEGER NOT NULL,
  process_definition_key INTEGER NOT NULL,
  bpmn_process_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS job_activatable ON jobs (type, state, retry_at);
CREATE INDEX IF NOT EXISTS job_by_ei ON jobs (element_instance_key);
CREATE INDEX IF NOT EXISTS job_deadline ON jobs (state, deadline);

CREATE TABLE IF NOT EXISTS user_tasks (
  key INTEGER PRIMARY KEY,
  state TEXT NOT NULL,
  name TEXT,
  element_id TEXT NOT NULL,
  element_instance_key INTEGER NOT NULL,
  process_instance_key INTEGER NOT NULL,
  process_definition_key INTEGER NOT NULL,
  bpmn_process_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  assignee TEXT,
  candidate_groups TEXT NOT NULL DEFAULT '[]',
  candidate_users TEXT NOT NULL DEFAULT '[]',
  due_date INTEGER,
  follow_up_date INTEGER,
  priority INTEGER NOT NULL DEFAULT 50,
  form_key INTEGER,
  external_form_reference TEXT,
  custom_headers TEXT NOT NULL DEFAULT '{}',
  creation_date INTEGER NOT NULL,
  completion_date INTEGER
);
CREATE INDEX IF NOT EXISTS ut_by_state ON user_tasks (state, creation_date);
CREATE INDEX IF NOT EXISTS ut_by_pi ON user_tasks (process_instance_key);
CREATE INDEX IF NOT EXISTS ut_by_assignee ON user_tasks (assignee, state);
CREATE INDEX IF NOT EXISTS ut_by_ei ON user_tasks (element_instance_key);
CREATE INDEX IF NOT EXISTS ut_by_creation ON user_tasks (creation_date);
CREATE INDEX IF NOT EXISTS ut_by_completion ON user_tasks (completion_date) WHERE completion_date IS NOT NULL;
CREATE TABLE IF NOT EXISTS user_task_candidate_groups (
  user_task_key INTEGER NOT NULL, candidate_group TEXT NOT NULL, PRIMARY KEY (candidate_group, user_task_key)
);

-- Timers of running elements (element_instance_key set) and of timer start events (null).
CREATE TABLE IF NOT EXISTS timers (
  key INTEGER PRIMARY KEY,
  due_at INTEGER NOT NULL,
  remaining INTEGER,
  interval TEXT,
  element_id TEXT NOT NULL,
  element_instance_key INTEGER,
  process_instance_key INTEGER,
  process_definition_key INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS timer_due ON timers (due_at);
CREATE INDEX IF NOT EXISTS timer_by_ei ON timers (element_instance_key);

-- Message and signal subscriptions of running elements, and of start events (element_instance_key null).
CREATE TABLE IF NOT EXISTS subscriptions (
  key INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  correlation_key TEXT,
  element_id TEXT NOT NULL,
  element_instance_key INTEGER,
  process_instance_key INTEGER,
  process_definition_key INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sub_by_name ON subscriptions (kind, name, correlation_key);
CREATE INDEX IF NOT EXISTS sub_by_ei ON subscriptions (element_instance_key);

CREATE TABLE IF NOT EXISTS messages (
  key INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  correlation_key TEXT NOT NULL,
  message_id TEXT,
  variables TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS msg_by_name ON messages (name, correlation_key, expires_at);
-- Which process a buffered message was already correlated to (at most once per process id).
CREATE TABLE IF NOT EXISTS message_correlations (
  message_key INTEGER NOT NULL, bpmn_process_id TEXT NOT NULL, process_instance_key INTEGER NOT NULL,
  PRIMARY KEY (message_key, bpmn_process_id)
);

CREATE TABLE IF NOT EXISTS incidents (
  key INTEGER PRIMARY KEY,
  state TEXT NOT NULL,
  error_type TEXT NOT NULL,
  error_message TEXT NOT NULL,
  element_id TEXT NOT NULL,
  element_instance_key INTEGER NOT NULL,
  process_instance_key INTEGER NOT NULL,
  process_definition_key INTEGER NOT NULL,
  bpmn_process_id TEXT NOT NULL,
  job_key INTEGER,
  retry_step TEXT,
  creation_time INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS inc_by_state ON incidents (state, creation_time);
CREATE INDEX IF NOT EXISTS inc_by_pi ON incidents (process_instance_key);

-- Parallel gateway joins: how many tokens arrived on each incoming flow, per flow scope.
CREATE TABLE IF NOT EXISTS join_tokens (
  flow_scope_key INTEGER NOT NULL, gateway_id TEXT NOT NULL, flow_id TEXT NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (flow_scope_key, gateway_id, flow_id)
);
`;

export const MIGRATIONS: readonly MigrationStep[] = [
  SCHEMA_V1,
  // 2: process-instance tags (Camunda 8.8), carried by the instance's jobs.
  `ALTER TABLE process_instances ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
   ALTER TABLE jobs ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';`,
  // 3: resource deletion (definitions stay for the instances running on them), taken sequence flows,
  // correlated message subscriptions (Operate's views of an instance).
  `ALTER TABLE process_definitions ADD COLUMN deleted_at INTEGER;
   ALTER TABLE forms ADD COLUMN deleted_at INTEGER;
   CREATE TABLE taken_flows (
     process_instance_key INTEGER NOT NULL, flow_id TEXT NOT NULL, process_definition_key INTEGER NOT NULL,
     bpmn_process_id TEXT NOT NULL, PRIMARY KEY (process_instance_key, flow_id)
   ) WITHOUT ROWID;
   CREATE TABLE correlated_subscriptions (
     message_key INTEGER NOT NULL, subscription_key INTEGER NOT NULL, message_name TEXT NOT NULL, correlation_key TEXT NOT NULL,
     correlation_time INTEGER NOT NULL, element_id TEXT NOT NULL, element_instance_key INTEGER, process_instance_key INTEGER NOT NULL,
     process_definition_key INTEGER NOT NULL, bpmn_process_id TEXT NOT NULL, PRIMARY KEY (message_key, subscription_key)
   );
   CREATE INDEX cms_by_pi ON correlated_subscriptions (process_instance_key);`,
  // 4: multi-instance items and output elements one row each; bodies whose parallel inner instances are still
  // being activated in chunks (so a 10 000-item collection does not hold up every other request).
  `CREATE TABLE mi_items (body_key INTEGER NOT NULL, idx INTEGER NOT NULL, item TEXT NOT NULL, output TEXT, PRIMARY KEY (body_key, idx)) WITHOUT ROWID;
   CREATE TABLE mi_pending (body_key INTEGER PRIMARY KEY);`,
  // 5: the format version of the stored compiled model (0 = stored before versioning: recompiled on start).
  `ALTER TABLE process_definitions ADD COLUMN compiled_format INTEGER NOT NULL DEFAULT 0;`,
  // 6: DMN: decision requirements graphs (one per .dmn file, with the compiled model), their decisions, and
  // decision instances (one row per evaluated decision of an evaluation, in evaluation order `idx`).
  `CREATE TABLE decision_requirements (
     key INTEGER PRIMARY KEY, drg_id TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, resource_name TEXT NOT NULL,
     checksum TEXT NOT NULL, xml TEXT NOT NULL, compiled TEXT NOT NULL, deployment_key INTEGER NOT NULL, deleted_at INTEGER,
     UNIQUE (drg_id, version)
   );
   CREATE TABLE decision_definitions (
     key INTEGER PRIMARY KEY, decision_id TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, version_tag TEXT,
     drg_key INTEGER NOT NULL, drg_id TEXT NOT NULL, decision_type TEXT NOT NULL, deployment_key INTEGER NOT NULL, deleted_at INTEGER,
     UNIQUE (decision_id, version)
   );
   CREATE TABLE decision_instances (
     key INTEGER PRIMARY KEY, evaluation_key INTEGER NOT NULL, idx INTEGER NOT NULL, state TEXT NOT NULL, evaluation_date INTEGER NOT NULL,
     failure TEXT, decision_key INTEGER NOT NULL, decision_id TEXT NOT NULL, decision_name TEXT NOT NULL, decision_version INTEGER NOT NULL,
     decision_type TEXT NOT NULL, result TEXT NOT NULL, evaluated_inputs TEXT NOT NULL, matched_rules TEXT NOT NULL,
     process_definition_key INTEGER, process_instance_key INTEGER, element_instance_key INTEGER
   );
   CREATE INDEX di_by_evaluation ON decision_instances (evaluation_key, idx);
   CREATE INDEX di_by_pi ON decision_instances (process_instance_key);`,
  // 7: inboxes sort open tasks by due date (dated first, in order) and page through the undated ones by creation:
  // both walk this index in order and stop at the page instead of sorting every open task.
  `CREATE INDEX ut_by_state_due ON user_tasks (state, due_date, creation_date);`,
  // 8: execution and task listener jobs (Camunda 8.8 job kinds) and the listener event they belong to.
  `ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'BPMN_ELEMENT';
   ALTER TABLE jobs ADD COLUMN listener_event_type TEXT NOT NULL DEFAULT 'UNSPECIFIED';`,
  // 9: indexes like 7 for the other inbox sorts (name, priority; each way, the tiebreaker creation date ascending):
  // the page is read off the index instead of a temporary B-tree over every open task.
  `CREATE INDEX ut_by_state_name ON user_tasks (state, name, creation_date);
   CREATE INDEX ut_by_state_name_desc ON user_tasks (state, name DESC, creation_date);
   CREATE INDEX ut_by_state_priority ON user_tasks (state, priority, creation_date);
   CREATE INDEX ut_by_state_priority_desc ON user_tasks (state, priority DESC, creation_date);`,
  // 10: a user task's lifecycle transition waiting for its task listeners (JSON), and how the last one ended (JSON).
  `ALTER TABLE user_tasks ADD COLUMN transition TEXT;
   ALTER TABLE user_tasks ADD COLUMN transition_result TEXT;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
