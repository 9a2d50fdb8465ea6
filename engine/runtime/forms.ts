import { prepare, type Db } from '../store/db';

/** How a form is referenced: its id and Zeebe's binding (latest, deployment of the process, version tag). */
export interface FormReference {
  formId: string;
  bindingType?: string | undefined;
  versionTag?: string | undefined;
}

/**
 * The deployed form a reference resolves to, as Zeebe binds it: `deployment` → the version deployed together with
 * the process, `versionTag` → the newest version with that tag, otherwise the newest version. Deleted forms are gone.
 */
export function findDeployedForm(db: Db, ref: FormReference, processDeploymentKey: number): number | undefined {
  let row: { key: number } | undefined;
  if (ref.bindingType === 'deployment') {
    row = prepare(db, 'SELECT key FROM forms WHERE form_id = ? AND deployment_key = ? AND deleted_at IS NULL ORDER BY version DESC').get(ref.formId, processDeploymentKey) as { key: number } | undefined;
  } else if (ref.bindingType === 'versionTag') {
    row = prepare(db, 'SELECT key FROM forms WHERE form_id = ? AND version_tag = ? AND deleted_at IS NULL ORDER BY version DESC').get(ref.formId, ref.versionTag ?? '') as { key: number } | undefined;
  } else {
    row = prepare(db, 'SELECT key FROM forms WHERE form_id = ? AND deleted_at IS NULL ORDER BY version DESC').get(ref.formId) as { key: number } | undefined;
  }
  return row?.key;
}
