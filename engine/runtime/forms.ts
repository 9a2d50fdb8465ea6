import type { Db } from '../store/db';
import { formKeyByBinding } from '../store/userTasks';

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
  const s = { db };
  if (ref.bindingType === 'deployment') return formKeyByBinding(s, ref.formId, 'deployment', processDeploymentKey);
  if (ref.bindingType === 'versionTag') return formKeyByBinding(s, ref.formId, 'versionTag', ref.versionTag ?? '');
  return formKeyByBinding(s, ref.formId, 'latest');
}
