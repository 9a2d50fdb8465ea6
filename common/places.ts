import fs from 'node:fs';
import { z } from 'zod';
import type { StorageConfig } from './storage/config';
import type { SqlDb, Store } from './storage/db';
import { openStore } from './storage/open';
import { migrateWorkers } from './storage/workers-schema';

/**
 * Places, occupancy and remissgruppen's queue per home (000:1129-1181). Written by the job workers
 * (`vk.queue.*`, `vk.place.*`), read by the web app ("Platser och kö", the case page). Lives in common/ because
 * both sides import it; it knows nothing of the engine.
 *
 * Priority (000:1129-1137): a) under LVM investigation but accepts voluntary treatment, b) has children whose
 * perspective must be considered, c) to be placed under 27 § LVM or after an external placement, d) everyone
 * else; within each class, time in queue since the bistånd decision (earlier decision first). Which case gets
 * which class is the decision table bpmn/vk-prioritet.dmn (the process owner's, evaluated by the engine); the
 * queue orders by the class it was given.
 */
export type Home = 'ekeliden' | 'novus';
export type Priority = 'a' | 'b' | 'c' | 'd';
export const HOMES: readonly Home[] = ['ekeliden', 'novus'];

export const HOME_LABELS: Record<Home, string> = { ekeliden: 'HVB Ekeliden', novus: 'Stödboende Novus' };

/** Swedish reason per priority class, as remissgruppen's routine words it (000:1129-1137). */
export const PRIORITY_REASONS: Record<Priority, string> = {
  a: 'a) Under utredning enligt LVM och godkänner behandling',
  b: 'b) Har barn vars perspektiv behöver beaktas',
  c: 'c) Ska placeras enligt 27 § LVM eller efter extern placering',
  d: 'd) Tid i kö efter biståndsbeslut',
};

export interface QueueEntry {
  caseRef: string;
  kommun: string;
  home: Home;
  priority: Priority;
  decisionDate: string;
  enqueuedAt: string;
  position: number;
  /** The waiting placeringsförfrågan instance, when the enqueue job reported it (to keep its queuePosition current). */
  processInstanceKey?: string;
}

export interface RankedEntry extends QueueEntry { priorityReason: string; daysWaiting: number }

export interface Occupant { caseRef: string; kommun: string; admittedAt: string }

export interface HomeStatus { home: Home; capacity: number; admitted: number; free: number; queue: QueueEntry[] }

export interface HomeOverview {
  home: Home;
  label: string;
  capacity: number;
  occupied: number;
  free: number;
  queue: RankedEntry[];
  occupants: Occupant[];
}

export interface CasePlace {
  home: Home;
  status: 'queued' | 'admitted' | 'removed' | 'discharged';
  /** Current position while queued. */
  position?: number;
  priority: Priority;
  priorityReason: string;
  decisionDate: string;
  enqueuedAt: string;
  admittedAt?: string;
  leftAt?: string;
}

// ---- configuration ----------------------------------------------------------------------------------------

const placesFileSchema = z.object({
  /** Places per home. Not in the seeds: set by remissgruppen's owners; 0 closes a home for admissions. */
  capacity: z.object({ ekeliden: z.number().int().min(0), novus: z.number().int().min(0) }),
});
export type PlacesConfig = z.infer<typeof placesFileSchema>;

export const DEFAULT_PLACES_CONFIG = 'config/places.json';

