/**
 * Deploy-time validation of the constructs added for engine breadth (issue 16): FEEL script tasks, link events,
 * message throw/end events with job workers, variable mappings on events, FEEL string literals over several lines.
 * Each: what compiles, and what is refused with Zeebe's message (or a clearer one) naming the element.
 */
import { compileBpmn, type CompiledProcess } from '../../engine/model';
import { findingsOf } from '../helpers/deploy-findings';
import { around, flow, processXml, serviceTask } from '../helpers/bpmn-xml';

async function compileOne(xml: string): Promise<CompiledProcess> {
  const [process] = await compileBpmn(xml, 'breadth.bpmn');
  return process!;
}

const findings = (xml: string) => findingsOf(xml, 'breadth.bpmn');

const script = (id: string, attrs: string, extra = '') =>
  `<bpmn:scriptTask id="${id}"><bpmn:extensionElements><zeebe:script ${attrs} />${extra}</bpmn:extensionElements></bpmn:scriptTask>`;
const linkThrow = (id: string, name: string) => `<bpmn:intermediateThrowEvent id="${id}"><bpmn:linkEventDefinition id="${id}_def" name="${name}" /></bpmn:intermediateThrowEvent>`;
const linkCatch = (id: string, name: string, extra = '') =>
  `<bpmn:intermediateCatchEvent id="${id}">${extra}<bpmn:linkEventDefinition id="${id}_def" name="${name}" /></bpmn:intermediateCatchEvent>`;
const MESSAGE = '<bpmn:message id="m1" name="Beslut meddelat" />';

describe('FEEL script tasks (zeebe:script)', () => {
  it('compiles expression and result variable', async () => {
    const process = await compileOne(processXml(around(script('t', 'expression="=summa * 2" resultVariable="dubbel"'))));
    expect(process.elements.t!.script).toEqual({ expression: '=summa * 2', resultVariable: 'dubbel' });
    expect(process.elements.t!.job).toBeUndefined();
  });

  it.each([
    ['no expression', 'resultVariable="r"', /zeebe:script without an expression/],
    ['no result variable', 'expression="=1"', /zeebe:script without a result variable/],
    ['a dotted result variable', 'expression="=1" resultVariable="a.b"', /'a\.b', which is not a plain variable name/],
    ['an unparsable expression', 'expression="=1 +" resultVariable="r"', /invalid script expression/],
  ])('refuses %s', async (_what, attrs, text) => {
    const found = await findings(processXml(around(script('t', attrs))));
    expect(found).toHaveLength(1);
    expect(found[0]!.elementId).toBe('t');
    expect(found[0]!.message).toMatch(text);
  });

  it('refuses zeebe:script together with zeebe:taskDefinition, as Zeebe does', async () => {
    const found = await findings(processXml(around(script('t', 'expression="=1" resultVariable="r"', '<zeebe:taskDefinition type="x" />'))));
    expect(found.map((f) => f.message)).toEqual([expect.stringMatching(/Must have either one 'zeebe:script' or one 'zeebe:taskDefinition'/)]);
  });
});

