/**
 * BPMN XML → executable CompiledProcess, with deploy-time validation. What is supported is
 * listed in support.ts (and docs/engine-bpmn-support.md).
 */
import { BpmnDeployError } from './errors';
import { FindingCollector } from './findings';
import { parseDefinitions, type ModdleElement } from './parse';
import { ProcessCompiler } from './compile';
import { validateStructure } from './validate';
import { validateExpressions } from './expressions';
import type { CompiledProcess } from './types';

export { BpmnDeployError } from './errors';

/**
 * Version of the CompiledProcess shape stored with each deployed definition. Raise it whenever the compiler's
 * output changes shape or meaning; on start the engine recompiles stored definitions of another version from
 * their stored XML (Engine.recompileOutdated).
 */
export const COMPILED_FORMAT = 1;
export { parseForm, type ParsedForm } from './form';
export type * from './types';

/**
 * Compiles every executable process in a BPMN document. Throws BpmnDeployError listing all
 * problems when anything cannot be executed; never returns a partially usable model.
 */
export async function compileBpmn(xml: string, resourceName = 'BPMN resource'): Promise<CompiledProcess[]> {
  const { definitions, findings: parserFindings } = await parseDefinitions(xml, resourceName);
  const findings = new FindingCollector();
  parserFindings.forEach((f) => findings.add(f));

  const namespaces = namespacePrefixes(definitions);
  const processes = ((definitions.rootElements as ModdleElement[] | undefined) ?? []).filter((e) => e.$type === 'bpmn:Process');
  const executable = processes.filter((p) => p.isExecutable === true);
  if (executable.length === 0) {
    const first = processes[0]?.id as string | undefined;
    findings.add({
      elementId: first ?? '(document)',
      message: first
        ? `Process '${first}' is not marked as executable, so the file contains no executable process. Set isExecutable="true" (in Camunda Modeler: "Executable").`
        : 'The file contains no executable process. Add a bpmn:process with isExecutable="true".',
    });
  }
  const compiled = executable.map((process) => {
    const compiler = new ProcessCompiler(findings, namespaces);
    const result = compiler.compile(process);
    validateStructure(result, (id) => compiler.sourceOf(id), findings);
    validateExpressions(result, (id) => compiler.sourceOf(id), findings);
    return result;
  });
  if (findings.findings.length > 0) throw new BpmnDeployError(resourceName, findings.findings);
  return compiled;
}

function namespacePrefixes(definitions: ModdleElement): Record<string, string> {
  const prefixes: Record<string, string> = {};
  for (const [name, uri] of Object.entries((definitions.$attrs as Record<string, string> | undefined) ?? {})) {
    if (name.startsWith('xmlns:')) prefixes[name.slice('xmlns:'.length)] = uri;
  }
  return prefixes;
}
