/**
 * "Nästa steg" on the case page names the case's current step, not the task with the nearest deadline: the
 * placement's omprövning (due months ahead) must not hide the SIP preparation that is the real current work.
 */
import { currentTask, summarize, type CaseOverview, type CaseProcess } from '../../web/server/cases/overview';

const NOW = new Date('2026-12-03T10:00:00+01:00');

function proc(key: string, id: string, name: string, startDate: string, tasks: Array<{ name: string; created: string; due?: string; group: string }>, parent?: string): CaseProcess {
  return {
    processInstanceKey: key, processDefinitionKey: `d-${id}`, processDefinitionId: id, name, state: 'ACTIVE', startDate, parentProcessInstanceKey: parent,
    currentSteps: [], activeElementIds: [],
    openTasks: tasks.map((t, i) => ({ userTaskKey: `${key}-${i}`, name: t.name, dueDate: t.due, candidateGroups: [t.group], creationDate: t.created })),
    taskGroups: [], taskAssignees: [], taskNames: new Map(), waits: new Map(), vars: {}, source: { instance: {} as never, tasks: [] },
  };
}

const placement = proc('1', 'vk-under-placering', 'Under placering', '2026-06-01T09:00:00Z', []);
const frister = proc('2', 'vk-placeringsfrister', 'Tidsfrister under placering', '2026-06-01T09:00:01Z',
  [{ name: 'Ompröva placeringen', created: '2026-06-01T09:00:02Z', due: '2027-05-03T16:00:00+02:00', group: 'socialsekreterare-vaxjo' }], '1');
const hemflytt = proc('3', 'vk-infor-hemflytt', 'Inför hemflytt', '2026-12-01T09:00:00Z', [], '1');
const sip = proc('4', 'vk-sip', 'SIP', '2026-12-01T09:05:00Z', [
  { name: 'Förbered SIP-mötet', created: '2026-12-01T09:06:00Z', group: 'socialsekreterare-vaxjo' },
  { name: 'Förbered SIP-mötet', created: '2026-12-01T09:06:00Z', group: 'psykiatri' },
], '3');
const overview = (processes: CaseProcess[]): CaseOverview => ({ caseRef: 'VK-2026-000001', kommun: 'vaxjo', processes, vars: { home: 'novus' } });

test('the SIP preparation, not the omprövning due 2027, is the next step while inför hemflytt runs its SIP', () => {
  const o = overview([placement, frister, hemflytt, sip]);
  expect(currentTask(o, NOW)?.process).toBe('SIP');
  expect(summarize(o, NOW, undefined).next?.what).toBe('Förbered SIP-mötet (SIP)');
});

test('within the current process the most recently created task is next; the follow-up beats the far omprövning', () => {
  const followUp = proc('1', 'vk-under-placering', 'Under placering', '2026-06-01T09:00:00Z', [
    { name: 'Hantera orosanmälan och gör skyddsbedömning', created: '2026-11-01T09:00:00Z', due: '2026-11-02T09:00:00Z', group: 'socialsekreterare-vaxjo' },
    { name: 'Följ upp placeringen och planera nästa steg', created: '2026-12-02T09:00:00Z', group: 'socialsekreterare-vaxjo' },
  ]);
  expect(summarize(overview([followUp, frister]), NOW, undefined).next?.what).toBe('Följ upp placeringen och planera nästa steg (Under placering)');
});

test('the omprövning is next when it is overdue, or when nothing else is open', () => {
  const late = proc('2', 'vk-placeringsfrister', 'Tidsfrister under placering', '2026-06-01T09:00:01Z',
    [{ name: 'Ompröva placeringen', created: '2026-06-01T09:00:02Z', due: '2026-12-01T16:00:00+01:00', group: 'socialsekreterare-vaxjo' }], '1');
  const next = summarize(overview([placement, late, hemflytt, sip]), NOW, undefined).next!;
  expect(next.what).toBe('Ompröva placeringen (Tidsfrister under placering)');
  expect(next.overdue).toBe(true);
  expect(currentTask(overview([placement, frister]), NOW)?.name).toBe('Ompröva placeringen');
});

test("a step without a deadline of its own shows none; the case's nearest deadline stands on its own line", () => {
  const o: CaseOverview = { ...overview([placement, frister, hemflytt, sip]), vars: { home: 'novus', omprovningDeadline: '2027-05-03T16:00:00+02:00' } };
  const s = summarize(o, NOW, undefined);
  expect(s.next?.what).toBe('Förbered SIP-mötet (SIP)');
  // The omprövning's date must not read as the SIP preparation's deadline.
  expect(s.next?.due).toBeUndefined();
  expect(s.upcoming).toEqual({ label: 'Placeringen ska omprövas senast', value: '2027-05-03T16:00:00+02:00' });
});

test('"Var står ärendet?" names the main process, not the deadline process that runs beside it', () => {
  const followUp = proc('1', 'vk-under-placering', 'Under placering', '2026-06-01T09:00:00Z',
    [{ name: 'Planera samverkan vid inskrivning', created: '2026-06-01T09:00:03Z', group: 'kontaktpersoner-novus' }]);
  const s = summarize(overview([followUp, frister]), NOW, undefined);
  expect(s.status).toBe('Placerad på Stödboende Novus. Under placering: Planera samverkan vid inskrivning.');
});
