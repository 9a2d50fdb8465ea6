import { z } from 'zod';
import { groupAddresses } from '../config';
import type { Deps } from '../deps';
import { defineHandler, JobInputError } from '../framework';
import { render } from '../mail/templates';
import { caseRefSchema, resolveGroup } from './common';
import { openStepFor, openUrl } from '../mail/links';
import { groupLabel } from '../../common/labels';

/**
 * One step of the escalation ladder. reminder (at risk): mail to the responsible group. breach (repeated daily by
 * the diagram's timer cycle until the task completes): mail to escalateTo and the responsible group. Each step is
 * recorded (audit `escalation.reminder` / `escalation.breach`, read by the dashboard); mails go through the outbox
 * keyed by job key, so retries and crash recovery never send twice.
 */
export const escalate = (deps: Deps) => defineHandler({
  type: 'vk.escalate',
  headers: z.object({
    level: z.enum(['reminder', 'breach']),
    deadline: z.string().min(1),
    dueDateVariable: z.string().min(1),
    group: z.string().min(1),
    escalateTo: z.string().min(1).optional(),
  }),
  variables: z.looseObject({ caseRef: caseRefSchema(deps), kommun: z.string().optional() }),
  async handle({ variables, headers, job }) {
    const due = (variables as Record<string, unknown>)[headers.dueDateVariable];
    if (typeof due !== 'string') throw new JobInputError(`Variable "${headers.dueDateVariable}" (due date of deadline "${headers.deadline}") is missing. Set it, then resolve the incident.`);
    const group = resolveGroup(headers.group, variables);
    const escalateTo = headers.escalateTo ? resolveGroup(headers.escalateTo, variables) : undefined;
    if (headers.level === 'breach' && !escalateTo) throw new JobInputError(`Breach escalation of deadline "${headers.deadline}" has no "escalateTo" header. Add it in the diagram and redeploy.`);
    const label = deps.deadlines.rules[headers.deadline]?.label ?? deps.deadlines.labels[headers.deadline] ?? headers.deadline;

    const { step, first } = await deps.escalations.claim({ jobKey: job.jobKey, processInstanceKey: job.processInstanceKey, caseRef: variables.caseRef, deadline: headers.deadline, level: headers.level, dueDate: due });
    const details = { deadline: headers.deadline, dueDate: due, processInstanceKey: job.processInstanceKey, elementId: job.elementId, group, escalateTo: escalateTo ?? null, step: step.step, jobKey: job.jobKey, engineTime: job.engineTime ?? null };
    // Recorded once per step even if the mail below fails and the job is retried.
    if (first) await deps.audit.record({ actor: deps.actor, action: `escalation.${headers.level}`, caseRef: variables.caseRef, details });

    const recipients = headers.level === 'reminder' ? [group] : [escalateTo!, group];
    const template = headers.level === 'reminder' ? 'paminnelse' as const : 'eskalering' as const;
    // Resolve every address first: a configuration error must not leave half the recipients mailed.
    const targets = recipients.map((g) => ({ g, to: groupAddresses(deps.config, g) }));
    // The link opens the late task itself (the web app shows a manager the case instead).
    const taskStep = deps.client ? await openStepFor(deps.client, job.processInstanceKey, due).catch(() => undefined) : undefined;
    const mail = render(template, { caseRef: variables.caseRef, taskLabel: label, link: openUrl(deps.config.webBaseUrl, variables.caseRef, taskStep), dueDate: due, responsibleGroup: groupLabel(group), step: step.step });
    for (const { g, to } of targets) {
      const r = await deps.mail.send({ key: `${job.jobKey}:${headers.level}:${step.step}:${g}`, to, ...mail });
      await deps.audit.record({ actor: deps.actor, action: r.sent ? 'notification.sent' : r.uncertain ? 'notification.uncertain' : 'notification.duplicate-suppressed', caseRef: variables.caseRef, details: { ...details, recipientGroup: g, template, messageId: r.messageId } });
    }
    return {};
  },
});
