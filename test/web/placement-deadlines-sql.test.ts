/**
 * "Ej verkställt" among the placement deadlines, on a read model written by hand (web.sqlite, real SQLite): a granted
 * decision waiting for a place is listed with its limit (ejVerkstalltDeadline, else decision + 3 months), at risk
 * once its reminder step ran or the limit is near, late once the limit passed or the breach step ran; refused and
 * admitted decisions are not listed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AuditLog } from '../../common/audit';
import { placementDeadlineRows, EJ_VERKSTALLT } from '../../web/server/dashboard/placement-deadlines';
import { ensureReadModelSchema } from '../../web/server/dashboard/schema';
import { openWebDb } from '../../web/server/db';
import { syncEscalations } from '../../web/server/time/product-time';

const DAY = 86_400_000;
const now = new Date('2027-03-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

test('ej verkställt: limit, reminder, breach, and what is not listed', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vk-pd-sql-'));
  const db = openWebDb(dir);
  const audit = await AuditLog.open(path.join(dir, 'audit.sqlite'));
  ensureReadModelSchema(db);
  const ins = db.prepare(`INSERT INTO rm_instances (process_instance_key, process_definition_id, state, start_date, case_ref, kommun, decision_date, admitted_at, beslut, ej_verkstallt_deadline)
    VALUES (?, 'vk-placeringsforfragan', 'ACTIVE', '2026-10-01T00:00:00.000Z', ?, 'vaxjo', ?, ?, ?, ?)`);
  ins.run('1', 'VK-2027-000001', iso(now.getTime() - 30 * DAY), null, 'bifall', iso(now.getTime() + 60 * DAY)); // in time
  ins.run('2', 'VK-2027-000002', iso(now.getTime() - 80 * DAY), null, 'bifall', iso(now.getTime() + 10 * DAY)); // reminder ran
  ins.run('3', 'VK-2027-000003', iso(now.getTime() - 100 * DAY), null, 'bifall', null); // decision + 3 months passed
  ins.run('4', 'VK-2027-000004', iso(now.getTime() - 60 * DAY), null, 'bifall', iso(now.getTime() + DAY)); // near
  ins.run('5', 'VK-2027-000005', iso(now.getTime() - 100 * DAY), null, 'avslag', null);
  ins.run('6', 'VK-2027-000006', iso(now.getTime() - 100 * DAY), iso(now.getTime() - DAY), 'bifall', null);
  await audit.record({ actor: 'worker:test', action: 'escalation.reminder', caseRef: 'VK-2027-000002', details: { deadline: 'ej-verkstallt', dueDate: iso(now.getTime() + 10 * DAY), processInstanceKey: '2', step: 1 } });
  await syncEscalations(db, audit);
  const rows = placementDeadlineRows(db, { allowed: 'all' }, now, 3);
  expect(rows.map((r) => [r.caseRef, r.deadline, r.late, r.atRisk])).toEqual([
    ['VK-2027-000003', EJ_VERKSTALLT, true, false],
    ['VK-2027-000004', EJ_VERKSTALLT, false, true],
    ['VK-2027-000002', EJ_VERKSTALLT, false, true],
    ['VK-2027-000001', EJ_VERKSTALLT, false, false],
  ]);
  expect(rows[0].due).toBe('2027-02-21T12:00:00.000Z'); // decision (2026-11-21) + 3 months
  expect(rows[0].daysLate).toBe(8);
  expect(rows[0].groups).toEqual(['remissgruppen', 'socialsekreterare-vaxjo']);
  expect(placementDeadlineRows(db, { allowed: ['alvesta'] }, now, 3)).toEqual([]);
});