describe('link events', () => {
  const pair = (throwName: string, catchName: string) =>
    `<bpmn:startEvent id="start" />${flow('f1', 'start', 'toLink')}${linkThrow('toLink', throwName)}${linkCatch('fromLink', catchName)}${flow('f2', 'fromLink', 'end')}<bpmn:endEvent id="end" />`;

  it('compiles a throw/catch pair by name', async () => {
    const process = await compileOne(processXml(pair('Vidare', 'Vidare')));
    expect(process.elements.toLink!.eventDefinition).toEqual({ kind: 'link', linkName: 'Vidare' });
    expect(process.elements.fromLink!.eventDefinition).toEqual({ kind: 'link', linkName: 'Vidare' });
  });

  it('refuses a throw without a catch of its name in the same scope', async () => {
    const found = await findings(processXml(pair('Vidare', 'Annat')));
    expect(found).toEqual([{ elementId: 'toLink', message: expect.stringMatching(/Can't find an catch link event for the throw link event with the name 'Vidare'/) }]);
  });

  it('refuses a catch in another scope than the throw', async () => {
    const xml = processXml(
      `<bpmn:startEvent id="start" />${flow('f1', 'start', 'toLink')}${linkThrow('toLink', 'L')}` +
        `<bpmn:subProcess id="sub"><bpmn:startEvent id="ss" />${flow('sf', 'ss', 'se')}<bpmn:endEvent id="se" />${linkCatch('fromLink', 'L')}</bpmn:subProcess>`,
    );
    expect((await findings(xml)).map((f) => f.elementId)).toContain('toLink');
  });

  it('refuses two catch events of one name and a link without a name', async () => {
    const xml = processXml(`${pair('L', 'L')}${linkCatch('again', 'L')}${flow('f3', 'again', 'end')}`);
    expect(await findings(xml)).toEqual([{ elementId: 'again', message: expect.stringMatching(/Multiple intermediate catch link event definitions with the same name 'L'/) }]);
    const unnamed = await findings(processXml(pair('', 'L')));
    expect(unnamed).toEqual([{ elementId: 'toLink', message: expect.stringMatching(/Link name must be present and not empty/) }]);
  });

  it('refuses outgoing flows on a link throw and input mappings on a link catch (both would be ignored)', async () => {
    const withFlow = await findings(processXml(`${pair('L', 'L')}${flow('f9', 'toLink', 'end')}`));
    expect(withFlow).toEqual([{ elementId: 'toLink', message: expect.stringMatching(/link throw event with outgoing sequence flows/) }]);
    const inputs = '<bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=1" target="x" /></zeebe:ioMapping></bpmn:extensionElements>';
    const withInputs = processXml(
      `<bpmn:startEvent id="start" />${flow('f1', 'start', 'toLink')}${linkThrow('toLink', 'L')}${linkCatch('fromLink', 'L', inputs)}${flow('f2', 'fromLink', 'end')}<bpmn:endEvent id="end" />`,
    );
    expect(await findings(withInputs)).toEqual([{ elementId: 'fromLink', message: expect.stringMatching(/input mappings/) }]);
  });
});

describe('message throw and end events with job workers', () => {
  const job = '<zeebe:taskDefinition type="vk.meddela" retries="2" /><zeebe:taskHeaders><zeebe:header key="mall" value="beslut" /></zeebe:taskHeaders>';
  const throwEvent = (extensions: string, ref = ' messageRef="m1"') =>
    `<bpmn:intermediateThrowEvent id="t"><bpmn:extensionElements>${extensions}</bpmn:extensionElements><bpmn:messageEventDefinition${ref} /></bpmn:intermediateThrowEvent>`;

  it('compiles the job of an intermediate throw event and of an end event (the message reference is optional)', async () => {
    const process = await compileOne(processXml(around(throwEvent(job)), MESSAGE));
    expect(process.elements.t!.job).toEqual({ type: 'vk.meddela', retries: '2', headers: { mall: 'beslut' } });
    expect(process.elements.t!.eventDefinition).toEqual({ kind: 'messageThrow', messageName: 'Beslut meddelat' });
    const end = await compileOne(processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'e')}<bpmn:endEvent id="e"><bpmn:extensionElements>${job}</bpmn:extensionElements><bpmn:messageEventDefinition /></bpmn:endEvent>`));
    expect(end.elements.e!.job?.type).toBe('vk.meddela');
  });

  it('refuses a job definition on an event that is not a message throw', async () => {
    const found = await findings(processXml(around(`<bpmn:intermediateThrowEvent id="t"><bpmn:extensionElements>${job}</bpmn:extensionElements></bpmn:intermediateThrowEvent>`)));
    expect(found).toEqual([{ elementId: 't', message: expect.stringMatching(/only message throw and message end events run as job workers/) }]);
  });

  it('refuses a job definition without a type', async () => {
    const found = await findings(processXml(around(throwEvent('<zeebe:taskDefinition type="" />')), MESSAGE));
    expect(found).toEqual([{ elementId: 't', message: expect.stringMatching(/no job type/) }]);
  });
});

describe('variable mappings on events (where Zeebe 8.8 applies them)', () => {
  const io = (inner: string) => `<bpmn:extensionElements><zeebe:ioMapping>${inner}</zeebe:ioMapping></bpmn:extensionElements>`;
  const MSG = '<bpmn:message id="m2" name="Svar"><bpmn:extensionElements><zeebe:subscription correlationKey="=nyckel" /></bpmn:extensionElements></bpmn:message>';

  it('accepts inputs on message, timer and signal catch events', async () => {
    const catchEvent = `<bpmn:intermediateCatchEvent id="t">${io('<zeebe:input source="=caseRef" target="nyckel" /><zeebe:output source="=svar" target="svaret" />')}<bpmn:messageEventDefinition messageRef="m2" /></bpmn:intermediateCatchEvent>`;
    const process = await compileOne(processXml(around(catchEvent), MSG));
    expect(process.elements.t!.ioMapping).toEqual({ inputs: [{ source: '=caseRef', target: 'nyckel' }], outputs: [{ source: '=svar', target: 'svaret' }] });
  });

  it('accepts outputs on a message end event completed by a job, and refuses them on other end events', async () => {
    const endWith = (definition: string, extensions: string) =>
      processXml(`<bpmn:startEvent id="s" />${flow('a', 's', 'e')}<bpmn:endEvent id="e"><bpmn:extensionElements>${extensions}</bpmn:extensionElements>${definition}</bpmn:endEvent>`);
    const outputs = '<zeebe:ioMapping><zeebe:output source="=kvitto" target="kvittens" /></zeebe:ioMapping>';
    const process = await compileOne(endWith('<bpmn:messageEventDefinition />', `<zeebe:taskDefinition type="vk.x" />${outputs}`));
    expect(process.elements.e!.ioMapping?.outputs).toEqual([{ source: '=kvitto', target: 'kvittens' }]);
    expect(await findings(endWith('', outputs))).toEqual([{ elementId: 'e', message: expect.stringMatching(/output mappings, which this kind of element cannot have/) }]);
  });

  it('still refuses inputs on start and boundary events', async () => {
    const start = processXml(`<bpmn:startEvent id="s">${io('<zeebe:input source="=1" target="x" />')}</bpmn:startEvent>${flow('a', 's', 'e')}<bpmn:endEvent id="e" />`);
    expect(await findings(start)).toEqual([{ elementId: 's', message: expect.stringMatching(/input mappings/) }]);
  });
});

describe('FEEL string literals with a raw line break', () => {
  it('accepts them where Modeler writes them (conditions, mappings, scripts) and keeps the line break', async () => {
    const xml = processXml(around(script('t', 'expression="=&quot;Rad ett&#10;rad två&quot;" resultVariable="text"')));
    const process = await compileOne(xml);
    expect(process.elements.t!.script!.expression).toBe('="Rad ett\nrad två"');
  });

  it('still refuses a line break that breaks the expression outside a string', async () => {
    const found = await findings(processXml(around(serviceTask('t', 'vk.x', '<zeebe:ioMapping><zeebe:input source="=1 +&#10;" target="x" /></zeebe:ioMapping>'))));
    expect(found.map((f) => f.elementId)).toEqual(['t']);
  });
});

describe('forms on the none start event (zeebe:formDefinition)', () => {
  const startWith = (form: string, definition = '') =>
    processXml(`<bpmn:startEvent id="s"><bpmn:extensionElements>${form}</bpmn:extensionElements>${definition}</bpmn:startEvent>${flow('a', 's', 'e')}<bpmn:endEvent id="e" />`);

  it('compiles formId with its binding onto the process', async () => {
    expect((await compileOne(startWith('<zeebe:formDefinition formId="ansokan" />'))).startForm).toEqual({ formId: 'ansokan', bindingType: 'latest' });
    expect((await compileOne(startWith('<zeebe:formDefinition formId="ansokan" bindingType="versionTag" versionTag="v2" />'))).startForm)
      .toEqual({ formId: 'ansokan', bindingType: 'versionTag', versionTag: 'v2' });
  });

  it.each([
    ['an empty form definition', '<zeebe:formDefinition />', '', /Exactly one of the attributes 'formId, formKey' must be present/],
    ['a formKey (embedded start form)', '<zeebe:formDefinition formKey="camunda-forms:bpmn:f" />', '', /formKey or externalReference/],
    ['a version tag binding without tag', '<zeebe:formDefinition formId="f" bindingType="versionTag" />', '', /without a version tag/],
    ['a form on a message start event', '<zeebe:formDefinition formId="f" />', '<bpmn:messageEventDefinition messageRef="m0" />', /only the plain \(none\) start event/],
  ])('refuses %s', async (_what, form, definition, text) => {
    const found = await findings(startWith(form, definition).replace('</bpmn:definitions>', '<bpmn:message id="m0" name="Ny" /></bpmn:definitions>'));
    expect(found).toEqual([{ elementId: 's', message: expect.stringMatching(text) }]);
  });

  it('refuses a form on the start event of an embedded subprocess', async () => {
    const xml = processXml(around(`<bpmn:subProcess id="t"><bpmn:startEvent id="ss"><bpmn:extensionElements><zeebe:formDefinition formId="f" /></bpmn:extensionElements></bpmn:startEvent>${flow('sf', 'ss', 'se')}<bpmn:endEvent id="se" /></bpmn:subProcess>`));
    expect(await findings(xml)).toEqual([{ elementId: 'ss', message: expect.stringMatching(/only the plain \(none\) start event of the process/) }]);
  });
});

describe('job-based user tasks and embedded forms (deprecated in Camunda 8.8, still run)', () => {
  const EMBEDDED = '<bpmn:extensionElements><zeebe:userTaskForm id="blankett">{"components":[],"type":"default"}</zeebe:userTaskForm></bpmn:extensionElements>';
  const withProcessExtensions = (content: string, extensions = EMBEDDED) =>
    processXml(content).replace('<bpmn:process id="p" isExecutable="true">', `<bpmn:process id="p" isExecutable="true">${extensions}`);
  const jobTask = (extensions: string) => `<bpmn:userTask id="t"><bpmn:extensionElements>${extensions}</bpmn:extensionElements></bpmn:userTask>`;

  it('compiles a user task without <zeebe:userTask/> into a job of type io.camunda.zeebe:userTask with its form key and assignment', async () => {
    const xml = withProcessExtensions(around(jobTask(
      '<zeebe:formDefinition formKey="camunda-forms:bpmn:blankett" /><zeebe:assignmentDefinition assignee="=ansvarig" candidateGroups="a, b" /><zeebe:taskHeaders><zeebe:header key="k" value="v" /></zeebe:taskHeaders>',
    )));
    const job = (await compileOne(xml)).elements.t!.job;
    expect(job).toEqual({
      type: 'io.camunda.zeebe:userTask', retries: '1',
      headers: { k: 'v', 'io.camunda.zeebe:formKey': 'camunda-forms:bpmn:blankett' },
      userTaskHeaders: { 'io.camunda.zeebe:assignee': '=ansvarig', 'io.camunda.zeebe:candidateGroups': 'a, b' },
    });
    expect((await compileOne(processXml(around('<bpmn:userTask id="t" />')))).elements.t!.job?.type).toBe('io.camunda.zeebe:userTask');
  });

  it('refuses an embedded form key without its zeebe:userTaskForm, a formId, a priority and an embedded form without body', async () => {
    const refused = async (xml: string) => (await findings(xml)).map((f) => f.message);
    expect(await refused(withProcessExtensions(around(jobTask('<zeebe:formDefinition formKey="camunda-forms:bpmn:annan" />'))))).toEqual([expect.stringMatching(/no zeebe:userTaskForm with the id 'annan'/)]);
    expect(await refused(processXml(around(jobTask('<zeebe:formDefinition formId="f" />'))))).toEqual([expect.stringMatching(/has no formKey/)]);
    expect(await refused(processXml(around(jobTask('<zeebe:priorityDefinition priority="10" />'))))).toEqual([expect.stringMatching(/priorities exist only for Camunda user tasks/)]);
    expect(await refused(withProcessExtensions(around('<bpmn:userTask id="t" />'), '<bpmn:extensionElements><zeebe:userTaskForm id="x" /></bpmn:extensionElements>'))).toEqual([expect.stringMatching(/userTaskForm without id or body/)]);
  });
});