/** Reads config/places.json (or $PLACES_CONFIG); a broken file is an error that says what to fix. */
export function loadPlacesConfig(file: string = process.env.PLACES_CONFIG ?? DEFAULT_PLACES_CONFIG): PlacesConfig {
  let raw: unknown;
  try { raw = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (err) {
    throw new Error(`${file} cannot be read as JSON (${(err as Error).message}). It must look like {"capacity": {"ekeliden": 8, "novus": 6}}.`);
  }
  const r = placesFileSchema.safeParse(raw);
  if (!r.success) throw new Error(`${file} is invalid: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return r.data;
}

// ---- the store --------------------------------------------------------------------------------------------

type Row = {
  case_ref: string; home: string; kommun: string; priority: string; decision_date: string; enqueued_at: string;
  status: string; admitted_at: string | null; left_at: string | null; process_instance_key: string | null; offered_at: string | null;
};

const DAY_MS = 86_400_000;

/** Whole days from the decision date (a calendar date) to `now`, never negative. */
export function daysSince(decisionDate: string, now: Date): number {
  const start = Date.parse(`${decisionDate.slice(0, 10)}T00:00:00Z`);
  const today = Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00Z`);
  return Math.max(0, Math.floor((today - start) / DAY_MS));
}

/**
 * Every change is one transaction that first locks the home (PostgreSQL advisory lock; SQLite's write lock): the
 * capacity check and the admission, or the free places and the offers, see one state even with several worker
 * replicas handling jobs of the same home at once.
 */
export class PlacementQueue {
  constructor(private readonly db: SqlDb, private readonly capacity: Partial<Record<Home, number>>) {}

  capacityOf(home: Home): number { return this.capacity[home] ?? 0; }

  private async locked<T>(homes: Home[], fn: (t: SqlDb) => Promise<T>): Promise<T> {
    return this.db.tx(async (t) => {
      // In one order (sorted), so two moves in opposite directions cannot deadlock.
      if (t.dialect === 'postgres') for (const h of [...new Set(homes)].sort()) await t.get('SELECT pg_advisory_xact_lock(1803, hashtext(?))', [h]);
      return fn(t);
    });
  }

  /** Puts the case in the home's queue (again, if it had left it); idempotent while it is queued. */
  async enqueue(e: { caseRef: string; kommun: string; home: Home; priority: Priority; decisionDate: string; now: string; processInstanceKey?: string }): Promise<QueueEntry> {
    return this.locked([e.home], async (t) => {
      await t.run(`INSERT INTO queue (case_ref, home, kommun, priority, decision_date, enqueued_at, status, process_instance_key) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?)
        ON CONFLICT (case_ref, home) DO UPDATE SET priority = excluded.priority, decision_date = excluded.decision_date, kommun = excluded.kommun,
          enqueued_at = CASE WHEN queue.status = 'queued' THEN queue.enqueued_at ELSE excluded.enqueued_at END, status = 'queued', admitted_at = NULL, left_at = NULL,
          process_instance_key = COALESCE(excluded.process_instance_key, queue.process_instance_key),
          offered_at = CASE WHEN queue.status = 'queued' THEN queue.offered_at ELSE NULL END
        WHERE queue.status != 'admitted'`, [e.caseRef, e.home, e.kommun, e.priority, e.decisionDate, e.now, e.processInstanceKey ?? null]);
      const found = (await listOf(t, e.home)).find((q) => q.caseRef === e.caseRef);
      if (!found) throw new QueueStateError(`Case ${e.caseRef} is already admitted to ${e.home}; it cannot be queued there again.`);
      return found;
    });
  }

  /** The queue in priority order (a before b before c before d, earlier decision first, then earlier enqueued). */
  list(home: Home): Promise<QueueEntry[]> { return listOf(this.db, home); }

  admittedCount(home: Home): Promise<number> { return admittedCountOf(this.db, home); }

  async occupants(home: Home): Promise<Occupant[]> {
    return (await this.db.all<Row>(`SELECT case_ref, kommun, admitted_at FROM queue WHERE home = ? AND status = 'admitted' ORDER BY admitted_at, case_ref`, [home]))
      .map((r) => ({ caseRef: r.case_ref, kommun: r.kommun, admittedAt: r.admitted_at! }));
  }

  status(home: Home): Promise<HomeStatus> { return this.statusOf(this.db, home); }

  private async statusOf(q: SqlDb, home: Home): Promise<HomeStatus> {
    const capacity = this.capacityOf(home);
    const admitted = await admittedCountOf(q, home);
    return { home, capacity, admitted, free: Math.max(0, capacity - admitted), queue: await listOf(q, home) };
  }

  /**
   * A place is available for this case: it was offered one, or it is within the free places not yet promised to
   * others (an offer reserves a place until the offered case is admitted or leaves the queue).
   */
  async placeAvailable(home: Home, caseRef: string): Promise<boolean> {
    const s = await this.status(home);
    const offered = new Set(await offeredCasesOf(this.db, home));
    if (offered.has(caseRef)) return true;
    const open = s.queue.filter((q) => !offered.has(q.caseRef));
    const idx = open.findIndex((q) => q.caseRef === caseRef);
    return idx >= 0 && idx < s.free - offered.size;
  }

  /**
   * Admits the case (idempotent: an already admitted case returns its admission time). `force` admits beyond the
   * configured capacity: used when remissgruppen has confirmed a place for a move between the homes.
   */
  admit(home: Home, caseRef: string, now: string, opts: { force?: boolean; kommun?: string } = {}): Promise<string> {
    return this.locked([home], (t) => this.admitIn(t, home, caseRef, now, opts));
  }

  private async admitIn(t: SqlDb, home: Home, caseRef: string, now: string, opts: { force?: boolean; kommun?: string }): Promise<string> {
    const row = await t.get<{ status: string; admitted_at: string | null }>('SELECT status, admitted_at FROM queue WHERE case_ref = ? AND home = ?', [caseRef, home]);
    if (row?.status === 'admitted') return row.admitted_at!;
    if (!opts.force) {
      // A place offered to another case (plats-ledig sent, or admitted straight from the queue) is not free.
      const promisedToOthers = (await offeredCasesOf(t, home)).filter((c) => c !== caseRef).length;
      if ((await this.statusOf(t, home)).free - promisedToOthers <= 0) {
        throw new NoPlaceError(`No free place at ${home} (capacity ${this.capacityOf(home)}; taken or promised to cases ahead in the queue). Admit after a place is freed (message plats-ledig), or raise "capacity" in config/places.json if it is wrong.`);
      }
    }
    if (!row) {
      await t.run(`INSERT INTO queue (case_ref, home, kommun, priority, decision_date, enqueued_at, status, admitted_at) VALUES (?, ?, ?, 'd', ?, ?, 'admitted', ?)`,
        [caseRef, home, opts.kommun ?? '', now.slice(0, 10), now, now]);
    } else {
      await t.run(`UPDATE queue SET status = 'admitted', admitted_at = ?, left_at = NULL WHERE case_ref = ? AND home = ?`, [now, caseRef, home]);
    }
    return now;
  }

  /** The case leaves the queue without admission. Returns false if it was not queued. */
  async remove(home: Home, caseRef: string, now: string): Promise<boolean> {
    return (await this.db.run(`UPDATE queue SET status = 'removed', left_at = ? WHERE case_ref = ? AND home = ? AND status = 'queued'`, [now, caseRef, home])).changes > 0;
  }

  /** An admitted case leaves the home: its place becomes free. Returns the case now first in the queue, if any. */
  discharge(home: Home, caseRef: string, now: string): Promise<QueueEntry | undefined> {
    return this.locked([home], (t) => dischargeIn(t, home, caseRef, now));
  }

  /** A move between the homes: the place at `to` is taken (remissgruppen confirmed it) and the one at `from` freed. */
  move(caseRef: string, from: Home, to: Home, now: string, kommun: string): Promise<string> {
    return this.locked([from, to], async (t) => {
      const at = await this.admitIn(t, to, caseRef, now, { force: true, kommun });
      // A queued entry for the new home (if the case was also queued there) is settled by the admission above.
      await dischargeIn(t, from, caseRef, now);
      return at;
    });
  }

  /**
   * Queued cases that now hold a free place but have not been told: in queue order, as many as there are free
   * places not yet promised. Marks them offered, so a retried job (or another replica) does not offer twice.
   */
  takeOffers(home: Home, now: string): Promise<QueueEntry[]> {
    return this.locked([home], async (t) => {
      const s = await this.statusOf(t, home);
      const offered = new Set(await offeredCasesOf(t, home));
      const due = s.queue.filter((q) => !offered.has(q.caseRef)).slice(0, Math.max(0, s.free - offered.size));
      for (const q of due) await markOfferedIn(t, home, q.caseRef, now);
      return due;
    });
  }

  /** The case holds a place it will take without a plats-ledig message (it was admitted straight from the queue). */
  markOffered(home: Home, caseRef: string, now: string): Promise<void> { return markOfferedIn(this.db, home, caseRef, now); }

  /** Forgets an offer (publishing it failed), so the next attempt offers again. */
  async withdrawOffer(home: Home, caseRef: string): Promise<void> {
    await this.db.run('UPDATE queue SET offered_at = NULL WHERE case_ref = ? AND home = ?', [caseRef, home]);
  }

  /** Where the case is: its current (or latest) row, queued/admitted first. */
  async placeOf(caseRef: string): Promise<CasePlace | undefined> {
    const rows = await this.db.all<Row>(`SELECT * FROM queue WHERE case_ref = ?
      ORDER BY CASE status WHEN 'admitted' THEN 0 WHEN 'queued' THEN 1 ELSE 2 END, COALESCE(left_at, admitted_at, enqueued_at) DESC`, [caseRef]);
    const r = rows[0];
    if (!r) return undefined;
    const home = r.home as Home;
    const priority = r.priority as Priority;
    return {
      home, status: r.status as CasePlace['status'], priority, priorityReason: PRIORITY_REASONS[priority], decisionDate: r.decision_date, enqueuedAt: r.enqueued_at,
      ...(r.status === 'queued' ? { position: (await this.list(home)).find((q) => q.caseRef === caseRef)?.position } : {}),
      ...(r.admitted_at ? { admittedAt: r.admitted_at } : {}), ...(r.left_at ? { leftAt: r.left_at } : {}),
    };
  }

  /** Per home: capacity, occupied, free, the ranked queue with Swedish reasons and days waiting at `now`. */
  async overview(now: Date): Promise<HomeOverview[]> {
    return Promise.all(HOMES.map(async (home) => {
      const s = await this.status(home);
      return {
        home, label: HOME_LABELS[home], capacity: s.capacity, occupied: s.admitted, free: s.free,
        queue: s.queue.map((q) => ({ ...q, priorityReason: PRIORITY_REASONS[q.priority], daysWaiting: daysSince(q.decisionDate, now) })),
        occupants: await this.occupants(home),
      };
    }));
  }
}

async function listOf(q: SqlDb, home: Home): Promise<QueueEntry[]> {
  const rows = await q.all<Row>(`SELECT * FROM queue WHERE home = ? AND status = 'queued'
    ORDER BY priority, decision_date, enqueued_at, case_ref`, [home]);
  return rows.map((r, i) => ({
    caseRef: r.case_ref, kommun: r.kommun, home: r.home as Home, priority: r.priority as Priority, decisionDate: r.decision_date,
    enqueuedAt: r.enqueued_at, position: i + 1, ...(r.process_instance_key ? { processInstanceKey: r.process_instance_key } : {}),
  }));
}

async function admittedCountOf(q: SqlDb, home: Home): Promise<number> {
  return Number((await q.get<{ n: number }>(`SELECT COUNT(*) AS n FROM queue WHERE home = ? AND status = 'admitted'`, [home]))!.n);
}

async function offeredCasesOf(q: SqlDb, home: Home): Promise<string[]> {
  return (await q.all<Row>(`SELECT case_ref FROM queue WHERE home = ? AND status = 'queued' AND offered_at IS NOT NULL`, [home])).map((r) => r.case_ref);
}

async function markOfferedIn(q: SqlDb, home: Home, caseRef: string, now: string): Promise<void> {
  await q.run(`UPDATE queue SET offered_at = ? WHERE case_ref = ? AND home = ? AND status = 'queued'`, [now, caseRef, home]);
}

async function dischargeIn(t: SqlDb, home: Home, caseRef: string, now: string): Promise<QueueEntry | undefined> {
  await t.run(`UPDATE queue SET status = 'discharged', left_at = ? WHERE case_ref = ? AND home = ? AND status = 'admitted'`, [now, caseRef, home]);
  return (await listOf(t, home))[0];
}

export class NoPlaceError extends Error { override name = 'NoPlaceError'; }
export class QueueStateError extends Error { override name = 'QueueStateError'; }

/** Read access for the web app: the workers' tables (workers.sqlite, or the shared PostgreSQL) and config/places.json. */
export interface PlacesReader {
  overview(now: Date): Promise<HomeOverview[]>;
  placeOf(caseRef: string): Promise<CasePlace | undefined>;
  close(): Promise<void>;
}

export async function openPlaces(opts: { storage: StorageConfig; configFile?: string; capacity?: PlacesConfig['capacity'] }): Promise<PlacesReader> {
  const db: Store = openStore(opts.storage, 'workers');
  // The web app may start before the workers ever did: the tables are the same either way.
  await migrateWorkers(db);
  const queue = new PlacementQueue(db, opts.capacity ?? loadPlacesConfig(opts.configFile).capacity);
  return {
    overview: (now) => queue.overview(now),
    placeOf: (caseRef) => queue.placeOf(caseRef),
    close: () => db.close(),
  };
}
