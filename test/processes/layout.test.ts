/**
 * Diagram tidiness from the diagram interchange (test/processes/layout-check.ts, read through bpmn-moddle so a file
 * saved by Camunda Modeler or the web modeler is judged the same as a hand-formatted one): no two flow-node shapes
 * overlap (except a subprocess and its content, a boundary event and its host), no label overlaps another shape or
 * label, every boundary event sits on its host's border, and every element has a shape or edge.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers';
import { layoutProblems } from './layout-check';

const files = fs.readdirSync(path.join(ROOT, 'bpmn')).filter((f) => f.endsWith('.bpmn')).sort();

test.each(files)('%s is tidy: no overlapping shapes or labels, boundary events on their hosts', async (file) => {
  expect(await layoutProblems(fs.readFileSync(path.join(ROOT, 'bpmn', file), 'utf8'))).toEqual([]);
});

test('the check sees overlapping and undrawn elements, whatever the XML formatting', async () => {
  const xml = fs.readFileSync(path.join(ROOT, 'bpmn', 'vk-planeringsdagar.bpmn'), 'utf8');
  // Genomfor onto Planera, reformatted over several lines as Modeler writes
  const bounds = /<bpmndi:BPMNShape id="Planera_di" bpmnElement="Planera"><dc:Bounds (x="\d+" y="\d+")/.exec(xml)![1];
  const moved = xml.replace(/(<bpmndi:BPMNShape id="Genomfor_di" bpmnElement="Genomfor">)<dc:Bounds x="\d+" y="\d+"/, `$1\n        <dc:Bounds ${bounds}`);
  expect(await layoutProblems(moved)).toContain('shapes Planera and Genomfor overlap');
  const undrawn = xml.replace(/<bpmndi:BPMNShape id="End_di"[\s\S]*?<\/bpmndi:BPMNShape>/, '');
  expect(await layoutProblems(undrawn)).toContain('End has no diagram shape/edge');
});
