/**
 * DMN through the official client: deploying a .dmn (answer lists decisions and decision requirements), versions,
 * refusal of invalid DMN, evaluateDecision (by id and key, with required decisions), decision definition /
 * requirements / instance search, get and XML, and business rule tasks with zeebe:calledDecision: the result
 * variable, output mappings, bindingType deployment, and incidents (CALLED_DECISION_ERROR when the decision is
 * missing, DECISION_EVALUATION_ERROR when it fails) that resolve into a completed task.
 */
import { NOW, bpmnFile, eventually, expectHttpError, key, raw, start, storeSnapshot, useEngine, variablesOf, waitForInstanceState } from '../helpers/api';
import { around, processXml } from '../helpers/bpmn-xml';
import { decisionTable, dmnXml, literalDecision } from '../helpers/dmn-xml';

const t = useEngine();
/** The DMN answers have all-optional types in the client; the assertions below check their shape. */
const api = () => t.client as unknown as Record<string, (...args: any[]) => Promise<any>>;

/**
 * A successful evaluation answers failedDecisionDefinitionId "" as Zeebe does (the record's default), which the
 * client's strict response schema (a non-empty id) refuses; successful evaluations are therefore read raw.
 */
async function evaluate(body: Record<string, unknown>) {
  const res = await raw(t.url, 'POST', '/decision-definitions/evaluation', body);
  expect(res.status).toBe(200);
  return res.body;
}

const dmnFile = (name: string, xml: string) => new File([xml], `${name}.dmn`, { type: 'application/xml' });

const PRICING = dmnXml([
  literalDecision('total', 'sum(items)'),
  decisionTable({ id: 'discount', name: 'Rabatt', hitPolicy: 'FIRST', inputs: ['total'], outputs: [{}], rules: [[['>= 100'], ['0.1']], [['-'], ['0']]], requires: ['total'] }),
].join('\n'), 'pricing', 'Prissättning');

const ruleTask = (id: string, decisionId: string, extra = '') =>
  `<bpmn:businessRuleTask id="${id}"><bpmn:extensionElements><zeebe:calledDecision decisionId="${decisionId}" resultVariable="result" ${extra}/></bpmn:extensionElements></bpmn:businessRuleTask>`;

test('deploying a DRD lists each decision and the decision requirements, as Camunda does', async () => {
  const deployment = await t.client.createDeployment({ resources: [dmnFile('pricing', PRICING)] });
  expect(deployment.decisions.map((d: any) => [d.decisionDefinitionId, d.name, d.version, d.decisionRequirementsId])).toEqual([
    ['total', 'total', 1, 'pricing'], ['discount', 'Rabatt', 1, 'pricing'],
  ]);
  expect(deployment.decisionRequirements).toEqual([expect.objectContaining({ decisionRequirementsId: 'pricing', decisionRequirementsName: 'Prissättning', version: 1, resourceName: 'pricing.dmn', tenantId: '<default>' })]);
  const drgKey = deployment.decisionRequirements[0]!.decisionRequirementsKey;
  expect(deployment.decisions.every((d) => d.decisionRequirementsKey === drgKey)).toBe(true);

  const again = await t.client.createDeployment({ resources: [dmnFile('pricing', PRICING)] });
  expect(again.decisions.map((d: any) => d.decisionDefinitionKey)).toEqual(deployment.decisions.map((d: any) => d.decisionDefinitionKey));
  const changed = await t.client.createDeployment({ resources: [dmnFile('pricing', PRICING.replace('&gt;= 100', '&gt;= 200'))] });
  expect(changed.decisions.map((d: any) => d.version)).toEqual([2, 2]);
  expect(changed.decisionRequirements[0]!.version).toBe(2);
});

