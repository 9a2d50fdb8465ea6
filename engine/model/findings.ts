import type { UnsupportedFinding } from './types';
import type { ModdleElement } from './parse';

/** Collects findings; every message names the element and its BPMN type so it can be found in the modeler. */
export class FindingCollector {
  readonly findings: UnsupportedFinding[] = [];

  /** `problem` continues the sentence "Element 'X' (bpmn:Type) ...". */
  report(element: ModdleElement, problem: string): void {
    const id = element.id || '(no id)';
    this.findings.push({ elementId: id, message: `Element '${id}' (${element.$type}) ${problem}` });
  }

  add(finding: UnsupportedFinding): void {
    this.findings.push(finding);
  }
}
