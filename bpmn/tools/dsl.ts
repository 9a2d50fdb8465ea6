/**
 * Tiny builder that writes the care-chain diagrams (bpmn/*.bpmn) with Zeebe extensions and diagram
 * interchange (layout on a grid, orthogonal edges). The generated .bpmn files are committed and are what is
 * deployed; regenerate with `npx tsx bpmn/tools/generate.ts` after changing a definition in bpmn/tools/processes/.
 */
export const COLW = 170;
export const ROWH = 130;
const X0 = 180;
const Y0 = 300;

export type Mapping = [source: string, target: string];
export interface Common {
  id: string;
  name?: string;
  col: number;
  row: number;
  doc?: string;
  inputs?: Mapping[];
  outputs?: Mapping[];
}
export type NodeSpec = Common & (
  | { kind: 'start'; timerCycle?: string; message?: string; interrupting?: boolean }
  | { kind: 'end'; terminate?: boolean; error?: string }
  | { kind: 'user'; form: string; groups: string; due?: string; followUp?: string; multi?: { collection: string; element: string; sequential?: boolean } }
  | { kind: 'service'; type: string; headers?: Record<string, string> }
  | { kind: 'xor'; default?: string }
  | { kind: 'and' }
  | { kind: 'evgw' }
  | { kind: 'catchMsg'; message: string }
  | { kind: 'catchTimer'; date?: string; duration?: string }
  | { kind: 'receive'; message: string }
  | { kind: 'call'; processId: string; propagateAll?: boolean }
  | { kind: 'sub'; children: NodeSpec[]; flows: FlowSpec[]; pad?: number }
  | { kind: 'evsub'; children: NodeSpec[]; flows: FlowSpec[]; pad?: number }
  | { kind: 'boundary'; host: string; interrupting?: boolean; side?: 'bottom' | 'top'; offset?: number; timerDate?: string; timerCycle?: string; timerDuration?: string; message?: string; error?: string; labelSide?: 'left' | 'right' | 'below' | 'belowLeft' }
);
export interface FlowSpec {
  from: string;
  to: string;
  name?: string;
  cond?: string;
  isDefault?: boolean;
  /** y (absolute) of the horizontal segment for back edges / custom routes */
  viaY?: number;
  viaX?: number;
}
export interface ProcessSpec {
  id: string;
  name: string;
  doc: string;
  versionTag?: string;
  nodes: NodeSpec[];
  flows: FlowSpec[];
  annotations?: Array<{ id: string; text: string; col: number; row: number; w?: number; h?: number; attachTo?: string }>;
}

interface Bounds { x: number; y: number; w: number; h: number }
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export const cx = (col: number) => X0 + col * COLW;
export const cy = (row: number) => Y0 + row * ROWH;

function size(n: NodeSpec): [number, number] {
  switch (n.kind) {
    case 'start': case 'end': case 'catchMsg': case 'catchTimer': case 'boundary': return [36, 36];
    case 'xor': case 'and': case 'evgw': return [50, 50];
    default: return [120, 80];
  }
}

