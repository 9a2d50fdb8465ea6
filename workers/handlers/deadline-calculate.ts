import { z } from 'zod';
import { calculateDeadline, parseSignedDuration } from '../deadlines/calculate';
import { ConfigError } from '../config';
import type { Deps } from '../deps';
import { defineHandler, JobInputError } from '../framework';

const duration = z.string().refine((s) => { try { parseSignedDuration(s); return true; } catch { return false; } }, 'must be an ISO 8601 duration such as P14D or -P14D');

export const deadlineCalculate = (deps: Deps) => defineHandler({
  type: 'vk.deadline.calculate',
  headers: z.object({ rule: z.string().min(1), baseDateVariable: z.string().min(1), resultVariable: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }),
  variables: z.looseObject({ deadlineOffset: duration.nullish(), reminderLeadTime: duration.nullish() }),
  async handle({ variables, headers }) {
    const rule = deps.deadlines.rules[headers.rule];
    if (!rule) throw new ConfigError(`Deadline rule "${headers.rule}" is not in ${deps.config.deadlinesFile}. Add it there (or fix the rule header in the diagram), restart the workers and resolve the incident.`);
    const base = (variables as Record<string, unknown>)[headers.baseDateVariable];
    if (typeof base !== 'string' || base === '') {
      throw new JobInputError(`Variable "${headers.baseDateVariable}" (the base date of deadline rule "${headers.rule}") is missing or not a date. Set it to an ISO date such as 2026-12-01, then resolve the incident.`);
    }
    let d;
    try {
      d = calculateDeadline({
        base,
        rule: { ...rule, ...(variables.deadlineOffset ? { offset: variables.deadlineOffset } : {}), ...(variables.reminderLeadTime ? { reminderLeadTime: variables.reminderLeadTime } : {}) },
        timeOfDay: deps.deadlines.timeOfDay, workingDays: deps.deadlines.workingDays, now: deps.now(),
      });
    } catch (e) {
      throw new JobInputError(`Variable "${headers.baseDateVariable}": ${(e as Error).message}. Correct it, then resolve the incident.`);
    }
    return { [headers.resultVariable]: d.due, [`${headers.resultVariable}Reminder`]: d.reminder };
  },
});
