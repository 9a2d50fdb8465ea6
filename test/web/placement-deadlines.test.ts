/**
 * The placement deadlines on the manager's dashboard, and what a task inside a called process needs, against the
 * real engine: vk-placeringsfrister called from a caller (as Under placering calls it) with an LVM acute placement
 * — the LVM maximum, the acute placement's decision and the cost split are listed per case with deadline, due date,
 * who must act and whether late or at risk, and drill down to the cases; a multi-instance task of a called process
 * shows its task-local variables (the unit it is for) on its task page. Deadline jobs are answered in the test.
 */
import { definitions } from '../helpers/bpmn-xml';
import { Agent, until, useEngineAndWeb } from './helpers';

const DAY = 86_400_000;
const ctx = useEngineAndWeb();

const CALLER = definitions(`<bpmn:process id="vk-test-placering" name="Placering (test)" isExecutable="true">
  <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Tidsfrister" />
  <bpmn:callActivity id="Tidsfrister" name="Tidsfrister under placering"><bpmn:extensionElements><zeebe:calledElement processId="vk-placeringsfrister" propagateAllChildVariables="false" propagateAllParentVariables="false" />
    <zeebe:ioMapping><zeebe:input source="=caseRef" target="caseRef" /><zeebe:input source="=kommun" target="kommun" /><zeebe:input source="=placeringStart" target="placeringStart" />
    <zeebe:input source="=&quot;lvm&quot;" target="placeringsgrund" /><zeebe:input source="=true" target="akutPlacering" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:callActivity>
  <bpmn:sequenceFlow id="f2" sourceRef="Tidsfrister" targetRef="end" /><bpmn:endEvent id="end" />
</bpmn:process>`);

const UNITS_CALLER = definitions(`<bpmn:process id="vk-test-enheter-anropare" isExecutable="true">
  <bpmn:startEvent id="start" /><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Anrop" />
  <bpmn:callActivity id="Anrop"><bpmn:extensionElements><zeebe:calledElement processId="vk-test-enheter" propagateAllChildVariables="false" propagateAllParentVariables="false" />
    <zeebe:ioMapping><zeebe:input source="=caseRef" target="caseRef" /><zeebe:input source="=kommun" target="kommun" /><zeebe:input source="=[&quot;beroende&quot;, &quot;allmanpsykiatri&quot;]" target="enheter" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:callActivity>
  <bpmn:sequenceFlow id="f2" sourceRef="Anrop" targetRef="end" /><bpmn:endEvent id="end" />
</bpmn:process>
<bpmn:process id="vk-test-enheter" isExecutable="true">
  <bpmn:startEvent id="start2" /><bpmn:sequenceFlow id="g1" sourceRef="start2" targetRef="Insats" />
  <bpmn:userTask id="Insats" name="Insats"><bpmn:extensionElements><zeebe:userTask /><zeebe:formDefinition formId="vk-vardkedjeremiss-insats" />
    <zeebe:assignmentDefinition candidateGroups="=[&quot;socialsekreterare-&quot; + kommun]" />
    <zeebe:ioMapping><zeebe:input source="=if enhet = &quot;beroende&quot; then &quot;Beroendekliniken&quot; else &quot;Allmänpsykiatrin&quot;" target="enhetNamn" /></zeebe:ioMapping></bpmn:extensionElements>
    <bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=enheter" inputElement="enhet" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>
  <bpmn:sequenceFlow id="g2" sourceRef="Insats" targetRef="end2" /><bpmn:endEvent id="end2" />
</bpmn:process>`);

const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  await ctx.engine.client.createDeployment({ resources: [new File([CALLER], 'vk-test-placering.bpmn', { type: 'application/xml' }), new File([UNITS_CALLER], 'vk-test-enheter.bpmn', { type: 'application/xml' })] });
}, 30_000);

/** Answers every vk.deadline.calculate job of the called process with the due date chosen per rule. */
async function answerDeadlines(dueByRule: Record<string, number>) {
  const done = new Set<string>();
  await until(async () => {
    const { jobs } = await ctx.engine.client.activateJobs({ type: 'vk.deadline.calculate', maxJobsToActivate: 10, timeout: 10_000, worker: 'web-test', requestTimeout: -1 } as never);
    for (const job of jobs) {
      const h = job.customHeaders as { rule: string; resultVariable: string };
      const due = dueByRule[h.rule];
      if (due === undefined) throw new Error(`unexpected deadline rule ${h.rule}`);
      await ctx.engine.client.completeJob({ jobKey: job.jobKey, variables: { [h.resultVariable]: iso(due), [`${h.resultVariable}Reminder`]: iso(due - 2 * DAY) } });
      done.add(h.rule);
    }
    return done.size === Object.keys(dueByRule).length;
  }, 'deadline jobs', 20_000);
}

