import path from 'node:path';
import type { FormLinter } from '@camunda/form-linting';
import { PROJECT_ROOT, RUNNING_COMPILED } from '../common/paths';

/**
 * Camunda's form linter (@camunda/form-linting, as Modeler runs it). The package is published for bundlers only
 * (extensionless ESM imports), so compiled code loads the copy `npm run build` bundles to dist/vendor/, and the
 * sources (tsx, jest) load the package itself.
 */
export function createFormLinter(): FormLinter {
  const file = RUNNING_COMPILED ? path.join(PROJECT_ROOT, 'dist', 'vendor', 'form-linting.cjs') : '@camunda/form-linting';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { FormLinter: new () => FormLinter };
  return new mod.FormLinter();
}
