import fs from 'node:fs';
import { z } from 'zod';
import type { DeadlineRule } from './calculate';
import { parseSignedDuration } from './calculate';
import type { WorkingDayOptions } from './holidays';

const duration = z.string().refine((s) => { try { parseSignedDuration(s); return true; } catch { return false; } }, {
  message: 'must be an ISO 8601 duration such as P14D, -P14D, P3M, P2W',
});

const ruleSchema = z.object({
  offset: duration,
  reminderLeadTime: duration.optional(),
  adjust: z.enum(['previous-working-day', 'next-working-day', 'none']).optional(),
  label: z.string().min(1),
  description: z.string().optional(),
});

export const deadlinesFileSchema = z.object({
  timeOfDay: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm').default('16:00'),
  defaultReminderLeadTime: duration.default('P3D'),
  defaultAdjust: z.enum(['previous-working-day', 'next-working-day', 'none']).default('previous-working-day'),
  workingDays: z.object({
    publicHolidays: z.boolean().default(true),
    deFactoHolidays: z.boolean().default(true),
    extraClosedDates: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).default([]),
  }).prefault({}),
  rules: z.record(z.string(), ruleSchema),
  /** Swedish names for deadline names used in escalation headers that are not rules (e.g. `sip-mote`). */
  labels: z.record(z.string(), z.string().min(1)).default({}),
});

export interface DeadlineConfig {
  timeOfDay: string;
  workingDays: WorkingDayOptions;
  rules: Record<string, DeadlineRule>;
  labels: Record<string, string>;
}

export function parseDeadlineConfig(raw: unknown, source = 'config/deadlines.json'): DeadlineConfig {
  const parsed = deadlinesFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${source} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const f = parsed.data;
  const rules: Record<string, DeadlineRule> = {};
  for (const [name, r] of Object.entries(f.rules)) {
    rules[name] = { offset: r.offset, label: r.label, reminderLeadTime: r.reminderLeadTime ?? f.defaultReminderLeadTime, adjust: r.adjust ?? f.defaultAdjust };
  }
  return { timeOfDay: f.timeOfDay, workingDays: f.workingDays, rules, labels: f.labels };
}

export function loadDeadlineConfig(file: string): DeadlineConfig {
  let raw: unknown;
  try { raw = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (e) {
    throw new Error(`Cannot read deadline rules from ${file}: ${(e as Error).message}. Set DEADLINES_CONFIG to a valid JSON file.`);
  }
  return parseDeadlineConfig(raw, file);
}
