/**
 * Deploy-time rules of compensation: a compensation boundary event linked by an association to one handler marked
 * isForCompensation, handlers without sequence flows, throw/end events with and without activityRef (Zeebe 8.8's
 * rules, plus the one-scope subset the embedded engine runs, refused with a clear message instead of ignored).
 */
import { compileBpmn } from '../../engine/model';
import { findingsOf as findings } from '../helpers/deploy-findings';
import { flow, processXml, serviceTask } from '../helpers/bpmn-xml';
import { compensable, compensationThrow } from '../helpers/bpmn-xml';

const findingsOf = (xml: string) => findings(xml, 'comp.bpmn');

const chain = (...ids: string[]) => ids.slice(1).map((id, i) => flow(`f_${ids[i]}_${id}`, ids[i]!, id)).join('');

describe('compensation compiles', () => {
  it('links the handler to its activity through the association and keeps activityRef', async () => {
    const xml = processXml(`<bpmn:startEvent id="start" />${compensable('boka', 'c.boka', 'avboka', 'c.avboka')}${compensationThrow('angra', 'intermediateThrowEvent', 'boka')}<bpmn:endEvent id="end" />${chain('start', 'boka', 'angra', 'end')}`);
    const [process] = await compileBpmn(xml, 'comp.bpmn');
    expect(process!.elements.boka!.compensationHandlerId).toBe('avboka');
    expect(process!.elements.avboka!.isForCompensation).toBe(true);
    expect(process!.elements.angra!.eventDefinition).toEqual({ kind: 'compensation', activityRef: 'boka' });
  });
});

describe('compensation refused at deploy', () => {
  const base = (middle: string, extra = '') => processXml(`<bpmn:startEvent id="start" />${middle}<bpmn:endEvent id="end" />${extra}`);
  it.each([
    ['a handler without association', base(`${serviceTask('t')}${chain('start', 't', 'end')}<bpmn:serviceTask id="h" isForCompensation="true"><bpmn:extensionElements><zeebe:taskDefinition type="x" /></bpmn:extensionElements></bpmn:serviceTask>`), 'h', /no compensation boundary event is associated/],
    ['a boundary without handler', base(`${serviceTask('t')}${chain('start', 't', 'end')}<bpmn:boundaryEvent id="b" attachedToRef="t"><bpmn:compensateEventDefinition /></bpmn:boundaryEvent>`), 'b', /0 associated compensation handlers/],
    ['a handler with flows', base(`${compensable('t', 'c.t', 'h', 'c.h')}${chain('start', 't', 'end')}${flow('fh', 'h', 'end')}`), 'h', /must not have incoming or outgoing sequence flows/],
    ['an associated handler not marked for compensation', base(`${compensable('t', 'c.t', 'h', 'c.h').replace(' isForCompensation="true"', '')}${chain('start', 't', 'end')}`), 'h', /not marked for compensation/],
    ['activityRef to an activity without handler', base(`${serviceTask('t')}${compensationThrow('x', 'intermediateThrowEvent', 't')}${chain('start', 't', 'x', 'end')}`), 'x', /compensates 't', which has no compensation boundary event/],
    ['a throw that would compensate a nested subprocess', base(`<bpmn:subProcess id="sub"><bpmn:startEvent id="ss" />${compensable('t', 'c.t', 'h', 'c.h')}<bpmn:endEvent id="se" />${chain('ss', 't', 'se')}</bpmn:subProcess>${compensationThrow('x', 'intermediateThrowEvent')}${chain('start', 'sub', 'x', 'end')}`), 'x', /inside a nested subprocess/],
  ])('%s', async (_what, xml, elementId, text) => {
    const findings = await findingsOf(xml);
    expect(findings).toEqual([{ elementId, message: expect.stringMatching(text) }]);
  });
});
