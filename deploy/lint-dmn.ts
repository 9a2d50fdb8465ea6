import { DmnModdle } from 'dmn-moddle';
import type { DeployFile } from './files';
import type { LintProblem, LintResult } from './lint';

/**
 * Lints a DMN file before deploying, as far as a file on its own can be judged: readable DMN 1.3 XML with at least
 * one decision, and nothing the parser had to skip. The engine (or the cluster) checks the rest at deploy (hit
 * policies, FEEL, required decisions) and its refusal is shown as it is.
 */
export async function lintDecisionFile(file: DeployFile): Promise<LintResult> {
  const problems: LintProblem[] = [];
  let parsed: { rootElement: { $type?: string; drgElement?: Array<{ $type: string }> }; warnings: Array<{ message: string }> };
  try {
    parsed = await new DmnModdle().fromXML(file.content, 'dmn:Definitions');
  } catch (e) {
    const reason = String((e as Error).message).split('\n')[0];
    problems.push({ category: 'error', rule: 'dmn-xml', message: `not readable DMN XML: ${reason}`,
      messageSv: `Beslutsfilen går inte att läsa (ogiltig DMN-XML: ${reason}). Öppna och spara den i Camunda Modeler.` });
    return { file: file.name, problems };
  }
  if (parsed.rootElement?.$type !== 'dmn:Definitions') {
    problems.push({ category: 'error', rule: 'dmn-xml', message: 'not a DMN 1.3 document (the root must be <definitions> of https://www.omg.org/spec/DMN/20191111/MODEL/)',
      messageSv: 'Filen är inget DMN 1.3-dokument. Spara beslutstabellen från Camunda Modeler (DMN 1.3).' });
    return { file: file.name, problems };
  }
  if (!(parsed.rootElement.drgElement ?? []).some((e) => e.$type === 'dmn:Decision')) {
    problems.push({ category: 'error', rule: 'dmn-decision', message: 'the file contains no decision',
      messageSv: 'Beslutsfilen innehåller inget beslut. Lägg till en beslutstabell eller ett litteralt uttryck.' });
  }
  for (const w of parsed.warnings) {
    const reason = w.message.split('\n')[0];
    problems.push({ category: 'error', rule: 'dmn-xml', message: reason, messageSv: `Beslutsfilen innehåller något som inte kan tolkas (${reason}). Rätta eller ta bort det i Camunda Modeler.` });
  }
  return { file: file.name, problems };
}