export function build(p: ProcessSpec): string {
  const bounds = new Map<string, Bounds>();
  const all = new Map<string, NodeSpec>();
  const messages = new Set<string>();
  const errors = new Set<string>();
  const walk = (nodes: NodeSpec[]) => {
    for (const n of nodes) {
      all.set(n.id, n);
      if (n.kind === 'sub' || n.kind === 'evsub') walk(n.children);
    }
  };
  walk(p.nodes);
  // bounds: leaves first, subprocesses from their children
  const place = (nodes: NodeSpec[]) => {
    for (const n of nodes) {
      if (n.kind === 'boundary') continue;
      if (n.kind === 'sub' || n.kind === 'evsub') {
        place(n.children);
        const pad = n.pad ?? 40;
        const bs = n.children.filter((c) => c.kind !== 'boundary').map((c) => bounds.get(c.id)!);
        const x0 = Math.min(...bs.map((b) => b.x)) - pad, y0 = Math.min(...bs.map((b) => b.y)) - pad - 10;
        const x1 = Math.max(...bs.map((b) => b.x + b.w)) + pad, y1 = Math.max(...bs.map((b) => b.y + b.h)) + pad + 10;
        bounds.set(n.id, { x: x0, y: y0, w: x1 - x0, h: y1 - y0 });
      } else {
        const [w, h] = size(n);
        bounds.set(n.id, { x: cx(n.col) - w / 2, y: cy(n.row) - h / 2, w, h });
      }
    }
  };
  place(p.nodes);
  for (const n of all.values()) {
    if (n.kind !== 'boundary') continue;
    const hb = bounds.get(n.host)!;
    const off = n.offset ?? 0.3;
    const bx = hb.x + hb.w * off;
    const by = n.side === 'top' ? hb.y : hb.y + hb.h;
    bounds.set(n.id, { x: bx - 18, y: by - 18, w: 36, h: 36 });
  }

  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, string[]>();
  const allFlows: Array<FlowSpec & { id: string }> = [];
  const collectFlows = (flows: FlowSpec[]) => {
    for (const f of flows) {
      const id = `Flow_${f.from}_${f.to}`;
      allFlows.push({ ...f, id });
      if (!all.has(f.from) || !all.has(f.to)) throw new Error(`${p.id}: flow ${id} references unknown node`);
      outgoing.set(f.from, [...(outgoing.get(f.from) ?? []), id]);
      incoming.set(f.to, [...(incoming.get(f.to) ?? []), id]);
    }
  };
  collectFlows(p.flows);
  for (const n of all.values()) if (n.kind === 'sub' || n.kind === 'evsub') collectFlows(n.flows);

  const ext = (parts: string[]) => (parts.filter(Boolean).length ? `<bpmn:extensionElements>${parts.join('')}</bpmn:extensionElements>` : '');
  const io = (n: NodeSpec) => {
    if (!n.inputs?.length && !n.outputs?.length) return '';
    return `<zeebe:ioMapping>${(n.inputs ?? []).map(([s, t]) => `<zeebe:input source="${esc(s)}" target="${t}" />`).join('')}${(n.outputs ?? []).map(([s, t]) => `<zeebe:output source="${esc(s)}" target="${t}" />`).join('')}</zeebe:ioMapping>`;
  };
  // tasks without their own documentation cite the routine the process implements
  const routine = /^Rutin:.*?\)\./.exec(p.doc)?.[0] ?? p.doc;
  const taskKinds = ['user', 'service', 'call', 'receive'];
  const doc = (n: { doc?: string; kind?: string }) => {
    const text = n.doc ?? (n.kind && taskKinds.includes(n.kind) ? routine : undefined);
    return text ? `<bpmn:documentation>${esc(text)}</bpmn:documentation>` : '';
  };
  const inout = (id: string) => (incoming.get(id) ?? []).map((f) => `<bpmn:incoming>${f}</bpmn:incoming>`).join('') + (outgoing.get(id) ?? []).map((f) => `<bpmn:outgoing>${f}</bpmn:outgoing>`).join('');
  const msgDef = (name: string) => { messages.add(name); return `<bpmn:messageEventDefinition id="Def_${uid()}" messageRef="Message_${slug(name)}" />`; };
  let counter = 0;
  const uid = () => `${p.id.replace(/-/g, '_')}_${++counter}`;
  const timerDef = (t: { date?: string; cycle?: string; duration?: string }) => {
    const body = t.date ? `<bpmn:timeDate xsi:type="bpmn:tFormalExpression">${esc(t.date)}</bpmn:timeDate>`
      : t.cycle ? `<bpmn:timeCycle xsi:type="bpmn:tFormalExpression">${esc(t.cycle)}</bpmn:timeCycle>`
        : `<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">${esc(t.duration!)}</bpmn:timeDuration>`;
    return `<bpmn:timerEventDefinition id="Def_${uid()}">${body}</bpmn:timerEventDefinition>`;
  };
  const nameAttr = (n: NodeSpec) => (n.name ? ` name="${esc(n.name)}"` : '');

  const el = (n: NodeSpec): string => {
    const a = `id="${n.id}"${nameAttr(n)}`;
    switch (n.kind) {
      case 'start': {
        const def = n.timerCycle ? timerDef({ cycle: n.timerCycle }) : n.message ? msgDef(n.message) : '';
        return `<bpmn:startEvent ${a}${n.interrupting === false ? ' isInterrupting="false"' : ''}>${doc(n)}${ext([io(n)])}${inout(n.id)}${def}</bpmn:startEvent>`;
      }
      case 'end': {
        let def = '';
        if (n.terminate) def = `<bpmn:terminateEventDefinition id="Def_${uid()}" />`;
        if (n.error) { errors.add(n.error); def = `<bpmn:errorEventDefinition id="Def_${uid()}" errorRef="Error_${n.error}" />`; }
        return `<bpmn:endEvent ${a}>${doc(n)}${ext([io(n)])}${inout(n.id)}${def}</bpmn:endEvent>`;
      }
      case 'user': {
        const sched = n.due || n.followUp ? `<zeebe:taskSchedule${n.due ? ` dueDate="${esc(n.due)}"` : ''}${n.followUp ? ` followUpDate="${esc(n.followUp)}"` : ''} />` : '';
        const mi = n.multi ? `<bpmn:multiInstanceLoopCharacteristics${n.multi.sequential ? ' isSequential="true"' : ''}><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="${esc(n.multi.collection)}" inputElement="${n.multi.element}" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>` : '';
        return `<bpmn:userTask ${a}>${doc(n)}${ext([`<zeebe:userTask />`, `<zeebe:formDefinition formId="${n.form}" />`, `<zeebe:assignmentDefinition candidateGroups="${esc(n.groups)}" />`, sched, io(n)])}${inout(n.id)}${mi}</bpmn:userTask>`;
      }
      case 'service': {
        const hs = n.headers ? `<zeebe:taskHeaders>${Object.entries(n.headers).map(([k, v]) => `<zeebe:header key="${k}" value="${esc(v)}" />`).join('')}</zeebe:taskHeaders>` : '';
        return `<bpmn:serviceTask ${a}>${doc(n)}${ext([`<zeebe:taskDefinition type="${n.type}" />`, hs, io(n)])}${inout(n.id)}</bpmn:serviceTask>`;
      }
      case 'xor': {
        const d = n.default ? ` default="Flow_${n.id}_${n.default}"` : '';
        return `<bpmn:exclusiveGateway ${a}${d}>${doc(n)}${inout(n.id)}</bpmn:exclusiveGateway>`;
      }
      case 'and': return `<bpmn:parallelGateway ${a}>${doc(n)}${inout(n.id)}</bpmn:parallelGateway>`;
      case 'evgw': return `<bpmn:eventBasedGateway ${a}>${doc(n)}${inout(n.id)}</bpmn:eventBasedGateway>`;
      case 'catchMsg': return `<bpmn:intermediateCatchEvent ${a}>${doc(n)}${ext([io(n)])}${inout(n.id)}${msgDef(n.message)}</bpmn:intermediateCatchEvent>`;
      case 'catchTimer': return `<bpmn:intermediateCatchEvent ${a}>${doc(n)}${ext([io(n)])}${inout(n.id)}${timerDef({ date: n.date, duration: n.duration })}</bpmn:intermediateCatchEvent>`;
      case 'receive': messages.add(n.message); return `<bpmn:receiveTask ${a} messageRef="Message_${slug(n.message)}">${doc(n)}${ext([io(n)])}${inout(n.id)}</bpmn:receiveTask>`;
      case 'call': return `<bpmn:callActivity ${a}>${doc(n)}${ext([`<zeebe:calledElement processId="${n.processId}" propagateAllChildVariables="${n.propagateAll ? 'true' : 'false'}" propagateAllParentVariables="false" />`, io(n)])}${inout(n.id)}</bpmn:callActivity>`;
      case 'sub': case 'evsub': {
        const trig = n.kind === 'evsub' ? ' triggeredByEvent="true"' : '';
        const inner = n.children.map(el).join('\n') + '\n' + n.flows.map(flowXml).join('\n');
        return `<bpmn:subProcess ${a}${trig}>${doc(n)}${ext([io(n)])}${inout(n.id)}\n${inner}\n</bpmn:subProcess>`;
      }
      case 'boundary': {
        const ci = n.interrupting === false ? ' cancelActivity="false"' : '';
        let def = '';
        if (n.timerDate || n.timerCycle || n.timerDuration) def = timerDef({ date: n.timerDate, cycle: n.timerCycle, duration: n.timerDuration });
        else if (n.message) def = msgDef(n.message);
        else if (n.error) { errors.add(n.error); def = `<bpmn:errorEventDefinition id="Def_${uid()}" errorRef="Error_${n.error}" />`; }
        return `<bpmn:boundaryEvent ${a}${ci} attachedToRef="${n.host}">${doc(n)}${ext([io(n)])}${inout(n.id)}${def}</bpmn:boundaryEvent>`;
      }
    }
  };
  const flowXml = (f: FlowSpec & { id?: string }) => {
    const id = `Flow_${f.from}_${f.to}`;
    const c = f.cond ? `<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${esc(f.cond)}</bpmn:conditionExpression>` : '';
    return `<bpmn:sequenceFlow id="${id}"${f.name ? ` name="${esc(f.name)}"` : ''} sourceRef="${f.from}" targetRef="${f.to}">${c}</bpmn:sequenceFlow>`;
  };

  const body = p.nodes.map(el).join('\n') + '\n' + p.flows.map(flowXml).join('\n');
  const annos = (p.annotations ?? []).map((a) => `<bpmn:textAnnotation id="${a.id}"><bpmn:text>${esc(a.text)}</bpmn:text></bpmn:textAnnotation>` + (a.attachTo ? `<bpmn:association id="Assoc_${a.id}" associationDirection="None" sourceRef="${a.attachTo}" targetRef="${a.id}" />` : '')).join('\n');

  // ---- diagram interchange
  const di: string[] = [];
  const isEventOrGw = (n: NodeSpec) => ['start', 'end', 'catchMsg', 'catchTimer', 'boundary', 'xor', 'and', 'evgw'].includes(n.kind);
  const labelW = 110;
  for (const n of all.values()) {
    const b = bounds.get(n.id)!;
    let label = '';
    if (isEventOrGw(n) && n.name) {
      const gateway = n.kind === 'xor' || n.kind === 'evgw' || n.kind === 'and';
      const lines = Math.ceil(n.name.length / (gateway ? 13 : 18));
      const lh = 14 * lines;
      let lx = b.x + b.w / 2 - labelW / 2, ly = b.y + b.h + 5;
      if (n.kind === 'boundary') {
        const side = n.labelSide ?? 'left';
        if (side === 'left') { lx = b.x - labelW + 2; ly = b.y + b.h - lh + 2; }
        else if (side === 'right') { lx = b.x + b.w - 2; ly = b.y + b.h - lh + 2; }
        else if (side === 'belowLeft') { lx = b.x - labelW + 8; ly = b.y + b.h + 2; }
      }
      // gateway labels above-left: clear of the preceding task and of flows leaving the top of the diamond
      if (gateway) { lx = b.x - 62; ly = b.y - lh - 2; }
      label = `<bpmndi:BPMNLabel><dc:Bounds x="${r(lx)}" y="${r(ly)}" width="${gateway ? 80 : labelW}" height="${lh}" /></bpmndi:BPMNLabel>`;
    }
    const expanded = n.kind === 'sub' || n.kind === 'evsub' ? ' isExpanded="true"' : '';
    const marker = n.kind === 'xor' ? ' isMarkerVisible="true"' : '';
    di.push(`<bpmndi:BPMNShape id="${n.id}_di" bpmnElement="${n.id}"${expanded}${marker}><dc:Bounds x="${r(b.x)}" y="${r(b.y)}" width="${r(b.w)}" height="${r(b.h)}" />${label}</bpmndi:BPMNShape>`);
  }
  for (const a of p.annotations ?? []) {
    const w = a.w ?? 220, h = a.h ?? 60;
    const x = cx(a.col) - w / 2, y = cy(a.row) - h / 2;
    di.push(`<bpmndi:BPMNShape id="${a.id}_di" bpmnElement="${a.id}"><dc:Bounds x="${r(x)}" y="${r(y)}" width="${w}" height="${h}" /></bpmndi:BPMNShape>`);
    if (a.attachTo) {
      const t = bounds.get(a.attachTo)!;
      di.push(`<bpmndi:BPMNEdge id="Assoc_${a.id}_di" bpmnElement="Assoc_${a.id}"><di:waypoint x="${r(t.x + t.w / 2)}" y="${r(t.y)}" /><di:waypoint x="${r(t.x + t.w / 2)}" y="${r(y + h)}" /></bpmndi:BPMNEdge>`);
    }
  }
  for (const f of allFlows) {
    const s = bounds.get(f.from)!, t = bounds.get(f.to)!;
    const sn = all.get(f.from)!, tn = all.get(f.to)!;
    const wps = route(s, t, sn, tn, f);
    let label = '';
    if (f.name) {
      const [p0, p1] = [wps[0], wps[1]];
      let lx: number, ly: number;
      if (p0.x === p1.x) { lx = p0.x + 4; ly = (p0.y + p1.y) / 2 - 7; } else { lx = (p0.x + p1.x) / 2 - 15; ly = p0.y - 18; }
      label = `<bpmndi:BPMNLabel><dc:Bounds x="${r(lx)}" y="${r(ly)}" width="${Math.max(20, f.name.length * 6)}" height="14" /></bpmndi:BPMNLabel>`;
    }
    di.push(`<bpmndi:BPMNEdge id="${f.id}_di" bpmnElement="${f.id}">${wps.map((w) => `<di:waypoint x="${r(w.x)}" y="${r(w.y)}" />`).join('')}${label}</bpmndi:BPMNEdge>`);
  }

  const roots = [...messages].sort().map((m) => `<bpmn:message id="Message_${slug(m)}" name="${m}"><bpmn:extensionElements><zeebe:subscription correlationKey="=caseRef" /></bpmn:extensionElements></bpmn:message>`)
    .concat([...errors].sort().map((e) => `<bpmn:error id="Error_${e}" name="${e}" errorCode="${e}" />`)).join('\n');
  const vt = p.versionTag ? `<zeebe:versionTag value="${p.versionTag}" />` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_${p.id.replace(/-/g, '_')}" targetNamespace="http://bpmn.io/schema/bpmn" exporter="vardkedjan bpmn/tools" exporterVersion="1.0" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">
