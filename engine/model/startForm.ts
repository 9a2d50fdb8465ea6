import type { FormLink } from './types';
import type { ModdleElement } from './parse';
import type { FindingCollector } from './findings';
import { attr, extensionOf } from './moddle';
import { compileBinding } from './activities';

/**
 * A linked Camunda Form on the process's none start event (zeebe:formDefinition formId + binding), served by
 * GET /process-definitions/{key}/form so a client can render it before starting. Zeebe only offers start forms
 * on the none start event of the process; elsewhere it would be ignored, so it is refused. Embedded start forms
 * (formKey "camunda-forms:bpmn:...") are not served by that endpoint in Camunda 8.8 either.
 */
export function compileStartForm(element: ModdleElement, processLevelNoneStart: boolean, findings: FindingCollector): FormLink | undefined {
  const form = extensionOf(element, 'zeebe:FormDefinition');
  if (!form) return undefined;
  if (!processLevelNoneStart) {
    findings.report(element, 'has a start form (zeebe:formDefinition), but only the plain (none) start event of the process can have one. Move the form there or remove it.');
    return undefined;
  }
  const formId = attr(form, 'formId');
  if (attr(form, 'formKey') || attr(form, 'externalReference')) {
    findings.report(element, 'links its start form by formKey or externalReference, which the embedded engine does not serve. Link a deployed Camunda Form with zeebe:formDefinition formId.');
    return undefined;
  }
  if (!formId) {
    findings.report(element, "has an empty zeebe:formDefinition. Exactly one of the attributes 'formId, formKey' must be present and not blank: set formId to the id of a deployed Camunda Form, or remove it.");
    return undefined;
  }
  const binding = compileBinding(element, form, findings);
  if (!binding) return undefined;
  return binding.versionTag ? { formId, bindingType: binding.bindingType, versionTag: binding.versionTag } : { formId, bindingType: binding.bindingType };
}
