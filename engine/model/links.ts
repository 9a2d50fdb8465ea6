import type { CompiledProcess, EventDefinition, FlowNode } from './types';
import type { ModdleElement } from './parse';
import type { FindingCollector } from './findings';
import { attr } from './moddle';

/** A link event (throw or catch) by its name; Zeebe: "Link name must be present and not empty." */
export function compileLink(event: ModdleElement, definition: ModdleElement, findings: FindingCollector): EventDefinition | undefined {
  const linkName = attr(definition, 'name');
  if (!linkName) {
    findings.report(event, 'is a link event without a link name. Link name must be present and not empty; give the throw and the catch event the same name.');
    return undefined;
  }
  return { kind: 'link', linkName };
}

type Report = (id: string, problem: string) => void;

/**
 * Zeebe's pairing rules (ModelUtil.verifyLinkIntermediateEvents), per scope: catch names are unique and every
 * throw has a catch of its name. A link throw continues at its catch event, so outgoing flows on it would be
 * ignored: they are refused here instead.
 */
export function validateLinks(process: CompiledProcess, report: Report): void {
  const nodes = Object.values(process.elements);
  const links = nodes.filter((n) => n.eventDefinition?.kind === 'link');
  const scopes = new Set(links.map((n) => n.parentId));
  for (const scope of scopes) {
    const inScope = links.filter((n) => n.parentId === scope);
    const catches = new Map<string, string>();
    for (const node of inScope.filter((n) => n.type === 'intermediateCatchEvent')) {
      const name = linkNameOf(node);
      const previous = catches.get(name);
      if (previous) report(node.id, `catches the link '${name}' like '${previous}'. Multiple intermediate catch link event definitions with the same name '${name}' are not allowed; rename one.`);
      else catches.set(name, node.id);
    }
    for (const node of inScope.filter((n) => n.type === 'intermediateThrowEvent')) {
      const name = linkNameOf(node);
      if (!catches.has(name)) report(node.id, `throws the link '${name}', but there is no link catch event of that name in the same (sub)process. Can't find an catch link event for the throw link event with the name '${name}'; add one there.`);
      if (node.outgoing.length > 0) report(node.id, `is a link throw event with outgoing sequence flows; the flow continues at the link catch event '${name}'. Remove the outgoing flows.`);
    }
  }
}

/** The catch event a link throw continues at: same scope, same name (unique after validation). */
export function linkCatchOf(process: CompiledProcess, thrower: FlowNode): FlowNode | undefined {
  if (thrower.type !== 'intermediateThrowEvent' || thrower.eventDefinition?.kind !== 'link') return undefined;
  const name = thrower.eventDefinition.linkName;
  return Object.values(process.elements).find(
    (n) => n.type === 'intermediateCatchEvent' && n.parentId === thrower.parentId && n.eventDefinition?.kind === 'link' && n.eventDefinition.linkName === name,
  );
}

function linkNameOf(node: FlowNode): string {
  return node.eventDefinition?.kind === 'link' ? node.eventDefinition.linkName : '';
}