<bpmn:process id="${p.id}" name="${esc(p.name)}" isExecutable="true">
<bpmn:documentation>${esc(p.doc)}</bpmn:documentation>${vt ? `<bpmn:extensionElements>${vt}</bpmn:extensionElements>` : ''}
${body}
${annos}
</bpmn:process>
${roots}
<bpmndi:BPMNDiagram id="BPMNDiagram_1"><bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="${p.id}">
${di.join('\n')}
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

const r = (n: number) => Math.round(n);
export const slug = (s: string) => s.replace(/[^A-Za-z0-9]+/g, '_');

interface Pt { x: number; y: number }
function route(s: Bounds, t: Bounds, sn: NodeSpec, tn: NodeSpec, f: FlowSpec): Pt[] {
  const scx = s.x + s.w / 2, scy = s.y + s.h / 2, tcx = t.x + t.w / 2, tcy = t.y + t.h / 2;
  const gw = (n: NodeSpec) => n.kind === 'xor' || n.kind === 'and' || n.kind === 'evgw';
  if (sn.kind === 'boundary') {
    const host = sn;
    const top = host.side === 'top';
    const sy = top ? s.y : s.y + s.h;
    if (f.viaY !== undefined) return [{ x: scx, y: sy }, { x: scx, y: f.viaY }, { x: tcx, y: f.viaY }, { x: tcx, y: f.viaY > tcy ? t.y + t.h : t.y }];
    if (!top && t.y > sy) {
      if (scx > t.x + 10 && scx < t.x + t.w - 10) return [{ x: scx, y: sy }, { x: scx, y: t.y }];
      const my = f.viaY ?? (sy + t.y) / 2;
      return [{ x: scx, y: sy }, { x: scx, y: my }, { x: tcx, y: my }, { x: tcx, y: t.y }];
    }
    if (top && t.y + t.h < sy) {
      if (scx > t.x + 10 && scx < t.x + t.w - 10) return [{ x: scx, y: sy }, { x: scx, y: t.y + t.h }];
      return [{ x: scx, y: sy }, { x: scx, y: tcy }, { x: t.x, y: tcy }];
    }
    return [{ x: scx, y: sy }, { x: scx, y: tcy }, { x: tcx < scx ? t.x + t.w : t.x, y: tcy }];
  }
  if (f.viaY !== undefined) {
    // back edge or detour: leave from bottom/top, run along viaY, enter from bottom/top
    const sy = f.viaY > scy ? s.y + s.h : s.y;
    const ty = f.viaY > tcy ? t.y + t.h : t.y;
    const sx = f.viaX ?? scx;
    return [{ x: sx, y: sy }, { x: sx, y: f.viaY }, { x: tcx, y: f.viaY }, { x: tcx, y: ty }];
  }
  const isSub = (n: NodeSpec) => n.kind === 'sub' || n.kind === 'evsub';
  if (isSub(tn) && tcx > scx && scy > t.y + 20 && scy < t.y + t.h - 20) return [{ x: s.x + s.w, y: scy }, { x: t.x, y: scy }];
  if (isSub(sn) && tcx > scx && tcy > s.y + 20 && tcy < s.y + s.h - 20) return [{ x: s.x + s.w, y: tcy }, { x: t.x, y: tcy }];
  if (Math.abs(scy - tcy) < 1) {
    if (tcx > scx) return [{ x: s.x + s.w, y: scy }, { x: t.x, y: tcy }];
    return [{ x: s.x, y: scy }, { x: t.x + t.w, y: tcy }];
  }
  if (gw(sn) && !(gw(tn) && f.viaX === undefined && false)) {
    const sy = tcy > scy ? s.y + s.h : s.y;
    if (Math.abs(tcx - scx) < 1) return [{ x: scx, y: sy }, { x: tcx, y: tcy > scy ? t.y : t.y + t.h }];
    return [{ x: scx, y: sy }, { x: scx, y: tcy }, { x: tcx > scx ? t.x : t.x + t.w, y: tcy }];
  }
  if (gw(tn) || Math.abs(tcx - scx) < 1) {
    const ty = scy > tcy ? t.y + t.h : t.y;
    if (Math.abs(tcx - scx) < 1) return [{ x: scx, y: scy > tcy ? s.y : s.y + s.h }, { x: tcx, y: ty }];
    return [{ x: tcx > scx ? s.x + s.w : s.x, y: scy }, { x: tcx, y: scy }, { x: tcx, y: ty }];
  }
  const mx = f.viaX ?? (s.x + s.w + t.x) / 2;
  return [{ x: s.x + s.w, y: scy }, { x: mx, y: scy }, { x: mx, y: tcy }, { x: t.x, y: tcy }];
}

