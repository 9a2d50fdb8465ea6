/**
 * The API-test fixtures are valid Camunda Modeler files: they parse with bpmn-moddle + the zeebe extension
 * without warnings, every flow element has diagram interchange (a shape or an edge), and the forms are
 * Camunda Form JSON with the id that user-task.bpmn links.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json';

const dir = join(__dirname, '..', 'fixtures');
const bpmnFiles = readdirSync(join(dir, 'bpmn')).filter((f) => f.endsWith('.bpmn'));

function flowElements(container: any): any[] {
  return (container.flowElements ?? []).flatMap((e: any) => [e, ...(e.$type === 'bpmn:SubProcess' ? flowElements(e) : [])]);
}

test.each(bpmnFiles)('%s parses cleanly and has DI for every flow element', async (file) => {
  const moddle = new BpmnModdle({ zeebe });
  const { rootElement, warnings } = await moddle.fromXML(readFileSync(join(dir, 'bpmn', file), 'utf8'));
  expect(warnings.map((w) => w.message)).toEqual([]);
  const process = rootElement.rootElements.find((e: any) => e.$type === 'bpmn:Process');
  expect(process.isExecutable).toBe(true);
  const drawn = new Set<string>(rootElement.diagrams[0].plane.planeElement.map((d: any) => d.bpmnElement.id));
  const missing = flowElements(process).map((e) => e.id).filter((id: string) => !drawn.has(id));
  expect(missing).toEqual([]);
});

test('the review form is Camunda Form JSON with the linked id', () => {
  const form = JSON.parse(readFileSync(join(dir, 'forms', 'review-form.form'), 'utf8'));
  expect(form).toEqual(expect.objectContaining({ id: 'review-form', type: 'default', components: expect.any(Array) }));
  expect(readFileSync(join(dir, 'bpmn', 'user-task.bpmn'), 'utf8')).toContain('formId="review-form"');
});
