import { z } from 'zod';
import { groupAddresses } from '../config';
import type { Deps } from '../deps';
import { defineHandler } from '../framework';
import { render } from '../mail/templates';
import { caseRefSchema, normaliseDateTime, resolveGroup } from './common';
import { openUrl } from '../mail/links';

export const notifyTask = (deps: Deps) => defineHandler({
  type: 'vk.notify.task',
  headers: z.object({
    group: z.string().min(1).optional(),
    template: z.enum(['ny-uppgift', 'kallelse-mote']).default('ny-uppgift'),
    dueDateVariable: z.string().optional(),
    /** kallelse-mote: variable holding the meeting's date-time. */
    meetingTimeVariable: z.string().optional(),
    /** Swedish task name for the mail (static text from the diagram: never case data). */
    task: z.string().default('en uppgift väntar på dig'),
  }),
  variables: z.looseObject({ caseRef: caseRefSchema(deps), kommun: z.string().optional(), notifyGroup: z.string().optional() }),
  async handle({ variables, headers, job }) {
    const groupName = variables.notifyGroup ?? headers.group;
    if (!groupName) throw new Error('Neither header "group" nor variable "notifyGroup" names who to notify');
    const group = resolveGroup(groupName, variables);
    const vars = variables as Record<string, unknown>;
    const due = headers.dueDateVariable ? vars[headers.dueDateVariable] : undefined;
    const meeting = headers.meetingTimeVariable ? vars[headers.meetingTimeVariable] : undefined;
    const mail = render(headers.template, {
      caseRef: variables.caseRef, taskLabel: headers.task, link: openUrl(deps.config.webBaseUrl, variables.caseRef),
      ...(typeof due === 'string' ? { dueDate: due } : {}), ...(typeof meeting === 'string' ? { meetingTime: normaliseDateTime(meeting, headers.meetingTimeVariable!) } : {}),
    });
    const to = groupAddresses(deps.config, group);
    const r = await deps.mail.send({ key: `${job.jobKey}:notify:${group}`, to, ...mail });
    await deps.audit.record({ actor: deps.actor, action: r.sent ? 'notification.sent' : r.uncertain ? 'notification.uncertain' : 'notification.duplicate-suppressed', caseRef: variables.caseRef, details: { group, template: headers.template, messageId: r.messageId, jobKey: job.jobKey, processInstanceKey: job.processInstanceKey, elementId: job.elementId } });
    return {};
  },
});
