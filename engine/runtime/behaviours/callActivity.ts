import { getElementInstance, updateData } from '../../store/elementInstances';
import { ElementFailure } from '../errors';
import * as expr from '../expressions';
import { calledDefinition, createProcessInstance } from '../instances';
import { parseData } from '../model';
import { localVariables, visibleVariables } from '../variables';
import type { ElementBehaviour } from './types';

/** A call activity starts an instance of the called process; that instance's completion completes it. */
export const callActivity: ElementBehaviour = {
  onActivate: ({ ctx, ei, node }) => {
    const call = node.callActivity!;
    const vars = visibleVariables(ctx, ei.key);
    const processId = expr.evaluateString(call.processId, vars, `the called element of '${node.id}'`);
    const target = calledDefinition(ctx, ctx.definition(ei.process_definition_key), processId, call.bindingType, call.versionTag);
    if (!target) {
      const which = call.bindingType === 'versionTag' ? ` and version tag '${call.versionTag}'` : call.bindingType === 'deployment' ? ' in the same deployment as the calling process' : '';
      throw new ElementFailure(
        'CALLED_ELEMENT_ERROR',
        `Expected process with BPMN process id '${processId}'${which} to be deployed, but not found. Deploy it, then resolve this incident.`,
      );
    }
    const childVars = call.propagateAllParentVariables === false ? localVariables(ctx, ei.key) : vars;
    const childKey = createProcessInstance(ctx, target, childVars, { parentElementInstance: ei });
    updateData(ctx, ei.key, { ...parseData(ei), childProcessInstanceKey: childKey });
  },
  /** Terminating the call activity terminates the called instance. */
  onTerminate: ({ ctx, data, shared }) => {
    if (data.childProcessInstanceKey === undefined) return;
    const childRoot = getElementInstance(ctx, data.childProcessInstanceKey);
    if (childRoot) shared.terminate(ctx, childRoot);
  },
};
