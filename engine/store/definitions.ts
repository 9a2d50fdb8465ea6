import { prepare } from './db';
import type { Store } from './elementInstances';

/** Deployments, process definitions (XML + compiled model) and forms. */

export interface ProcessDefinitionRow {
  key: number;
  bpmn_process_id: string;
  version: number;
  name: string | null;
  version_tag: string | null;
  resource_name: string;
  checksum: string;
  deployment_key: number;
}

export interface StoredDefinition extends ProcessDefinitionRow {
  /** JSON of the CompiledProcess. */
  compiled: string;
}

export function insertDeployment(s: Store, key: number, createdAt: number): void {
  prepare(s.db, 'INSERT INTO deployments (key, created_at) VALUES (?, ?)').run(key, createdAt);
}

/** The newest version of a resource id, deleted or not (versions are never reused). */
export interface LatestVersion {
  key: number;
  version: number;
  checksum: string;
  deleted_at: number | null;
}

export function latestFormVersion(s: Store, formId: string): LatestVersion | undefined {
  return prepare(s.db, 'SELECT key, version, checksum, deleted_at FROM forms WHERE form_id = ? ORDER BY version DESC LIMIT 1').get(formId) as LatestVersion | undefined;
}

export function latestProcessVersion(s: Store, bpmnProcessId: string): LatestVersion | undefined {
  return prepare(s.db, 'SELECT key, version, checksum, deleted_at FROM process_definitions WHERE bpmn_process_id = ? ORDER BY version DESC LIMIT 1')
    .get(bpmnProcessId) as LatestVersion | undefined;
}

export interface NewForm {
  key: number;
  formId: string;
  version: number;
  versionTag: string | null;
  resourceName: string;
  checksum: string;
  schema: string;
  deploymentKey: number;
}

export function insertForm(s: Store, f: NewForm): void {
  prepare(s.db, 'INSERT INTO forms (key, form_id, version, version_tag, resource_name, checksum, schema, deployment_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    .run(f.key, f.formId, f.version, f.versionTag, f.resourceName, f.checksum, f.schema, f.deploymentKey);
}

export interface NewDefinition {
  key: number;
  bpmnProcessId: string;
  version: number;
  name: string | null;
  versionTag: string | null;
  resourceName: string;
  checksum: string;
  xml: string;
  compiled: object;
  deploymentKey: number;
  compiledFormat: number;
}

export function insertDefinition(s: Store, d: NewDefinition): void {
  prepare(
    s.db,
    `INSERT INTO process_definitions (key, bpmn_process_id, version, name, version_tag, resource_name, checksum, xml, compiled, deployment_key, compiled_format)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(d.key, d.bpmnProcessId, d.version, d.name, d.versionTag, d.resourceName, d.checksum, d.xml, JSON.stringify(d.compiled), d.deploymentKey, d.compiledFormat);
}

export function getStoredDefinition(s: Store, key: number): StoredDefinition | undefined {
  return prepare(s.db, 'SELECT * FROM process_definitions WHERE key = ?').get(key) as StoredDefinition | undefined;
}

export function definitionsOfOtherFormat(s: Store, format: number): { key: number; bpmn_process_id: string; resource_name: string; xml: string }[] {
  return prepare(s.db, 'SELECT key, bpmn_process_id, resource_name, xml FROM process_definitions WHERE compiled_format <> ?').all(format) as
    { key: number; bpmn_process_id: string; resource_name: string; xml: string }[];
}

export function replaceCompiled(s: Store, key: number, compiled: object, format: number): void {
  prepare(s.db, 'UPDATE process_definitions SET compiled = ?, compiled_format = ? WHERE key = ?').run(JSON.stringify(compiled), format, key);
}

/** Start events of other versions of the process stop listening (timers and subscriptions without an element instance). */
export function closeStartEventWaitsOfOtherVersions(s: Store, bpmnProcessId: string, keepDefinitionKey: number): void {
  const others = `SELECT key FROM process_definitions WHERE bpmn_process_id = ? AND key <> ?`;
  prepare(s.db, `DELETE FROM timers WHERE element_instance_key IS NULL AND process_definition_key IN (${others})`).run(bpmnProcessId, keepDefinitionKey);
  prepare(s.db, `DELETE FROM subscriptions WHERE element_instance_key IS NULL AND process_definition_key IN (${others})`).run(bpmnProcessId, keepDefinitionKey);
}

export function closeStartEventWaitsOf(s: Store, definitionKey: number): void {
  prepare(s.db, 'DELETE FROM timers WHERE element_instance_key IS NULL AND process_definition_key = ?').run(definitionKey);
  prepare(s.db, 'DELETE FROM subscriptions WHERE element_instance_key IS NULL AND process_definition_key = ?').run(definitionKey);
}

export function insertStartEventSubscription(s: Store, key: number, kind: 'message' | 'signal', name: string, elementId: string, definitionKey: number): void {
  prepare(
    s.db,
    `INSERT INTO subscriptions (key, kind, name, correlation_key, element_id, element_instance_key, process_instance_key, process_definition_key)
     VALUES (?, ?, ?, NULL, ?, NULL, NULL, ?)`,
  ).run(key, kind, name, elementId, definitionKey);
}

export interface FormRow {
  form_id: string;
  version: number;
  /** The form's JSON schema text. */
  schema: string;
}

export function getForm(s: Store, key: number): FormRow | undefined {
  return prepare(s.db, 'SELECT form_id, version, schema FROM forms WHERE key = ?').get(key) as FormRow | undefined;
}

/** Selects has_start_form from a process_definitions row: 1 when the compiled model names a start form. */
const HAS_START_FORM = "json_extract(compiled, '$.startForm.formId') IS NOT NULL AS has_start_form";

/** Search source of the definitions the API shows (deleted ones are gone for it), with has_start_form. */
export const LIVE_DEFINITIONS = `(SELECT *, ${HAS_START_FORM} FROM process_definitions WHERE deleted_at IS NULL) d`;

/**
 * Condition on LIVE_DEFINITIONS: the definition is (`true`) or is not (`false`) the newest live version of its
 * process id.
 */
export function isLatestVersion(latest: boolean): string {
  return `d.version ${latest ? '=' : '<'} (SELECT MAX(version) FROM process_definitions x WHERE x.bpmn_process_id = d.bpmn_process_id AND x.deleted_at IS NULL)`;
}

/** A live definition with has_start_form and its XML. */
export function liveDefinitionWithXml(s: Store, key: number): (ProcessDefinitionRow & { has_start_form: number; xml: string }) | undefined {
  return prepare(s.db, `SELECT *, ${HAS_START_FORM} FROM process_definitions WHERE key = ? AND deleted_at IS NULL`).get(key) as
    | (ProcessDefinitionRow & { has_start_form: number; xml: string })
    | undefined;
}
