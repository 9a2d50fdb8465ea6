import { evaluate } from 'feelin';
import { BpmnModdle } from 'bpmn-moddle';

test('ESM deps load under jest', async () => {
  expect(evaluate('a + 1', { a: 2 })).toBeDefined();
  const moddle = new BpmnModdle();
  const { rootElement } = await moddle.fromXML('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"/>');
  expect(rootElement.id).toBe('d');
});