test('evaluateDecision by id runs the required decisions and reports each; by key the stored version', async () => {
  const result = await evaluate({ decisionDefinitionId: 'discount', variables: { items: [150, 20] } });
  expect(JSON.parse(result.output)).toBe(0); // version 2: >= 200
  expect(result.decisionDefinitionVersion).toBe(2);
  expect(result.failedDecisionDefinitionId).toBe('');
  expect(result.failureMessage).toBe('');
  expect(result.evaluatedDecisions.map((d: any) => [d.decisionDefinitionId, d.decisionDefinitionType, JSON.parse(d.output)])).toEqual([
    ['total', 'LITERAL_EXPRESSION', 170], ['discount', 'DECISION_TABLE', 0],
  ]);
  const table = result.evaluatedDecisions[1]!;
  expect(table.evaluatedInputs).toEqual([{ inputId: 'discount_in1', inputName: 'In 1', inputValue: '170' }]);
  expect(table.matchedRules).toEqual([{ ruleId: 'discount_r2', ruleIndex: 2, evaluatedOutputs: [{ outputId: 'discount_out1', outputName: '', outputValue: '0' }] }]);

  const v1 = (await api().searchDecisionDefinitions({ filter: { decisionDefinitionId: 'discount', version: 1 } }, NOW)).items[0]!;
  const byKey = await evaluate({ decisionDefinitionKey: v1.decisionDefinitionKey, variables: { items: [150] } });
  expect(JSON.parse(byKey.output)).toBe(0.1);
  expect(byKey.decisionDefinitionVersion).toBe(1);

  const instances = await api().searchDecisionInstances({ filter: { decisionEvaluationKey: byKey.decisionEvaluationKey } as never }, NOW);
  expect(instances.items.map((i: any) => [i.decisionEvaluationInstanceKey, i.decisionDefinitionId, i.state, i.result])).toEqual([
    [byKey.evaluatedDecisions[0].decisionEvaluationInstanceKey, 'total', 'EVALUATED', '150'], [byKey.evaluatedDecisions[1].decisionEvaluationInstanceKey, 'discount', 'EVALUATED', '0.1'],
  ]);
  const one = await api().getDecisionInstance({ decisionEvaluationInstanceKey: instances.items[1]!.decisionEvaluationInstanceKey }, NOW);
  expect(one).toEqual(expect.objectContaining({ decisionDefinitionType: 'DECISION_TABLE', processInstanceKey: '-1', matchedRules: [expect.objectContaining({ ruleId: 'discount_r1', ruleIndex: 1 })] }));
});

test('a failing evaluation answers with the failed decision and message; unknown decisions are 404', async () => {
  await t.client.createDeployment({ resources: [dmnFile('strict', dmnXml(decisionTable({ id: 'strict', inputs: ['x'], outputs: [{}], rules: [[['> 0'], ['1']], [['> 1'], ['2']]] }), 'strict-drg'))] });
  const failed = await api().evaluateDecision({ decisionDefinitionId: 'strict' as never, variables: { x: 5 } });
  expect(failed.failedDecisionDefinitionId).toBe('strict');
  expect(failed.failureMessage).toMatch(/UNIQUE .*2 matched/);
  const [instance] = (await api().searchDecisionInstances({ filter: { decisionEvaluationKey: failed.decisionEvaluationKey, state: 'FAILED' } as never }, NOW)).items;
  expect(instance!.evaluationFailure).toMatch(/UNIQUE/);
  await expectHttpError(api().evaluateDecision({ decisionDefinitionId: 'no-such-decision' as never, variables: {} }), 404);
  await expectHttpError(api().getDecisionDefinition({ decisionDefinitionKey: key('123') }, NOW), 404);
});

