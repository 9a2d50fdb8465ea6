/**
 * Cluster endpoints and deployments through the official client with strict response validation:
 * topology/status, createDeployment (versions, duplicates, forms, atomicity), process definition search/get/XML,
 * and deploy-time rejection of broken XML and unsupported constructs (400 problem+json naming the element),
 * with the store unchanged after each rejection.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NOW, bpmnFile, deploy, expectHttpError, expectProblem, fixtureXml, formFile, key, raw, storeSnapshot, useEngine } from '../helpers/api';

const t = useEngine();

const supportedFixtures = readdirSync(join(__dirname, '..', 'fixtures', 'bpmn'))
  .filter((f) => f.endsWith('.bpmn') && !/^(unsupported|invalid)-/.test(f))
  .map((f) => f.replace(/\.bpmn$/, ''));

describe('cluster', () => {
  test('topology describes one broker with one partition, as leader', async () => {
    const topology = await t.client.getTopology();
    expect(topology.clusterSize).toBe(1);
    expect(topology.partitionsCount).toBeGreaterThanOrEqual(1);
    expect(topology.brokers).toHaveLength(1);
    expect(topology.brokers[0].partitions[0]).toEqual(expect.objectContaining({ role: 'leader', health: 'healthy' }));
    expect(typeof topology.gatewayVersion).toBe('string');
  });

  test('an unknown route → 404 problem+json', async () => {
    expectProblem(await raw(t.url, 'GET', '/no-such-endpoint'), 404);
  });

  test('status answers 204 (healthy)', async () => {
    await expect(t.client.getStatus()).resolves.toBeUndefined();
    const res = await raw(t.url, 'GET', '/status');
    expect(res.status).toBe(204);
  });
});

describe('deployments', () => {
  test('deploying a process returns its key, id, version 1 and resource name', async () => {
    const deployment = await deploy(t.client, ['service-chain']);
    expect(deployment.deploymentKey).toMatch(/^\d+$/);
    expect(deployment.tenantId).toBe('<default>');
    expect(deployment.processes).toHaveLength(1);
    expect(deployment.processes[0]).toEqual(expect.objectContaining({
      processDefinitionId: 'service-chain',
      processDefinitionVersion: 1,
      resourceName: 'service-chain.bpmn',
      tenantId: '<default>',
    }));
    expect(deployment.processes[0].processDefinitionKey).toMatch(/^\d+$/);
  });

  test('redeploying identical XML keeps the version; a changed diagram gets the next version', async () => {
    const first = await deploy(t.client, ['parallel']);
    const again = await deploy(t.client, ['parallel']);
    expect(again.processes[0].processDefinitionVersion).toBe(first.processes[0].processDefinitionVersion);
    expect(again.processes[0].processDefinitionKey).toBe(first.processes[0].processDefinitionKey);

    const changed = fixtureXml('parallel').replace('name="Parallel"', 'name="Parallel v2"');
    const second = await t.client.createDeployment({ resources: [bpmnFile('parallel', changed)] });
    expect(second.processes[0].processDefinitionVersion).toBe(first.processes[0].processDefinitionVersion + 1);
    expect(second.processes[0].processDefinitionKey).not.toBe(first.processes[0].processDefinitionKey);

    const { items } = await t.client.searchProcessDefinitions({ filter: { processDefinitionId: 'parallel' } as never }, NOW);
    expect(items!.map((d) => d.version).sort()).toEqual([1, 2]);
    const latest = items!.find((d) => d.version === 2)!;
    expect(latest.name).toBe('Parallel v2');
  });

  test('a form is deployed together with the process that links it', async () => {
    const deployment = await deploy(t.client, ['user-task'], [formFile('review-form')]);
    expect(deployment.processes.map((p) => p.processDefinitionId)).toEqual(['user-task']);
    expect(deployment.forms).toHaveLength(1);
    expect(deployment.forms[0]).toEqual(expect.objectContaining({ formId: 'review-form', version: 1, resourceName: 'review-form.form' }));
  });

  test('every supported fixture deploys', async () => {
    const deployment = await t.client.createDeployment({ resources: supportedFixtures.map((n) => bpmnFile(n)) });
    expect(deployment.processes.map((p) => p.processDefinitionId).sort()).toEqual([...supportedFixtures].sort());
  });

  test('process definition: get by key, search by id, XML round trip', async () => {
    const deployment = await deploy(t.client, ['exclusive-gateway']);
    const { processDefinitionKey } = deployment.processes[0];
    const def = await t.client.getProcessDefinition({ processDefinitionKey }, NOW);
    expect(def).toEqual(expect.objectContaining({
      processDefinitionKey,
      processDefinitionId: 'exclusive-gateway',
      name: 'Exclusive gateway',
      version: 1,
      resourceName: 'exclusive-gateway.bpmn',
      tenantId: '<default>',
    }));
    const xml = await t.client.getProcessDefinitionXml({ processDefinitionKey }, NOW);
    expect(String(xml)).toBe(fixtureXml('exclusive-gateway'));
    const rawXml = await raw(t.url, 'GET', `/process-definitions/${processDefinitionKey}/xml`);
    expect(rawXml.status).toBe(200);
    expect(rawXml.contentType).toMatch(/^text\/xml/);

    const found = await t.client.searchProcessDefinitions({ filter: { processDefinitionId: 'exclusive-gateway' } as never }, NOW);
    expect(found.items!.map((d) => d.processDefinitionKey)).toEqual([processDefinitionKey]);
    expect(Number(found.page.totalItems)).toBe(1);
  });

  test('unknown process definition key → 404', async () => {
    await expectHttpError(t.client.getProcessDefinition({ processDefinitionKey: key('2251799813999999') }, NOW), 404);
    await expectHttpError(t.client.getProcessDefinitionXml({ processDefinitionKey: key('2251799813999999') }, NOW), 404);
  });
});

describe('deploy-time rejection', () => {
  async function expectRejected(resources: File[], mentions: RegExp) {
    const before = await storeSnapshot(t.client);
    const err = await expectHttpError(t.client.createDeployment({ resources }), 400);
    expect(`${err.title} ${err.detail}`).toMatch(mentions);
    expect(await storeSnapshot(t.client)).toEqual(before);
  }

  test('broken XML → 400 naming the problem', async () => {
    const broken = fixtureXml('service-chain').replace('</bpmn:process>', '');
    await expectRejected([bpmnFile('broken', broken)], /xml|pars|close|tag|unexpected/i);
  });

  test('not BPMN at all → 400', async () => {
    await expectRejected([bpmnFile('nonsense', 'hello, this is not XML')], /xml|pars|bpmn/i);
  });

  test('script task without a zeebe script or job → 400 naming the element', async () => {
    await expectRejected([bpmnFile('unsupported-script-task')], /legacyScript/);
  });

  test('complex gateway → 400 naming the element', async () => {
    await expectRejected([bpmnFile('unsupported-complex-gateway')], /complexJoin/);
  });

  test('service task without a job type → 400 naming the element', async () => {
    await expectRejected([bpmnFile('invalid-service-task-no-type')], /untyped/);
  });

  test('deployment is atomic: one bad resource rejects the good one too', async () => {
    const good = bpmnFile('atomic-probe', fixtureXml('call-child').replace(/"call-child"/g, '"atomic-probe"'));
    await expectRejected([good, bpmnFile('unsupported-complex-gateway')], /complexJoin/);
    const { items } = await t.client.searchProcessDefinitions({ filter: { processDefinitionId: 'atomic-probe' } as never }, NOW);
    expect(items).toHaveLength(0);
  });

  test('the same process id twice in one deployment → 400 naming it', async () => {
    const copy = bpmnFile('service-chain-copy', fixtureXml('service-chain'));
    await expectRejected([bpmnFile('service-chain'), copy], /service-chain/);
  });

  test('a resource that is neither BPMN nor a form → 400 naming the file', async () => {
    await expectRejected([new File(['just notes'], 'notes.txt', { type: 'text/plain' })], /notes\.txt/);
  });

  test('multipart without resources → 400 problem+json', async () => {
    const before = await storeSnapshot(t.client);
    const form = new FormData();
    form.append('tenantId', '<default>');
    const res = await raw(t.url, 'POST', '/deployments', form);
    expectProblem(res, 400);
    expect(await storeSnapshot(t.client)).toEqual(before);
  });
});
