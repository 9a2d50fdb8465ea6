/**
 * Diagram tidiness from the diagram interchange: no two flow-node shapes overlap (except a subprocess and its
 * content, a boundary event and its host), no label overlaps another shape or label, every boundary event sits on
 * its host's border, and every element has a shape or edge.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers';

interface Box { id: string; x: number; y: number; w: number; h: number }
const files = fs.readdirSync(path.join(ROOT, 'bpmn')).filter((f) => f.endsWith('.bpmn')).sort();
const overlap = (a: Box, b: Box, pad = 0) => a.x < b.x + b.w - pad && b.x < a.x + a.w - pad && a.y < b.y + b.h - pad && b.y < a.y + a.h - pad;

function parse(xml: string) {
  const shapes: Box[] = [];
  const labels: Box[] = [];
  for (const m of xml.matchAll(/<bpmndi:BPMNShape id="[^"]+" bpmnElement="([^"]+)"[^>]*><dc:Bounds x="(-?\d+)" y="(-?\d+)" width="(\d+)" height="(\d+)" \/>(<bpmndi:BPMNLabel><dc:Bounds x="(-?\d+)" y="(-?\d+)" width="(\d+)" height="(\d+)" \/>)?/g)) {
    shapes.push({ id: m[1], x: +m[2], y: +m[3], w: +m[4], h: +m[5] });
    if (m[6]) labels.push({ id: m[1], x: +m[7], y: +m[8], w: +m[9], h: +m[10] });
  }
  const parentOf = new Map<string, string>();
  // children of subprocesses: elements declared between <bpmn:subProcess id="X" ...> and its closing tag
  const stack: string[] = [];
  for (const m of xml.matchAll(/<bpmn:subProcess id="([^"]+)"|<\/bpmn:subProcess>|<bpmn:\w+ id="([^"]+)"/g)) {
    if (m[1]) { if (stack.length) parentOf.set(m[1], stack[stack.length - 1]); stack.push(m[1]); } else if (m[0] === '</bpmn:subProcess>') stack.pop(); else if (m[2] && stack.length) parentOf.set(m[2], stack[stack.length - 1]);
  }
  const hostOf = new Map([...xml.matchAll(/<bpmn:boundaryEvent id="([^"]+)"[^>]*attachedToRef="([^"]+)"/g)].map((m) => [m[1], m[2]]));
  return { shapes, labels, parentOf, hostOf };
}

test.each(files)('%s is tidy: no overlapping shapes or labels, boundary events on their hosts', (file) => {
  const xml = fs.readFileSync(path.join(ROOT, 'bpmn', file), 'utf8');
  const { shapes, labels, parentOf, hostOf } = parse(xml);
  const related = (a: string, b: string) => {
    for (let p = parentOf.get(a); p; p = parentOf.get(p)) if (p === b) return true;
    for (let p = parentOf.get(b); p; p = parentOf.get(p)) if (p === a) return true;
    return hostOf.get(a) === b || hostOf.get(b) === a || (hostOf.get(a) !== undefined && parentOf.get(hostOf.get(a)!) === b);
  };
  const problems: string[] = [];
  for (let i = 0; i < shapes.length; i++) for (let j = i + 1; j < shapes.length; j++) {
    const [a, b] = [shapes[i], shapes[j]];
    if (!related(a.id, b.id) && overlap(a, b)) problems.push(`shapes ${a.id} and ${b.id} overlap`);
  }
  for (const l of labels) {
    for (const s of shapes) if (s.id !== l.id && !isAncestor(parentOf, l.id, s.id) && overlap(l, s, 2)) problems.push(`label of ${l.id} overlaps ${s.id}`);
    for (const o of labels) if (o.id < l.id && overlap(l, o)) problems.push(`labels of ${l.id} and ${o.id} overlap`);
  }
  for (const [b, host] of hostOf) {
    const e = shapes.find((s) => s.id === b)!, h = shapes.find((s) => s.id === host)!;
    const cx = e.x + e.w / 2, cy = e.y + e.h / 2;
    const onBorder = (cx >= h.x && cx <= h.x + h.w && (Math.abs(cy - h.y) <= 1 || Math.abs(cy - (h.y + h.h)) <= 1))
      || (cy >= h.y && cy <= h.y + h.h && (Math.abs(cx - h.x) <= 1 || Math.abs(cx - (h.x + h.w)) <= 1));
    if (!onBorder) problems.push(`boundary ${b} is not on the border of ${host}`);
  }
  const elements = [...xml.matchAll(/<bpmn:(?!process|documentation|extensionElements|incoming|outgoing|conditionExpression|text\b|time\w+|\w+EventDefinition|multiInstance|message |error |escalation )\w+ id="([^"]+)"/g)].map((m) => m[1]);
  const drawn = new Set([...xml.matchAll(/bpmnElement="([^"]+)"/g)].map((m) => m[1]));
  for (const id of elements) if (!drawn.has(id)) problems.push(`${id} has no diagram shape/edge`);
  expect(problems).toEqual([]);
});

function isAncestor(parentOf: Map<string, string>, child: string, anc: string) {
  for (let p = parentOf.get(child); p; p = parentOf.get(p)) if (p === anc) return true;
  return false;
}
