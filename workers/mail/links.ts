import type { CamundaClient } from '../../common/camunda';

/**
 * Links in mails, always built from the configured public address of the web app (`WEB_BASE_URL`; `npm start`
 * sets it from `WEB_PORT`). A link names the case and the step (`/oppna?arende=VK-2026-000123&steg=Matchning`),
 * never an engine key: the web app opens that step's task for whoever follows the link, or the case for a manager.
 * Engine keys are 16-digit numbers, which personnummer filters (ours and mail gateways') would flag.
 */
export function openUrl(base: string, caseRef: string, elementId?: string): string {
  return `${base}/oppna?arende=${encodeURIComponent(caseRef)}${elementId ? `&steg=${encodeURIComponent(elementId)}` : ''}`;
}

/**
 * The step (element id) of the open user task a deadline belongs to: in the same process instance, with the due date
 * the deadline variable holds (the diagrams set the task's due date from that variable). Official client only.
 */
export async function openStepFor(client: CamundaClient, processInstanceKey: string, dueDate: string): Promise<string | undefined> {
  const due = Date.parse(dueDate.replace(/(?:@[A-Za-z_/+-]+|\[[A-Za-z_/+-]+\])$/, ''));
  const res = await client.searchUserTasks({ filter: { processInstanceKey, state: 'CREATED' } as never, page: { limit: 100 } as never }, { consistency: { waitUpToMs: 0 } });
  const same = res.items.find((t) => t.dueDate && Date.parse(String(t.dueDate)) === due);
  return same ? String(same.elementId) : undefined;
}
