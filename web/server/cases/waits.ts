import { BpmnModdle } from 'bpmn-moddle';

/**
 * Which active elements mean "this process instance waits for message X now", read from the deployed diagram.
 * The case page offers a message action only when a process of the case waits for it, and this mapping comes from the
 * diagram itself (not a hard-coded element id list), so it stays right when the diagrams change:
 * - an intermediate catch event: the event itself, or the event-based gateway in front of it;
 * - a boundary event: the activity it is attached to;
 * - a receive task: the task;
 * - the message start of an event subprocess: its enclosing subprocess, or `PROCESS` (any active instance).
 */
export type MessageWaits = Map<string, Set<string>>;

export const WHOLE_PROCESS = 'PROCESS';

export async function messageWaits(xml: string): Promise<MessageWaits> {
  const { rootElement } = await new BpmnModdle().fromXML(xml);
  const waits: MessageWaits = new Map();
  const add = (message: string | undefined, elementId: string) => {
    if (!message) return;
    if (!waits.has(message)) waits.set(message, new Set());
    waits.get(message)!.add(elementId);
  };
  const messageOf = (el: any): string | undefined =>
    (el.eventDefinitions ?? []).find((d: any) => d.$type === 'bpmn:MessageEventDefinition')?.messageRef?.name;
  const walk = (container: any, containerId: string) => {
    for (const el of container.flowElements ?? []) {
      switch (el.$type) {
        case 'bpmn:IntermediateCatchEvent': {
          const m = messageOf(el);
          add(m, el.id);
          for (const flow of el.incoming ?? []) if (flow.sourceRef?.$type === 'bpmn:EventBasedGateway') add(m, flow.sourceRef.id);
          break;
        }
        case 'bpmn:BoundaryEvent': add(messageOf(el), el.attachedToRef?.id); break;
        case 'bpmn:ReceiveTask': add(el.messageRef?.name, el.id); break;
        case 'bpmn:SubProcess':
          if (el.triggeredByEvent) {
            for (const s of el.flowElements ?? []) if (s.$type === 'bpmn:StartEvent') add(messageOf(s), containerId);
          }
          walk(el, el.id);
          break;
        default: break;
      }
    }
  };
  for (const root of rootElement.rootElements ?? []) if (root.$type === 'bpmn:Process') walk(root, WHOLE_PROCESS);
  return waits;
}

/** Does an instance with these active element ids wait for `message`? */
export function waitsFor(waits: MessageWaits, message: string, activeElementIds: Iterable<string>, instanceActive: boolean): boolean {
  const ids = waits.get(message);
  if (!ids || !instanceActive) return false;
  if (ids.has(WHOLE_PROCESS)) return true;
  for (const id of activeElementIds) if (ids.has(id)) return true;
  return false;
}
