/**
 * Diagram tidiness read from the diagram interchange through bpmn-moddle (so it holds for any formatting Camunda
 * Modeler or the web modeler writes): no two flow-node shapes overlap (except a subprocess and its content, a
 * boundary event and its host), no label overlaps another shape or label, every boundary event sits on its host's
 * border, and every flow element and artifact has a shape or edge.
 */
import { BpmnModdle } from 'bpmn-moddle';
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json';

interface Box { id: string; x: number; y: number; w: number; h: number }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type El = any;

const overlap = (a: Box, b: Box, pad = 0) => a.x < b.x + b.w - pad && b.x < a.x + a.w - pad && a.y < b.y + b.h - pad && b.y < a.y + a.h - pad;
const box = (id: string, b: { x: number; y: number; width: number; height: number }): Box => ({ id, x: b.x, y: b.y, w: b.width, h: b.height });

export async function layoutProblems(xml: string): Promise<string[]> {
  const { rootElement: defs } = await new BpmnModdle({ zeebe }).fromXML(xml, 'bpmn:Definitions');
  const parentOf = new Map<string, string>();
  const hostOf = new Map<string, string>();
  const elements: string[] = [];
  const walk = (container: El) => {
    for (const e of [...(container.flowElements ?? []), ...(container.artifacts ?? [])] as El[]) {
      elements.push(e.id);
      if (container.$type === 'bpmn:SubProcess') parentOf.set(e.id, container.id);
      if (e.$type === 'bpmn:BoundaryEvent' && e.attachedToRef) hostOf.set(e.id, e.attachedToRef.id);
      if (e.flowElements) walk(e);
    }
  };
  for (const root of (defs.rootElements ?? []) as El[]) if (root.$type === 'bpmn:Process') walk(root);

  const shapes: Box[] = [];
  const labels: Box[] = [];
  const drawn = new Set<string>();
  for (const diagram of (defs.diagrams ?? []) as El[]) {
    for (const di of (diagram.plane?.planeElement ?? []) as El[]) {
      const id = di.bpmnElement?.id;
      if (!id) continue;
      drawn.add(id);
      if (di.$type !== 'bpmndi:BPMNShape' || !di.bounds) continue;
      // participants and lanes frame everything; only flow nodes and artifacts must keep apart
      if (['bpmn:Participant', 'bpmn:Lane'].includes(di.bpmnElement.$type)) continue;
      shapes.push(box(id, di.bounds));
      if (di.label?.bounds) labels.push(box(id, di.label.bounds));
    }
  }

  const ancestor = (child: string, anc: string) => { for (let p = parentOf.get(child); p; p = parentOf.get(p)) if (p === anc) return true; return false; };
  const related = (a: string, b: string) =>
    ancestor(a, b) || ancestor(b, a) || hostOf.get(a) === b || hostOf.get(b) === a || (hostOf.get(a) !== undefined && parentOf.get(hostOf.get(a)!) === b);

  const problems: string[] = [];
  for (let i = 0; i < shapes.length; i++) for (let j = i + 1; j < shapes.length; j++) {
    const [a, b] = [shapes[i], shapes[j]];
    if (!related(a.id, b.id) && overlap(a, b)) problems.push(`shapes ${a.id} and ${b.id} overlap`);
  }
  for (const l of labels) {
    for (const s of shapes) if (s.id !== l.id && !ancestor(l.id, s.id) && overlap(l, s, 2)) problems.push(`label of ${l.id} overlaps ${s.id}`);
    for (const o of labels) if (o.id < l.id && overlap(l, o)) problems.push(`labels of ${l.id} and ${o.id} overlap`);
  }
  for (const [b, host] of hostOf) {
    const e = shapes.find((s) => s.id === b);
    const h = shapes.find((s) => s.id === host);
    if (!e || !h) continue; // reported below as undrawn
    const cx = e.x + e.w / 2, cy = e.y + e.h / 2;
    const onBorder = (cx >= h.x && cx <= h.x + h.w && (Math.abs(cy - h.y) <= 1 || Math.abs(cy - (h.y + h.h)) <= 1))
      || (cy >= h.y && cy <= h.y + h.h && (Math.abs(cx - h.x) <= 1 || Math.abs(cx - (h.x + h.w)) <= 1));
    if (!onBorder) problems.push(`boundary ${b} is not on the border of ${host}`);
  }
  for (const id of elements) if (!drawn.has(id)) problems.push(`${id} has no diagram shape/edge`);
  return problems;
}
