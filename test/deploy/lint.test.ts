/**
 * deploy/lint.ts lints as Camunda Modeler does — diagrams with the root .bpmnlintrc (rules and moddle extensions),
 * forms with Camunda's form linter — and phrases every problem in Swedish for process owners. Runs in-process (the
 * web modeler calls the same functions) and through the CLI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AuditLog } from '../../common/audit';
import { deployAll } from '../../deploy/deploy';
import { collectFiles } from '../../deploy/files';
import { lintAll, lintDiagram, lintFile, lintForm, loadLintConfig } from '../../deploy/lint';
import { startTestEngine, type TestEngine } from '../helpers/engine';
import { ROOT, diagram, form, runDeployCli, tempFolder, userTask } from './helpers';

const config = loadLintConfig(ROOT);
const bpmn = (name: string, content: string) => ({ kind: 'bpmn' as const, name, path: name, content });
const formFile = (name: string, content: string) => ({ kind: 'form' as const, name, path: name, content });

test('the deploy tool reads the same .bpmnlintrc as the bpmnlint CLI, moddle extensions included', () => {
  expect(config).toEqual(JSON.parse(fs.readFileSync(path.join(ROOT, '.bpmnlintrc'), 'utf8')));
  expect(config.moddleExtensions).toEqual({ zeebe: 'zeebe-bpmn-moddle/resources/zeebe.json' });
});

test('every committed diagram, decision file and form passes (no errors, no warnings)', async () => {
  const results = await lintAll(collectFiles([path.join(ROOT, 'bpmn'), path.join(ROOT, 'forms')]), config, ROOT);
  expect(results.filter((r) => r.file.endsWith('.form')).length).toBeGreaterThan(10);
  expect(results.map((r) => r.file)).toContain('vk-prioritet.dmn');
  expect(results.flatMap((r) => r.problems.map((p) => `${r.file}: ${p.category} ${p.rule} ${p.message}`))).toEqual([]);
});

test('a broken decision file is an error with a Swedish message', async () => {
  const dmn = (content: string) => lintFile({ kind: 'dmn', name: 'x.dmn', path: 'x.dmn', content }, config, ROOT);
  expect((await dmn('<definitions')).problems.map((p) => [p.category, p.rule])).toEqual([['error', 'dmn-xml']]);
  const empty = await dmn('<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x" />');
  expect(empty.problems.map((p) => p.messageSv)).toEqual(['Beslutsfilen innehåller inget beslut. Lägg till en beslutstabell eller ett litteralt uttryck.']);
});

test('diagram problems come with Swedish messages naming the element', async () => {
  const noJobType = await lintDiagram(bpmn('a.bpmn', diagram('p-a', '<bpmn:serviceTask id="Task" name="Beräkna frist"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:serviceTask>')), config, ROOT);
  const err = noJobType.problems.find((p) => p.category === 'error' && p.elementId === 'Task');
  expect(err?.messageSv).toBe('Tjänsteuppgiften ”Beräkna frist” saknar jobbtyp (Task definition). Fyll i det i egenskapspanelen.');

  const loose = await lintDiagram(bpmn('b.bpmn', diagram('p-b', userTask('f')).replace('<bpmn:endEvent id="End"', '<bpmn:task id="Loose" name="Lös uppgift" /><bpmn:endEvent id="End"')), config, ROOT);
  expect(loose.problems.find((p) => p.rule === 'no-disconnected')?.messageSv).toBe('Uppgiften ”Lös uppgift” är inte kopplad till något flöde. Dra en flödespil till och från elementet eller ta bort det.');

  const planering = fs.readFileSync(path.join(ROOT, 'bpmn', 'vk-planeringsdagar.bpmn'), 'utf8');
  const notExecutable = await lintDiagram(bpmn('d.bpmn', planering.replace('isExecutable="true"', 'isExecutable="false"')), config, ROOT);
  expect(notExecutable.problems.map((p) => p.messageSv)).toContain('Processen ”Gemensamma planeringsdagar” måste vara markerad som körbar (Executable) i egenskapspanelen.');
  const badFeel = await lintDiagram(bpmn('e.bpmn', planering.replace(/candidateGroups="[^"]*"/, 'candidateGroups="=[&quot;a&quot; +"')), config, ROOT);
  expect(badFeel.problems.map((p) => p.messageSv)).toContain('Användaruppgiften ”Planera årets planeringsdagar” har ett FEEL-uttryck i kandidatgrupper som inte går att tolka. Rätta uttrycket (börjar med =).');

  const broken = await lintDiagram(bpmn('c.bpmn', '<bpmn:definitions'), config, ROOT);
  expect(broken.problems).toEqual([expect.objectContaining({ category: 'error', rule: 'xml', messageSv: expect.stringMatching(/^Filen går inte att läsa som BPMN-diagram/) })]);
});

test('forms are linted with Camunda\'s form linter; problems in Swedish', () => {
  const ok = lintForm(formFile('ok.form', form('ok-form')));
  expect(ok.problems).toEqual([]);
  const schema = JSON.parse(form('bad-form'));
  schema.components.push({ type: 'bogus', id: 'Field_bogus', key: 'x', label: 'Okänt fält' });
  const bad = lintForm(formFile('bad.form', JSON.stringify(schema)));
  expect(bad.problems).toEqual([expect.objectContaining({ category: 'error', rule: 'form-linting' })]);
  expect(bad.problems[0].messageSv).toMatch(/^Fältet .* är av typen Bogus, som inte stöds i Camunda 8\.8/);
  expect(lintForm(formFile('x.form', '{ nope')).problems[0].messageSv).toMatch(/^Formuläret går inte att läsa \(ogiltig JSON/);
  const { executionPlatformVersion: _v, id: _i, ...anonymous } = JSON.parse(form('z'));
  expect(lintForm(formFile('z.form', JSON.stringify(anonymous))).problems.map((p) => p.rule)).toEqual(['form-id', 'execution-platform']);
});

describe('deploying', () => {
  let t: TestEngine;
  beforeAll(async () => { t = await startTestEngine(); });
  afterAll(async () => { await t?.stop(); });

  test('the CLI refuses a form that fails form linting (exit 1, nothing deployed)', async () => {
    const schema = JSON.parse(form('cli-bad-form'));
    schema.components.push({ type: 'bogus', id: 'Field_bogus', key: 'x', label: 'Okänt' });
    const dir = tempFolder({ 'ok.bpmn': diagram('cli-form-ok', userTask('cli-bad-form')), 'cli-bad-form.form': JSON.stringify(schema) });
    const res = await runDeployCli(['--dir', dir], t.url);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^cli-bad-form\.form:$/m);
    expect(res.stderr).toMatch(/nothing was deployed/);
    const defs = await t.client.searchProcessDefinitions({ filter: { processDefinitionId: 'cli-form-ok' } } as never, { consistency: { waitUpToMs: 0 } });
    expect(defs.items).toEqual([]);
  }, 90_000);

  test('deployAll deploys decision files before the diagrams that call them, and audits each decision version', async () => {
    const dir = tempFolder({ 'vk-prioritet.dmn': fs.readFileSync(path.join(ROOT, 'bpmn', 'vk-prioritet.dmn'), 'utf8') });
    const dataDir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'vk-audit-'));
    const audit = await AuditLog.open(path.join(dataDir, 'audit.sqlite'));
    try {
      const summary = await deployAll(t.client, collectFiles([dir]), { audit, actor: 'po-test', note: 'ny prioritetsordning' });
      expect(summary.decisions).toEqual([expect.objectContaining({ decisionDefinitionId: 'vk-prioritet', decisionRequirementsId: 'vk-prioritet-drd' })]);
      expect((await audit.query({ action: 'decision.deployed' }))[0].details).toEqual(expect.objectContaining({ decisionDefinitionId: 'vk-prioritet', note: 'ny prioritetsordning' }));
    } finally { await audit.close(); }
  }, 60_000);

  test('deployAll with a version tag and a note: Zeebe stores the tag, the audit log who and why', async () => {
    const dir = tempFolder({ 'tagged.bpmn': diagram('vt-proc', userTask('vt-form')), 'vt-form.form': form('vt-form') });
    const dataDir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'vk-audit-'));
    const audit = await AuditLog.open(path.join(dataDir, 'audit.sqlite'));
    try {
      const summary = await deployAll(t.client, collectFiles([dir]), { audit, actor: 'po-test', note: 'ny rubrik', versionTag: '2026-12.1' });
      const [p] = summary.processes;
      const def = await t.client.getProcessDefinition({ processDefinitionKey: p.key as never }, { consistency: { waitUpToMs: 5000 } });
      expect(def.versionTag).toBe('2026-12.1');
      const entries = await audit.query({ action: 'process.deployed' });
      expect(entries).toEqual([expect.objectContaining({ actor: 'po-test', details: expect.objectContaining({ processDefinitionId: 'vt-proc', version: 1, processDefinitionKey: p.key, note: 'ny rubrik', versionTag: '2026-12.1' }) })]);
      expect((await audit.query({ action: 'form.deployed' }))[0].details).toEqual(expect.objectContaining({ formId: 'vt-form', versionTag: '2026-12.1' }));
    } finally { await audit.close(); }
    await expect(deployAll(t.client, collectFiles([dir]), { audit: { record: () => { throw new Error('not reached'); } }, actor: 'x', versionTag: 'två ord' }))
      .rejects.toThrow(/version tag "två ord" is not valid/);
  }, 60_000);
});
