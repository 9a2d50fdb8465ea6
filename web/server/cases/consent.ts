import type { SqlDb } from '../../../common/storage/db';
import { DateTime } from 'luxon';
import { ConsentRegistry, type ConsentForm } from '../../../common/consent';
import type { ConsentPort } from './actions';

/**
 * The case page's view of the consent registry: the same table (workers.sqlite, or the shared PostgreSQL) that the workers'
 * vk.consent.check reads, so a consent registered on the case applies to every process of the client (they share
 * the caseRef). Validity: at most one year from the day it was given (000:1666, 002:1735-1886); which consent is in
 * force is `current()` in common/consent.ts.
 */
export function consentPort(db: SqlDb): ConsentPort {
  const registry = new ConsentRegistry(db);
  return {
    async record(caseRef, c, key, now) {
      const given = DateTime.fromISO(c.givenAt, { zone: 'Europe/Stockholm' }).startOf('day');
      const validUntil = given.plus({ years: 1 }).minus({ days: 1 }).endOf('day');
      const r = await registry.record({ caseRef, form: c.form as ConsentForm, givenAt: given.toUTC().toISO()!, validUntil: validUntil.toUTC().toISO()!, parties: c.parties, information: c.information, guardiansConsented: c.guardiansConsented }, `web:${key}`);
      void now;
      return { id: r.id, validUntil: r.validUntil };
    },
    withdraw: (caseRef, at) => registry.withdraw(caseRef, at.toISOString()),
    // The same rule as the workers' vk.consent.current (inför hemflytt's SIP), so both routes carry the same consent.
    async current(caseRef, now) {
      const c = await registry.current(caseRef, DateTime.fromJSDate(now));
      return c ? { id: c.id, validUntil: c.validUntil } : undefined;
    },
  };
}
