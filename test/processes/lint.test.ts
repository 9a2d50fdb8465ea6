/**
 * Every care-chain diagram passes bpmnlint with the recommended rules and Camunda 8.8 compatibility
 * (the same configuration as /.bpmnlintrc, used by Camunda Modeler and the bpmnlint CLI): zero errors, zero
 * warnings, and bpmn-moddle + zeebe-bpmn-moddle parse it without warnings.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const BPMN_DIR = path.join(ROOT, 'bpmn');
const files = fs.readdirSync(BPMN_DIR).filter((f) => f.endsWith('.bpmn')).sort();
let results: Record<string, { parseWarnings: string[]; problems: string[] }>;

beforeAll(() => {
  const out = execFileSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, 'lint-runner.ts'), ...files.map((f) => path.join(BPMN_DIR, f))],
    { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  results = JSON.parse(out);
}, 90_000);

test('the lint configuration is recommended + camunda-cloud-8-8 and all eight processes exist', () => {
  const config = JSON.parse(fs.readFileSync(path.join(ROOT, '.bpmnlintrc'), 'utf8'));
  expect(config.extends).toEqual(['bpmnlint:recommended', 'plugin:camunda-compat/camunda-cloud-8-8']);
  // Without the zeebe extension the plain `npx bpmnlint` CLI (and Modeler's lint) sees every zeebe:* element as missing.
  expect(config.moddleExtensions).toEqual({ zeebe: 'zeebe-bpmn-moddle/resources/zeebe.json' });
  expect(files).toEqual(expect.arrayContaining(['vk-vardkedjeremiss.bpmn', 'vk-kontaktbegaran.bpmn', 'vk-placeringsforfragan.bpmn', 'vk-under-placering.bpmn',
    'vk-flytt-ekeliden-novus.bpmn', 'vk-infor-hemflytt.bpmn', 'vk-sip.bpmn', 'vk-planeringsdagar.bpmn']));
});

test.each(files)('%s parses cleanly and has no lint errors or warnings', (file) => {
  const xml = fs.readFileSync(path.join(BPMN_DIR, file), 'utf8');
  expect(xml).toContain('modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0"');
  expect(results[file].parseWarnings).toEqual([]);
  expect(results[file].problems).toEqual([]);
});

test('the linter really reports problems (a diagram with an unconnected task fails)', () => {
  const bad = fs.readFileSync(path.join(BPMN_DIR, 'vk-planeringsdagar.bpmn'), 'utf8')
    .replace('<bpmn:endEvent id="End"', '<bpmn:task id="Loose" name="Lös uppgift" /><bpmn:endEvent id="End"');
  const tmp = path.join(fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'vk-lint-')), 'bad.bpmn');
  fs.writeFileSync(tmp, bad);
  const out = JSON.parse(execFileSync(process.execPath, [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), path.join(__dirname, 'lint-runner.ts'), tmp], { cwd: ROOT, encoding: 'utf8' }));
  expect(out['bad.bpmn'].problems.join('\n')).toMatch(/no-disconnected/);
}, 60_000);

test.each(files)('%s: the process and every task document the routine they implement (seed file:line)', (file) => {
  const xml = fs.readFileSync(path.join(BPMN_DIR, file), 'utf8');
  expect(/<bpmn:process [^>]*>\s*<bpmn:documentation>[^<]*\b00\d:\d+/.test(xml)).toBe(true);
  const tasks = [...xml.matchAll(/<bpmn:(userTask|serviceTask|callActivity|receiveTask) id="([^"]+)"[^>]*>\s*(<bpmn:documentation>([^<]*)<\/bpmn:documentation>)?/g)];
  expect(tasks.length).toBeGreaterThan(0);
  const undocumented = tasks.filter((m) => !m[4] || m[4].trim().length < 20).map((m) => m[2]);
  expect(undocumented).toEqual([]);
});

test('plain `npx bpmnlint bpmn/*.bpmn` — what a process owner runs — passes with the committed .bpmnlintrc', () => {
  const cli = path.join(ROOT, 'node_modules/bpmnlint/bin/bpmnlint.js');
  const out = execFileSync(process.execPath, [cli, ...files.map((f) => path.join('bpmn', f))], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(out.trim()).toBe('');
}, 90_000);