// ---------- helpers for recurring patterns

/** Escalation pattern: reminder + breach boundaries on a user task, each → vk.escalate → end. */
export function escalation(host: { id: string; col: number; row: number }, opts: { deadline: string; dueVar: string; group: string; escalateTo: string; routine: string }): { nodes: NodeSpec[]; flows: FlowSpec[] } {
  const h = host.id;
  const nodes: NodeSpec[] = [
    { kind: 'boundary', id: `${h}_paminnelse`, name: 'Påminnelse', host: h, interrupting: false, offset: 0.2, timerDate: `=${opts.dueVar}Reminder`, col: 0, row: 0, labelSide: 'left',
      doc: `Påminnelse före tidsgränsen (${opts.deadline}); tidpunkt = ${opts.dueVar}Reminder från vk.deadline.calculate. ${opts.routine}` },
    { kind: 'boundary', id: `${h}_forsenad`, name: 'Försenad', host: h, interrupting: false, offset: 0.8, timerCycle: `="R/" + ${opts.dueVar} + "/P1D"`, col: 0, row: 0, labelSide: 'right',
      doc: `Tidsgränsen passerad: eskalering varje dag tills uppgiften är klar. ${opts.routine}` },
    { kind: 'service', id: `${h}_paminn`, name: 'Skicka påminnelse', type: 'vk.escalate', col: host.col, row: host.row + 1,
      headers: { level: 'reminder', deadline: opts.deadline, dueDateVariable: opts.dueVar, group: opts.group, escalateTo: opts.escalateTo } },
    { kind: 'end', id: `${h}_paminnelse_klar`, name: 'Påminnelse skickad', col: host.col, row: host.row + 1.75 },
    { kind: 'service', id: `${h}_eskalera`, name: 'Eskalera försening', type: 'vk.escalate', col: host.col + 1, row: host.row + 1,
      headers: { level: 'breach', deadline: opts.deadline, dueDateVariable: opts.dueVar, group: opts.group, escalateTo: opts.escalateTo } },
    { kind: 'end', id: `${h}_eskalering_klar`, name: 'Eskalering registrerad', col: host.col + 1, row: host.row + 1.75 },
  ];
  const flows: FlowSpec[] = [
    { from: `${h}_paminnelse`, to: `${h}_paminn` }, { from: `${h}_paminn`, to: `${h}_paminnelse_klar` },
    { from: `${h}_forsenad`, to: `${h}_eskalera` }, { from: `${h}_eskalera`, to: `${h}_eskalering_klar` },
  ];
  return { nodes, flows };
}

