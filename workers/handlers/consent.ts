import { DateTime } from 'luxon';
import { z } from 'zod';
import { calculateDeadline } from '../deadlines/calculate';
import { ConfigError } from '../config';
import type { Deps } from '../deps';
import { BpmnError, csv, defineHandler, JobInputError } from '../framework';
import { caseRefSchema, isoDateOrDateTime, normaliseDateTime } from './common';

const consentSchema = z.object({
  form: z.enum(['skriftligt', 'muntligt', 'annat']),
  givenAt: isoDateOrDateTime,
  parties: z.array(z.string().min(1)).min(1, 'consent must name at least one party: a consent is never general'),
  information: z.array(z.string().min(1)).min(1, 'consent must name the information that may be shared: a consent is never general'),
  guardiansConsented: z.boolean().nullish(),
});

export const consentRecord = (deps: Deps) => defineHandler({
  type: 'vk.consent.record',
  headers: z.object({}),
  variables: z.looseObject({ caseRef: caseRefSchema(deps), consent: consentSchema }),
  async handle({ variables: { caseRef, consent }, job }) {
    if (consent.guardiansConsented === false) {
      throw new BpmnError('CONSENT_INVALID', 'Samtycket för ett barn kräver att båda vårdnadshavarna samtycker.');
    }
    const rule = deps.deadlines.rules['samtycke-giltighet'];
    if (!rule) throw new ConfigError(`Deadline rule "samtycke-giltighet" is missing in ${deps.config.deadlinesFile}. Add it and restart the workers.`);
    const calc = (offset: string) => calculateDeadline({ base: normaliseDateTime(consent.givenAt, 'consent.givenAt'), rule: { ...rule, offset }, timeOfDay: '23:59', workingDays: deps.deadlines.workingDays, now: deps.now() }).due;
    let validUntil: string;
    try {
      // Never longer than the legal/configured maximum, even if the rule says more.
      const byRule = calc(rule.offset);
      const cap = calc(`P${deps.config.consentMaxMonths}M`);
      validUntil = DateTime.fromISO(byRule) < DateTime.fromISO(cap) ? byRule : cap;
    } catch (e) {
      throw new JobInputError(`consent.givenAt: ${(e as Error).message}`);
    }
    const givenAt = normaliseDateTime(consent.givenAt, 'consent.givenAt');
    const rec = await deps.consent.record({ caseRef, form: consent.form, givenAt, validUntil, parties: consent.parties, information: consent.information, guardiansConsented: consent.guardiansConsented ?? null }, job.jobKey);
    await deps.audit.record({ actor: deps.actor, action: 'consent.recorded', caseRef, details: { consentId: rec.id, form: rec.form, givenAt: rec.givenAt, validUntil: rec.validUntil, parties: rec.parties, information: rec.information, processInstanceKey: job.processInstanceKey } });
    return { consentId: rec.id, consentValidUntil: rec.validUntil };
  },
});

const shareHeaders = z.object({ toParty: z.string().min(1), information: csv });
const shareVars = (deps: Deps) => z.looseObject({ caseRef: caseRefSchema(deps), toParty: z.string().min(1).optional(), consentId: z.string().optional() });
/**
 * The process's time (FEEL `string(now())` in an input mapping). Consent validity is judged at the time the process
 * lives in, so a pinned or skewed engine clock and the worker host never disagree about "expired".
 */
const consentCheckAt = (type: string) => z.string({ error: `consentCheckAt is missing: the diagram must pass the engine clock to ${type} with the input mapping <zeebe:input source="=string(now())" target="consentCheckAt" /> (workers/JOB_TYPES.md). Add it, deploy, then resolve the incident.` });
const checkVars = (deps: Deps) => shareVars(deps).extend({ consentCheckAt: consentCheckAt('vk.consent.check') });

export const consentCheck = (deps: Deps) => defineHandler({
  type: 'vk.consent.check',
  headers: shareHeaders,
  variables: checkVars(deps),
  async handle({ variables, headers, job }) {
    const toParty = variables.toParty ?? headers.toParty;
    const at = DateTime.fromISO(normaliseDateTime(variables.consentCheckAt, 'consentCheckAt'), { setZone: true });
    const r = await deps.consent.check(variables.caseRef, toParty, headers.information, at);
    await deps.audit.record({ actor: deps.actor, action: r.ok ? 'consent.check.ok' : 'consent.check.missing', caseRef: variables.caseRef, details: { toParty, information: headers.information, checkedAt: at.toISO(), ...(r.ok ? { consentId: r.consent.id } : { reason: r.reason }), processInstanceKey: job.processInstanceKey, elementId: job.elementId } });
    if (!r.ok) throw new BpmnError('CONSENT_MISSING', r.message, { consentMissingReason: r.reason, consentMissingMessage: r.message });
    return { consentId: r.consent.id };
  },
});

/**
 * The case's consent in force at the process's time, read from the registry: a process that calls a SIP hands it on,
 * so the SIP does not ask for consent that the case already holds, however the step before it was reached.
 */
export const consentCurrent = (deps: Deps) => defineHandler({
  type: 'vk.consent.current',
  headers: z.object({}),
  variables: z.looseObject({ caseRef: caseRefSchema(deps), consentCheckAt: consentCheckAt('vk.consent.current') }),
  async handle({ variables }) {
    const at = DateTime.fromISO(normaliseDateTime(variables.consentCheckAt, 'consentCheckAt'), { setZone: true });
    const c = await deps.consent.current(variables.caseRef, at);
    // null, not absent: a consent handed in earlier but withdrawn or expired since must not reach the SIP.
    return { consentId: c?.id ?? null, consentValidUntil: c?.validUntil ?? null };
  },
});

export const consentWithdraw = (deps: Deps) => defineHandler({
  type: 'vk.consent.withdraw',
  headers: z.object({}),
  variables: z.looseObject({ caseRef: caseRefSchema(deps), withdrawnAt: isoDateOrDateTime.nullish() }),
  async handle({ variables, job }) {
    const at = variables.withdrawnAt ? normaliseDateTime(variables.withdrawnAt, 'withdrawnAt') : deps.now().toISO()!;
    const n = await deps.consent.withdraw(variables.caseRef, at);
    await deps.audit.record({ actor: deps.actor, action: 'consent.withdrawn', caseRef: variables.caseRef, details: { withdrawnAt: at, consents: n, processInstanceKey: job.processInstanceKey } });
    return { consentWithdrawn: true };
  },
});

export const shareRecord = (deps: Deps) => defineHandler({
  type: 'vk.share.record',
  headers: shareHeaders,
  variables: shareVars(deps),
  async handle({ variables, headers, job }) {
    const toParty = variables.toParty ?? headers.toParty;
    await deps.audit.record({ actor: deps.actor, action: 'share.recorded', caseRef: variables.caseRef, details: { toParty, information: headers.information, consentId: variables.consentId ?? null, processInstanceKey: job.processInstanceKey, elementId: job.elementId } });
    return {};
  },
});