test('the placement deadlines of a called vk-placeringsfrister: per deadline on the dashboard, per case in the drill-down, in the case', async () => {
  const caseRef = 'VK-2026-000811';
  const now = Date.now();
  const caller = await ctx.engine.client.createProcessInstance({ processDefinitionId: 'vk-test-placering' as never, variables: { caseRef, kommun: 'vaxjo', placeringStart: iso(now - 20 * DAY).slice(0, 10) } });
  await answerDeadlines({ 'lvm-max': now + 30 * DAY, 'akut-placering': now - DAY, 'kostnadsfordelning-akut': now + DAY });

  const chef = await Agent.login(ctx.web.url, 'chef-vaxjo');
  const dash = await until(async () => { const d = (await chef.get('/api/oversikt')).json; return d.placementDeadlines?.length === 3 && d; }, 'three placement deadlines');
  const byName = Object.fromEntries((dash.placementDeadlines as any[]).map((p) => [p.deadline, p]));
  expect(byName['Besluta om akutplaceringen']).toMatchObject({ open: 1, late: 1, atRisk: 0 });
  expect(byName['Kom överens om kostnadsfördelning för akutplaceringen']).toMatchObject({ open: 1, late: 0, atRisk: 1 });
  expect(byName['Planera för att LVM-vården upphör']).toMatchObject({ open: 1, late: 0, atRisk: 0 });
  expect(Date.parse(byName['Planera för att LVM-vården upphör'].nextDue)).toBe(now + 30 * DAY);
  // The called process's tasks count for the case's kommun (they counted nowhere before).
  expect(dash.risk.find((r: any) => r.process === 'vk-placeringsfrister')).toMatchObject({ breached: 1, atRisk: 1 });

  // Drill-down: which case, which deadline, due date, status, who must act.
  const list = (await chef.get('/api/oversikt/arenden?visa=placeringsfrister')).json;
  expect(list.columns.map((c: any) => c.label)).toEqual(['Ärende', 'Tidsfrist', 'Förfaller', 'Läge', 'Dagar försenad', 'Vem ska agera', 'Tilldelad', 'Kommun']);
  expect(list.rows.map((r: any) => [r.caseRef, r.cells[1], r.cells[3], r.cells[5]])).toEqual([
    [caseRef, 'Besluta om akutplaceringen', 'Försenad', 'Socialsekreterare Växjö'],
    [caseRef, 'Kom överens om kostnadsfördelning för akutplaceringen', 'I riskzon', 'Socialsekreterare Växjö'],
    [caseRef, 'Planera för att LVM-vården upphör', 'I tid', 'Socialsekreterare Växjö'],
  ]);
  expect(Date.parse(list.rows[0].cells[2])).toBe(now - DAY);
  expect(list.rows[0].cells[4]).toBe(1);
  const one = (await chef.get(`/api/oversikt/arenden?visa=placeringsfrister&frist=${encodeURIComponent('Besluta om akutplaceringen')}`)).json;
  expect(one.rows).toHaveLength(1);
  const page = await chef.html(`/oversikt/arenden?visa=placeringsfrister`);
  expect(page).toContain('Tidsfrister för placeringar');
  expect(page).toContain(caseRef);
  expect(await chef.html('/oversikt')).toContain('id="placement-deadlines"');
  // Filtered on another kommun, none of it.
  const region = await Agent.login(ctx.web.url, 'chef-region');
  expect((await region.get('/api/oversikt?kommun=alvesta')).json.placementDeadlines).toEqual([]);
  expect((await region.get('/api/oversikt/arenden?visa=placeringsfrister&kommun=alvesta')).json.rows).toEqual([]);
  expect((await region.get('/api/oversikt/arenden?visa=placeringsfrister&kommun=vaxjo')).json.rows).toHaveLength(3);
  // Mina ärenden lists the case once (the called process belongs to its caller's row).
  const ss = await Agent.login(ctx.web.url, 'ss-vaxjo');
  const mine = (await ss.get(`/api/mina-arenden?status=alla&sok=${caseRef}`)).json;
  expect(mine.rows.map((r: any) => r.processDefinitionId)).toEqual(['vk-test-placering']);

  // The case page names the deadlines in words.
  const view = (await ss.get(`/api/arenden/${caseRef}/oversikt`)).json;
  expect(view.processes.map((p: any) => p.processDefinitionId).sort()).toEqual(['vk-placeringsfrister', 'vk-test-placering']);
  expect(view.processes.find((p: any) => p.processDefinitionId === 'vk-placeringsfrister').parentProcessInstanceKey).toBe(String(caller.processInstanceKey));
  const labels = (view.summary.deadlines as any[]).map((d) => d.label);
  expect(labels).toEqual(expect.arrayContaining(['LVM-vården upphör senast (högst 6 månader)', 'Akutplaceringen löper ut (beslut om förlängning senast)', 'Kostnadsfördelning för akutplaceringen klar senast']));
  expect(labels.some((l: string) => l.startsWith('Tidsgräns ('))).toBe(false);
}, 90_000);

test('a multi-instance task inside a called process shows its task-local variables (the unit it is for)', async () => {
  const caseRef = 'VK-2026-000812';
  await ctx.engine.client.createProcessInstance({ processDefinitionId: 'vk-test-enheter-anropare' as never, variables: { caseRef, kommun: 'vaxjo' } });
  const ss = await Agent.login(ctx.web.url, 'ss-vaxjo');
  const tasks = await until(async () => { const items = ((await ss.get('/api/uppgifter')).json.items as any[]).filter((t) => t.caseRef === caseRef); return items.length === 2 && items; }, 'two unit tasks');
  const shown = await Promise.all(tasks.map(async (t: any) => {
    const form = (await ss.get(`/api/uppgifter/${t.userTaskKey}/formular`)).json;
    return Object.fromEntries((form.context as Array<{ label: string; text: string }>).map((c) => [c.label, c.text]));
  }));
  expect(shown.map((c) => c['Enhet']).sort()).toEqual(['Allmänpsykiatrin', 'Beroendekliniken']);
  expect(shown.map((c) => c['Enhetens id']).sort()).toEqual(['allmanpsykiatri', 'beroende']);
  const page = await ss.html(`/uppgifter/${tasks[0].userTaskKey}`);
  expect(page).toMatch(/Beroendekliniken|Allmänpsykiatrin/);
}, 60_000);
