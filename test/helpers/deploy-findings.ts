import { BpmnDeployError, compileBpmn, type UnsupportedFinding } from '../../engine/model';

/** Compiles a diagram that must be refused and returns the refusal; fails the test if it compiles. */
export async function deployError(xml: string, fileName = 'diagram.bpmn'): Promise<BpmnDeployError> {
  try {
    await compileBpmn(xml, fileName);
  } catch (error) {
    if (error instanceof BpmnDeployError) return error;
    throw error;
  }
  throw new Error('expected the diagram to be refused, but it compiled');
}

/** The findings of a diagram that must be refused at deploy. */
export async function findingsOf(xml: string, fileName?: string): Promise<UnsupportedFinding[]> {
  return (await deployError(xml, fileName)).findings;
}
