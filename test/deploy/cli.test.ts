/**
 * npm run deploy (deploy/cli.ts) as a child process against the embedded engine: the real bpmn/ and forms/
 * folders deploy with versions printed; lint errors and broken XML are refused with a readable report and
 * nothing deployed.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { ROOT, diagram, form, runDeployCli, tempFolder, userTask } from './helpers';

const NOW = { consistency: { waitUpToMs: 0 } } as const;
let t: TestEngine;
beforeAll(async () => { t = await startTestEngine(); });
afterAll(async () => { if (t) await t.stop(); });

const processIds = async () =>
  (await t.client.searchProcessDefinitions({ page: { limit: 1000 } } as never, NOW)).items!.map((p) => `${p.processDefinitionId}@${String(p.version)}`).sort();

test('deploys the real bpmn/ and forms/ folders and prints every process and form with its version', async () => {
  const res = await runDeployCli([], t.url);
  expect(res.stderr).not.toMatch(/error/i);
  expect(res.code).toBe(0);
  const bpmnIds = fs.readdirSync(path.join(ROOT, 'bpmn')).filter((f) => f.endsWith('.bpmn'))
    .map((f) => /<bpmn:process id="([^"]+)"[^>]*isExecutable="true"/.exec(fs.readFileSync(path.join(ROOT, 'bpmn', f), 'utf8'))?.[1]);
  const formIds = fs.readdirSync(path.join(ROOT, 'forms')).filter((f) => f.endsWith('.form'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(ROOT, 'forms', f), 'utf8')).id as string);
  expect(bpmnIds.length).toBeGreaterThan(0);
  for (const id of bpmnIds) expect(res.stdout).toMatch(new RegExp(`^\\s+${id}\\s+version 1\\s+key \\d+`, 'm'));
  for (const id of formIds) expect(res.stdout).toMatch(new RegExp(`^\\s+${id}\\s+version 1\\s+key \\d+`, 'm'));
  // forms are deployed before the diagrams that link them
  expect(res.stdout.indexOf('Deployed forms:')).toBeLessThan(res.stdout.indexOf('Deployed processes:'));
  const deployed = await processIds();
  for (const id of bpmnIds) expect(deployed).toContain(`${id}@1`);
}, 120_000);

test('a diagram failing lint is refused with a per-element report; exit 1 before any deployment request (no process definition appears)', async () => {
  const dir = tempFolder({
    'ok.bpmn': diagram('lint-ok', userTask('lint-form')),
    'lint-form.form': form('lint-form'),
    // a service task without zeebe:taskDefinition: camunda-compat reports an error on element "Task"
    'bad.bpmn': diagram('lint-bad', '<bpmn:serviceTask id="Task" name="Gör"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:serviceTask>'),
  });
  const before = await processIds();
  const res = await runDeployCli(['--dir', dir], t.url);
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/^bad\.bpmn:$/m);
  expect(res.stderr).toMatch(/^\s+error\s+Task\s+.*zeebe:TaskDefinition/m);
  expect(res.stderr).toMatch(/nothing was deployed/);
  expect(res.stderr).not.toMatch(/^ok\.bpmn:$/m);
  expect(res.stdout).not.toMatch(/Deployed/);
  expect(await processIds()).toEqual(before);
}, 120_000);

test('broken XML is reported as unreadable, with exit code 1 and nothing deployed', async () => {
  const dir = tempFolder({ 'broken.bpmn': '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="x"' });
  const before = await processIds();
  const res = await runDeployCli(['--dir', dir], t.url);
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/broken\.bpmn:\n\s+error .*not a readable BPMN XML file/);
  expect(await processIds()).toEqual(before);
}, 120_000);

test('--dry-run lints only; an unknown folder is a usage error', async () => {
  const dir = tempFolder({ 'dry.bpmn': diagram('dry-run-only', userTask('dry-form')), 'dry-form.form': form('dry-form') });
  const res = await runDeployCli(['--dir', dir, '--dry-run'], t.url);
  expect(res.code).toBe(0);
  expect(res.stdout).toMatch(/lint ok: 1 diagram\(s\), 0 decision file\(s\), 1 form\(s\)/);
  expect(await processIds()).not.toContainEqual(expect.stringMatching(/^dry-run-only@/));
  const missing = await runDeployCli(['--dir', path.join(dir, 'nope')], t.url);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/no such file or directory/);
}, 120_000);

test('an unreachable cluster: exit code 3 and the network cause in the message', async () => {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r())); // a port nobody listens on
  const res = await runDeployCli(['--dir', path.join(ROOT, 'forms')], `http://127.0.0.1:${port}`);
  expect(res.code).toBe(3);
  expect(res.stderr).toMatch(/deploying forms \(\d+ files\) failed: .*ECONNREFUSED/);
  expect(res.stderr).toMatch(/check ZEEBE_REST_ADDRESS/);
}, 120_000);
