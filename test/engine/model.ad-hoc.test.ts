/**
 * Deploy-time rules of ad-hoc subprocesses (bpmn:adHocSubProcess), as Zeebe 8.8 applies them: at least one
 * activity, no start or end events inside, FEEL for activeElementsCollection and completionCondition; plus what the
 * embedded engine does not run inside one (stated at deploy instead of ignored).
 */
import { compileBpmn } from '../../engine/model';
import { findingsOf as findings } from '../helpers/deploy-findings';
import { adHocSubProcess, around, flow, processXml, serviceTask } from '../helpers/bpmn-xml';

const findingsOf = (xml: string) => findings(xml, 'adhoc.bpmn');

const INNER = `${serviceTask('a', 'ah.a')}${serviceTask('b', 'ah.b')}${flow('fb', 'b', 'b2')}${serviceTask('b2', 'ah.b2')}`;

describe('ad-hoc subprocesses compile', () => {
  it('keeps the active elements, the completion condition and cancelRemainingInstances (default true)', async () => {
    const [process] = await compileBpmn(processXml(around(adHocSubProcess('t', INNER, { active: '=valda', condition: '=klar = true' }))), 'adhoc.bpmn');
    const node = process!.elements.t!;
    expect(node.type).toBe('adHocSubProcess');
    expect(node.adHoc).toEqual({ activeElementsCollection: '=valda', completionCondition: '=klar = true', cancelRemainingInstances: true });
    expect(node.childIds!.sort()).toEqual(['a', 'b', 'b2']);
    expect(process!.elements.b2!.parentId).toBe('t');
  });

  it('accepts one without zeebe:adHoc, with cancelRemainingInstances="false", boundary events and an inner flow', async () => {
    const xml = processXml(around(adHocSubProcess('t', INNER, { attrs: 'cancelRemainingInstances="false"', condition: '=klar' }))
      + '<bpmn:boundaryEvent id="tid" attachedToRef="t"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
      + flow('ft', 'tid', 'late') + '<bpmn:endEvent id="late" />');
    const [process] = await compileBpmn(xml, 'adhoc.bpmn');
    expect(process!.elements.t!.adHoc).toEqual({ completionCondition: '=klar', cancelRemainingInstances: false });
    expect(process!.elements.t!.boundaryEventIds).toEqual(['tid']);
  });
});

describe('ad-hoc subprocesses refused at deploy', () => {
  it.each([
    ['no activity inside', adHocSubProcess('t', '<bpmn:intermediateThrowEvent id="x" />'), 't', /without activities\. Must have at least one activity/],
    ['nothing inside', adHocSubProcess('t', ''), 't', /Must have at least one activity/],
    ['a start event inside', adHocSubProcess('t', `<bpmn:startEvent id="s" />${flow('fs', 's', 'a')}${serviceTask('a')}`), 's', /must not contain start events/],
    ['an end event inside', adHocSubProcess('t', `${serviceTask('a')}${flow('fe', 'a', 'e')}<bpmn:endEvent id="e" />`), 'e', /must not contain end events/],
    ['a static active elements collection', adHocSubProcess('t', serviceTask('a'), { active: 'a' }), 't', /active elements collection 'a', which is not a FEEL expression/],
    ['FEEL that does not parse', adHocSubProcess('t', serviceTask('a'), { active: '=[' }), 't', /invalid active elements collection/],
    ['a completion condition that is not FEEL', adHocSubProcess('t', serviceTask('a'), { condition: 'klar' }), 't', /completion condition 'klar', which is not a FEEL expression/],
    ['an output collection', adHocSubProcess('t', serviceTask('a'), { extra: '<zeebe:adHoc outputCollection="res" outputElement="=r" />' }), 't', /outputCollection\/outputElement/],
    ['sequential ordering', adHocSubProcess('t', serviceTask('a'), { attrs: 'ordering="Sequential"' }), 't', /ordering 'Sequential'/],
    ['a job worker implementation', adHocSubProcess('t', serviceTask('a'), { extra: '<zeebe:taskDefinition type="agent" />' }), 't', /zeebe:TaskDefinition/],
    ['an event subprocess inside', adHocSubProcess('t', `${serviceTask('a')}<bpmn:subProcess id="es" triggeredByEvent="true"><bpmn:startEvent id="ess"><bpmn:signalEventDefinition signalRef="sig" /></bpmn:startEvent>${flow('fes', 'ess', 'ese')}<bpmn:endEvent id="ese" /></bpmn:subProcess>`), 'es', /event subprocess inside ad-hoc subprocess 't'/],
  ])('%s', async (_what, adHoc, elementId, text) => {
    const findings = await findingsOf(processXml(around(adHoc), '<bpmn:signal id="sig" name="Stopp" />'));
    expect(findings).toEqual([{ elementId, message: expect.stringMatching(text) }]);
    expect(findings[0]!.message).toContain(`Element '${elementId}'`);
  });
});
