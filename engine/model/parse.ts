import { BpmnModdle, type ParseResult } from 'bpmn-moddle';
import zeebeDescriptor from 'zeebe-bpmn-moddle/resources/zeebe.json';
import { BpmnDeployError } from './errors';
import type { UnsupportedFinding } from './types';

/** A parsed `bpmn:Definitions` tree plus parser warnings already turned into findings. */
export interface ParsedDefinitions {
  definitions: ModdleElement;
  findings: UnsupportedFinding[];
}

/** The untyped moddle object graph; accessed through the small helpers in moddle.ts. */
export type ModdleElement = Record<string, any> & { $type: string; id?: string };

const DOCUMENT = '(document)';

/**
 * Parses BPMN XML. Malformed XML throws immediately (nothing else can be checked); parser warnings
 * (unknown elements or attributes, unresolved references, duplicate ids) become findings, because
 * anything moddle skips would otherwise be silently missing at run time.
 */
export async function parseDefinitions(xml: string, resourceName: string): Promise<ParsedDefinitions> {
  if (/<!DOCTYPE/i.test(xml)) {
    // Modelers never write one; entity declarations are the classic XML expansion/XXE vector.
    throw new BpmnDeployError(resourceName, [
      { elementId: DOCUMENT, message: 'The file contains a <!DOCTYPE> declaration, which BPMN files never need and the engine does not accept. Remove it and deploy again.' },
    ]);
  }
  const moddle = new BpmnModdle({ zeebe: zeebeDescriptor });
  let result: ParseResult;
  try {
    result = await moddle.fromXML(xml, 'bpmn:Definitions');
  } catch (error) {
    throw new BpmnDeployError(resourceName, [
      { elementId: DOCUMENT, message: `The file is not valid BPMN XML: ${describeParserMessage(String((error as Error).message))}. Fix the XML (e.g. open and save it in Camunda Modeler) and deploy again.` },
    ]);
  }
  if (!result.rootElement || result.rootElement.$type !== 'bpmn:Definitions') {
    throw new BpmnDeployError(resourceName, [
      { elementId: DOCUMENT, message: 'The file is not a BPMN 2.0 document: the root element must be <bpmn:definitions> in namespace http://www.omg.org/spec/BPMN/20100524/MODEL.' },
    ]);
  }
  // Zeebe ignores diagram interchange (DI): a shape or plane pointing at a missing element is harmless.
  const findings = result.warnings.filter((w) => !inDiagram(w.element as ModdleElement | undefined)).map((w) => warningToFinding(w, xml));
  return { definitions: result.rootElement as ModdleElement, findings };
}

function warningToFinding(warning: ParseResult['warnings'][number], xml: string): UnsupportedFinding {
  const element = warning.element as ModdleElement | undefined;
  const text = describeParserMessage(warning.message);
  const owner = nearestWithId(element);
  if (owner) {
    const within = owner === element ? '' : ` in <${element!.$type}>`;
    return { elementId: owner.id!, message: `Element '${owner.id}' (${owner.$type})${within}: ${text}. Remove or correct it; the engine would otherwise ignore it silently.` };
  }
  const id = idAtPosition(warning.message, xml) ?? DOCUMENT;
  const where = id === DOCUMENT ? '' : `Element '${id}': `;
  return { elementId: id, message: `${where}${text}. Remove or correct it; the engine would otherwise ignore it silently.` };
}

function inDiagram(element: ModdleElement | undefined): boolean {
  for (let current = element; current; current = current.$parent as ModdleElement | undefined) {
    if (/^(bpmndi|dc|di):/.test(current.$type)) return true;
  }
  return false;
}

/** Extension elements (e.g. zeebe:taskDefinition) have no id: name the flow element they belong to. */
function nearestWithId(element: ModdleElement | undefined): ModdleElement | undefined {
  for (let current = element; current; current = current.$parent as ModdleElement | undefined) {
    if (current.id) return current;
  }
  return undefined;
}

/** Turns moddle's multi-line message (0-based line/column) into one line with 1-based positions. */
function describeParserMessage(message: string): string {
  const position = parsePosition(message);
  const firstLine = message.split('\n')[0]!.trim();
  const nested = /nested error: (.*)/.exec(message)?.[1]?.trim();
  const reason = nested ? `${firstLine} (${nested})` : firstLine;
  if (!position) return reason;
  return `${reason} at line ${position.line + 1}, column ${position.column + 1}`;
}

function parsePosition(message: string): { line: number; column: number } | undefined {
  const line = /line: (\d+)/.exec(message);
  const column = /column: (\d+)/.exec(message);
  if (!line || !column) return undefined;
  return { line: Number(line[1]), column: Number(column[1]) };
}

/** The id attribute of the tag the parser choked on, so the finding can name the element. */
function idAtPosition(message: string, xml: string): string | undefined {
  const position = parsePosition(message);
  if (!position) return undefined;
  const line = xml.split(/\r?\n/)[position.line];
  if (line === undefined) return undefined;
  const tag = /^<[^>]*>/.exec(line.slice(position.column))?.[0];
  return tag ? /\sid="([^"]*)"/.exec(tag)?.[1] : undefined;
}
