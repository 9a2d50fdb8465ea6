import type { FlowNode } from '../model/types';
import type { Ctx, ElementInstanceRow } from './context';
import * as expr from './expressions';
import { parseData } from './model';
import { visibleVariables } from './variables';
import { updateData } from '../store/elementInstances';

/**
 * FEEL script task: evaluates zeebe:script and completes at once with { [resultVariable]: result }, the way
 * a completed job hands over its variables (output mappings see it; without them it is merged into the scope).
 * A failing expression raises an EXTRACT_VALUE_ERROR incident; resolving it evaluates again.
 */
export function runScript(ctx: Ctx, ei: ElementInstanceRow, node: FlowNode): void {
  const script = node.script!;
  const vars = visibleVariables(ctx, ei.key);
  const result = expr.evaluateValue(script.expression, vars, `the script of '${node.id}'`) ?? null;
  updateData(ctx, ei.key, { ...parseData(ei), triggerVars: { [script.resultVariable]: result } });
  ctx.flow.schedule(ctx, ei.key, 'leave');
}
