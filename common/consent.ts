import type { SqlDb } from './storage/db';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';

/**
 * Consent registry (SIP / information sharing between principals), in $DATA_DIR/workers.sqlite. In common/ because
 * the workers (vk.consent.*) and the web app (the case page's consent actions) both use it. Rules from the seeds (002:1735-1886, 000:1666):
 * written, oral or otherwise; never general — the person chooses the parties and the information; valid at most
 * one year; withdrawable at any time.
 */
export type ConsentForm = 'skriftligt' | 'muntligt' | 'annat';

export interface ConsentRecord {
  id: string;
  caseRef: string;
  form: ConsentForm;
  givenAt: string;
  validUntil: string;
  parties: string[];
  information: string[];
  guardiansConsented: boolean | null;
  withdrawnAt: string | null;
  recordedAt: string;
}

export type ConsentCheck =
  | { ok: true; consent: ConsentRecord }
  | { ok: false; reason: 'missing' | 'withdrawn' | 'expired' | 'not-yet-valid' | 'party' | 'information'; message: string; consent?: ConsentRecord };

/** Parties and information items are compared case-insensitively, trimmed. */
const norm = (s: string) => s.trim().toLowerCase();

export class ConsentRegistry {
  constructor(private readonly db: SqlDb) {}

  /** Records a consent; idempotent per job key (a retried job, or the same job on another replica, returns the same consent). */
  async record(c: Omit<ConsentRecord, 'id' | 'withdrawnAt' | 'recordedAt'>, jobKey: string): Promise<ConsentRecord> {
    const id = `SAM-${randomUUID()}`;
    // One statement: of two replicas recording for the same job, the unique job_key lets one row in.
    await this.db.run(`INSERT INTO consent (id, case_ref, form, given_at, valid_until, parties, information, guardians_consented, recorded_at, job_key)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_key) DO NOTHING`, [id, c.caseRef, c.form, c.givenAt, c.validUntil, JSON.stringify(c.parties.map(norm)),
      JSON.stringify(c.information.map(norm)), c.guardiansConsented === null ? null : Number(c.guardiansConsented), new Date().toISOString(), jobKey]);
    return toRecord((await this.db.get<Row>('SELECT * FROM consent WHERE job_key = ?', [jobKey]))!);
  }

  /** Withdraws every active consent of the case; returns how many were withdrawn. */
  async withdraw(caseRef: string, withdrawnAt: string): Promise<number> {
    return (await this.db.run('UPDATE consent SET withdrawn_at = ? WHERE case_ref = ? AND withdrawn_at IS NULL', [withdrawnAt, caseRef])).changes;
  }

  async list(caseRef: string): Promise<ConsentRecord[]> {
    const order = this.db.dialect === 'postgres' ? 'seq DESC' : 'rowid DESC';
    return (await this.db.all<Row>(`SELECT * FROM consent WHERE case_ref = ? ORDER BY recorded_at DESC, ${order}`, [caseRef])).map(toRecord);
  }

  /** The case's consent in force at `now` (the newest valid one, whatever its scope), if any. */
  async current(caseRef: string, now: DateTime): Promise<ConsentRecord | undefined> {
    return currentConsent(await this.list(caseRef), now);
  }

  /** Is sharing `information` with `toParty` covered by a valid consent at `now`? */
  async check(caseRef: string, toParty: string, information: string[], now: DateTime): Promise<ConsentCheck> {
    return evaluateConsent(await this.list(caseRef), toParty, information, now);
  }
}

/** Why a consent is not in force at `now`, or undefined when it is. Fail closed: an unreadable date never makes it valid. */
function notInForce(c: ConsentRecord, now: DateTime): ConsentCheck | undefined {
  const withdrawn = c.withdrawnAt ? DateTime.fromISO(c.withdrawnAt) : undefined;
  const until = DateTime.fromISO(c.validUntil);
  const given = DateTime.fromISO(c.givenAt);
  if (withdrawn && (!withdrawn.isValid || withdrawn <= now)) return { ok: false, reason: 'withdrawn', consent: c, message: 'Samtycket har återkallats. Information får inte lämnas till annan huvudman utan ett nytt samtycke.' };
  if (!until.isValid || until < now) return { ok: false, reason: 'expired', consent: c, message: 'Samtycket har löpt ut (giltigt högst ett år). Inhämta ett nytt samtycke.' };
  if (!given.isValid || given > now) return { ok: false, reason: 'not-yet-valid', consent: c, message: 'Samtycket gäller från ett senare datum. Vänta eller inhämta samtycke som gäller nu.' };
  return undefined;
}

/**
 * Pure rule: the case's consent in force at `now` — the newest (list order) that is neither withdrawn, expired nor not
 * yet valid. Its scope (parties, information) is checked where information is shared (vk.consent.check).
 */
export function currentConsent(consents: ConsentRecord[], now: DateTime): ConsentRecord | undefined {
  return consents.find((c) => !notInForce(c, now));
}

/** Pure rule: the newest consent that covers the request decides; otherwise the most telling reason. */
export function evaluateConsent(consents: ConsentRecord[], toParty: string, information: string[], now: DateTime): ConsentCheck {
  if (consents.length === 0) return { ok: false, reason: 'missing', message: 'Det finns inget registrerat samtycke i ärendet. Inhämta samtycke innan information lämnas till annan huvudman.' };
  const party = norm(toParty);
  const items = information.map(norm);
  let failure: ConsentCheck | undefined;
  for (const c of consents) {
    const missing = items.filter((i) => !c.information.includes(i));
    const f = notInForce(c, now)
      ?? (!c.parties.includes(party) ? { ok: false, reason: 'party', consent: c, message: `Samtycket omfattar inte ${toParty}. Fråga den enskilde om samtycket ska utökas.` } as const : undefined)
      ?? (missing.length > 0 ? { ok: false, reason: 'information', consent: c, message: `Samtycket omfattar inte följande uppgifter: ${missing.join(', ')}. Fråga den enskilde om samtycket ska utökas.` } as const : undefined);
    if (!f) return { ok: true, consent: c };
    failure ??= f;
  }
  return failure!;
}

interface Row {
  id: string; case_ref: string; form: string; given_at: string; valid_until: string; parties: string; information: string;
  guardians_consented: number | null; withdrawn_at: string | null; recorded_at: string;
}

function toRecord(r: Row): ConsentRecord {
  return {
    id: r.id, caseRef: r.case_ref, form: r.form as ConsentForm, givenAt: r.given_at, validUntil: r.valid_until,
    parties: JSON.parse(r.parties) as string[], information: JSON.parse(r.information) as string[],
    guardiansConsented: r.guardians_consented === null ? null : Number(r.guardians_consented) === 1, withdrawnAt: r.withdrawn_at, recordedAt: r.recorded_at,
  };
}