test('decision definitions and requirements: search, get and XML', async () => {
  const defs = await api().searchDecisionDefinitions({ filter: { decisionRequirementsId: 'pricing', version: 2 }, sort: [{ field: 'decisionDefinitionId', order: 'ASC' }] }, NOW);
  expect(defs.items.map((d: any) => d.decisionDefinitionId)).toEqual(['discount', 'total']);
  const one = await api().getDecisionDefinition({ decisionDefinitionKey: defs.items[0]!.decisionDefinitionKey }, NOW);
  expect(one).toEqual(defs.items[0]);
  expect(await api().getDecisionDefinitionXml({ decisionDefinitionKey: one.decisionDefinitionKey }, NOW)).toContain('&gt;= 200');
  const drgs = await api().searchDecisionRequirements({ filter: { decisionRequirementsId: 'pricing' } }, NOW);
  expect(drgs.items.map((d: any) => d.version)).toEqual([1, 2]);
  expect(await api().getDecisionRequirements({ decisionRequirementsKey: drgs.items[0]!.decisionRequirementsKey }, NOW)).toEqual(drgs.items[0]);
  expect(await api().getDecisionRequirementsXml({ decisionRequirementsKey: drgs.items[0]!.decisionRequirementsKey }, NOW)).toContain('&gt;= 100');
});

test('invalid DMN is refused with every problem named, and nothing of the deployment is stored', async () => {
  const before = await storeSnapshot(t.client);
  const bad = dmnXml(decisionTable({ id: 'bad', hitPolicy: 'SOMETIMES', inputs: ['x'], outputs: [{}], rules: [[['>'], ['1']]] }), 'bad-drg');
  const error = await expectHttpError(t.client.createDeployment({ resources: [dmnFile('bad', bad), bpmnFile('ok', processXml(around('<bpmn:task id="t" />'), '', 'ok-proc'))] }), 400);
  expect(error.detail).toMatch(/Cannot deploy 'bad.dmn' \(2 problems\)/);
  expect(error.detail).toMatch(/hit policy 'SOMETIMES' is not supported/);
  expect(error.detail).toMatch(/input entry '>' ends unexpectedly/);
  expect(await storeSnapshot(t.client)).toEqual(before);
});