/** Non-interrupting orosanmälan event subprocess (000:2053-2114). */
export function orosanmalan(col: number, row: number): NodeSpec {
  return {
    kind: 'evsub', id: 'Orosanmalan', name: 'Orosanmälan', col, row,
    doc: 'Barn som anhöriga (000:2053-2114): en orosanmälan ska kunna göras omedelbart från vilket steg som helst. Meddelandet "orosanmalan" (korrelation caseRef) startar en uppgift för socialsekreteraren utan att avbryta processen. Tid för skyddsbedömning: variabeln skyddsbedomningTid (standard PT24H).',
    children: [
      { kind: 'start', id: 'Orosanmalan_start', name: 'Orosanmälan inkommen', message: 'orosanmalan', col, row, interrupting: false },
      { kind: 'user', id: 'Orosanmalan_hantera', name: 'Hantera orosanmälan och gör skyddsbedömning', form: 'vk-orosanmalan', groups: '=["socialsekreterare-" + kommun]',
        due: '=now() + duration(if skyddsbedomningTid = null then "PT24H" else skyddsbedomningTid)', col: col + 1, row,
        doc: 'Socialsekreteraren tar emot orosanmälan, gör skyddsbedömning omedelbart (senast inom skyddsbedomningTid) och beslutar om utredning. Inga hälsouppgifter i fritext.' },
      { kind: 'end', id: 'Orosanmalan_klar', name: 'Orosanmälan hanterad', col: col + 2, row },
    ],
    flows: [{ from: 'Orosanmalan_start', to: 'Orosanmalan_hantera' }, { from: 'Orosanmalan_hantera', to: 'Orosanmalan_klar' }],
  };
}
