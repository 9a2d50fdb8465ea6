import type { ElementType, FlowNode } from '../../model/types';
import type { Ctx, ElementData, ElementInstanceRow, Flow } from '../context';

/**
 * What every element kind gets from the token flow (engine/runtime/elements.ts), passed in rather than
 * imported back, so no behaviour module depends on the dispatcher that calls it (Zeebe's BpmnBehaviors).
 */
export interface SharedBehaviours extends Flow {
  /** Schedules the element's completion (its `leave` step) after the current step. */
  complete(ctx: Ctx, ei: ElementInstanceRow): void;
  /** Creates the element's job (zeebe:taskDefinition). */
  createJob(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode): void;
  /** Creates the element's job, or fails the step when the element has no zeebe:taskDefinition. */
  requireJob(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode): void;
  /** Creates a Camunda user task (zeebe:userTask). */
  createUserTask(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode): void;
  /** Opens the waits of the boundary events attached to `node` on the instance `host`. */
  openBoundaryWaits(ctx: Ctx, host: ElementInstanceRow, node: FlowNode): void;
}

/** The arguments of a hook: the element instance, its compiled node (none for the process root) and its data. */
export interface HookArgs<N extends FlowNode | undefined = FlowNode> {
  ctx: Ctx;
  ei: ElementInstanceRow;
  node: N;
  data: ElementData;
  shared: SharedBehaviours;
}

/**
 * The lifecycle hooks of one element kind, as Zeebe's BpmnElementProcessor. The dispatcher runs what is common
 * to all kinds (input/output mappings, execution listeners, boundary waits, ending the instance, taking flows);
 * a hook only holds what is particular to its kind. Hooks left out have the default noted on each.
 */
export interface ElementBehaviour<N extends FlowNode | undefined = FlowNode> {
  /**
   * The element is entered: start its work (a job, a wait, a child flow) or complete it at once.
   * Runs after input mappings, start listeners and boundary waits unless `ownActivation` is set.
   */
  onActivate(args: HookArgs<N>): void;
  /** The element runs its own input mappings, listeners and boundary waits (a multi-instance body's are its inner instances'). */
  ownActivation?: boolean;
  /**
   * The element completes, before its end listeners: what it hands to the scope above. Default: its output
   * mappings, or the variables of what completed it (job, message, called process).
   */
  onCompleting?(args: HookArgs<N>): void;
  /** The sequence flows to take when it completes. Default: all outgoing flows. */
  outgoing?(args: HookArgs<N>): string[];
  /** The element has completed (it is ended). Default: continue in its flow scope (flows, or the scope's completion). */
  onCompleted?(args: HookArgs<N>): void;
  /** A child of this element completed. Default: the child continues in this scope by its own flows. */
  onChildCompleted?(args: HookArgs<N>, child: ElementInstanceRow): void;
  /** The element is being terminated, its children already are: end what only it holds (called instance, items). */
  onTerminate?(args: HookArgs<N>): void;
  /** The element has been terminated (it is ended). */
  onTerminated?(args: HookArgs<N>): void;
}

/** Every kind of element instance: each BPMN flow-node type, the event sub-process, and the engine's own wrappers. */
export type BehaviourKind = ElementType | 'eventSubProcess' | 'multiInstanceBody' | 'process';

/** The behaviour table: one entry per kind, so a kind without a behaviour is a type error. */
export type BehaviourTable = { [K in BehaviourKind]: ElementBehaviour<K extends 'process' ? undefined : FlowNode> };