describe('business rule tasks', () => {
  test('the engine evaluates the called decision into the result variable; output mappings apply', async () => {
    const plain = processXml(around(ruleTask('t', 'discount')), '', 'brt-plain');
    const mapped = processXml(around(ruleTask('t', 'total', '').replace('</bpmn:extensionElements>', '<zeebe:ioMapping><zeebe:output source="=result * 2" target="doubled" /></zeebe:ioMapping></bpmn:extensionElements>')), '', 'brt-mapped');
    await t.client.createDeployment({ resources: [bpmnFile('brt-plain', plain), bpmnFile('brt-mapped', mapped)] });

    const pi = await start(t.client, 'brt-plain', { items: [300] });
    await waitForInstanceState(t.client, pi.processInstanceKey, 'COMPLETED');
    expect(await variablesOf(t.client, pi.processInstanceKey)).toEqual(expect.objectContaining({ result: 0.1 }));
    const instances = await api().searchDecisionInstances({ filter: { processInstanceKey: pi.processInstanceKey } as never }, NOW);
    expect(instances.items.map((i: any) => [i.decisionDefinitionId, i.processDefinitionKey, i.elementInstanceKey !== undefined])).toEqual([
      ['total', pi.processDefinitionKey, true], ['discount', pi.processDefinitionKey, true],
    ]);

    const other = await start(t.client, 'brt-mapped', { items: [1, 2] });
    await waitForInstanceState(t.client, other.processInstanceKey, 'COMPLETED');
    const vars = await variablesOf(t.client, other.processInstanceKey);
    expect(vars.doubled).toBe(6);
    expect(vars).not.toHaveProperty('result');
  });

  test('a missing decision is a CALLED_DECISION_ERROR incident; after deploying it, resolving completes the task', async () => {
    await t.client.createDeployment({ resources: [bpmnFile('brt-missing', processXml(around(ruleTask('t', 'later')), '', 'brt-missing'))] });
    const pi = await start(t.client, 'brt-missing', { n: 4 });
    const incident = await incidentOf(pi.processInstanceKey);
    expect(incident).toEqual(expect.objectContaining({ errorType: 'CALLED_DECISION_ERROR', elementId: 't' }));
    expect(incident.errorMessage).toMatch(/no decision found for id 'later'/);
    await t.client.createDeployment({ resources: [dmnFile('later', dmnXml(literalDecision('later', 'n * n'), 'later-drg'))] });
    await t.client.resolveIncident({ incidentKey: incident.incidentKey! });
    await waitForInstanceState(t.client, pi.processInstanceKey, 'COMPLETED');
    expect((await variablesOf(t.client, pi.processInstanceKey)).result).toBe(16);
  });

  test('a failing evaluation is a DECISION_EVALUATION_ERROR incident and a FAILED decision instance', async () => {
    await t.client.createDeployment({ resources: [bpmnFile('brt-fail', processXml(around(ruleTask('t', 'strict')), '', 'brt-fail'))] });
    const pi = await start(t.client, 'brt-fail', { x: 5 });
    const incident = await incidentOf(pi.processInstanceKey);
    expect(incident).toEqual(expect.objectContaining({ errorType: 'DECISION_EVALUATION_ERROR', elementId: 't' }));
    expect(incident.errorMessage).toMatch(/^Expected to evaluate decision 'strict', but hit policy UNIQUE/);
    const failed = await api().searchDecisionInstances({ filter: { processInstanceKey: pi.processInstanceKey } as never }, NOW);
    expect(failed.items.map((i: any) => i.state)).toEqual(['FAILED']);
    await t.client.createElementInstanceVariables({ elementInstanceKey: pi.processInstanceKey as never, variables: { x: 1 } });
    await t.client.resolveIncident({ incidentKey: incident.incidentKey! });
    await waitForInstanceState(t.client, pi.processInstanceKey, 'COMPLETED');
    expect((await variablesOf(t.client, pi.processInstanceKey)).result).toBe(1);
  });

  test('bindingType deployment uses the decision deployed with the process', async () => {
    const tagged = (value: number) => dmnXml(literalDecision('bound', String(value)), 'bound-drg');
    await t.client.createDeployment({ resources: [dmnFile('bound', tagged(1)), bpmnFile('brt-bound', processXml(around(ruleTask('t', 'bound', 'bindingType="deployment" ')), '', 'brt-bound'))] });
    await t.client.createDeployment({ resources: [dmnFile('bound', tagged(2))] });
    const pi = await start(t.client, 'brt-bound');
    await waitForInstanceState(t.client, pi.processInstanceKey, 'COMPLETED');
    expect((await variablesOf(t.client, pi.processInstanceKey)).result).toBe(1);
  });

  test('a calledDecision without result variable, or beside a task definition, is refused at deploy', async () => {
    const noResult = processXml(around('<bpmn:businessRuleTask id="t"><bpmn:extensionElements><zeebe:calledDecision decisionId="d" /></bpmn:extensionElements></bpmn:businessRuleTask>'), '', 'brt-bad');
    const error = await expectHttpError(t.client.createDeployment({ resources: [bpmnFile('brt-bad', noResult)] }), 400);
    expect(error.detail).toMatch(/Element 't' \(bpmn:BusinessRuleTask\) has no result variable/);
    const both = processXml(around('<bpmn:businessRuleTask id="t"><bpmn:extensionElements><zeebe:calledDecision decisionId="d" resultVariable="r" /><zeebe:taskDefinition type="x" /></bpmn:extensionElements></bpmn:businessRuleTask>'), '', 'brt-both');
    expect((await expectHttpError(t.client.createDeployment({ resources: [bpmnFile('brt-both', both)] }), 400)).detail).toMatch(/both zeebe:calledDecision and zeebe:taskDefinition/);
  });
});

async function incidentOf(processInstanceKey: string) {
  const { items } = await eventually(
    () => api().searchIncidents({ filter: { processInstanceKey } as never }, NOW),
    (r) => (r.items?.length ?? 0) >= 1,
    { what: `an incident on ${processInstanceKey}` },
  );
  return items![0]!;
}
