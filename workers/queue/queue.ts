import type Database from 'better-sqlite3';

/**
 * Remissgruppen's queue per home (000:1129-1137). Priority: a) under LVM investigation but accepts voluntary
 * treatment, b) has children whose perspective must be considered, c) to be placed under 27 § LVM or after an
 * external placement, d) everyone else; within each class, time in queue since the bistånd decision (earlier first).
 */
export type Home = 'ekeliden' | 'novus';
export type Priority = 'a' | 'b' | 'c' | 'd';

export interface PriorityFacts { lvmInvestigationVoluntary: boolean; hasChildren: boolean; lvm27OrExternal: boolean }

export function priorityOf(f: PriorityFacts): Priority {
  if (f.lvmInvestigationVoluntary) return 'a';
  if (f.hasChildren) return 'b';
  if (f.lvm27OrExternal) return 'c';
  return 'd';
}

export interface QueueEntry {
  caseRef: string;
  kommun: string;
  home: Home;
  priority: Priority;
  decisionDate: string;
  enqueuedAt: string;
  position: number;
}

export interface HomeStatus { home: Home; capacity: number; admitted: number; free: number; queue: QueueEntry[] }

export class PlacementQueue {
  constructor(private readonly db: Database.Database, private readonly capacity: Partial<Record<Home, number>>) {
    db.exec(`CREATE TABLE IF NOT EXISTS queue (
      case_ref TEXT NOT NULL,
      home TEXT NOT NULL,
      kommun TEXT NOT NULL,
      priority TEXT NOT NULL,
      decision_date TEXT NOT NULL,
      enqueued_at TEXT NOT NULL,
      status TEXT NOT NULL,
      admitted_at TEXT,
      left_at TEXT,
      PRIMARY KEY (case_ref, home)
    )`);
  }

  /** Puts the case in the home's queue (again, if it had left it); idempotent while it is queued. */
  enqueue(e: { caseRef: string; kommun: string; home: Home; priority: Priority; decisionDate: string; now: string }): QueueEntry {
    this.db.prepare(`INSERT INTO queue (case_ref, home, kommun, priority, decision_date, enqueued_at, status) VALUES (?, ?, ?, ?, ?, ?, 'queued')
      ON CONFLICT(case_ref, home) DO UPDATE SET priority = excluded.priority, decision_date = excluded.decision_date, kommun = excluded.kommun,
        enqueued_at = CASE WHEN queue.status = 'queued' THEN queue.enqueued_at ELSE excluded.enqueued_at END, status = 'queued', admitted_at = NULL, left_at = NULL
      WHERE queue.status != 'admitted'`).run(e.caseRef, e.home, e.kommun, e.priority, e.decisionDate, e.now);
    const found = this.list(e.home).find((q) => q.caseRef === e.caseRef);
    if (!found) throw new QueueStateError(`Case ${e.caseRef} is already admitted to ${e.home}; it cannot be queued there again.`);
    return found;
  }

  /** The queue in priority order (a before b before c before d, earlier decision first, then earlier enqueued). */
  list(home: Home): QueueEntry[] {
    const rows = this.db.prepare(`SELECT case_ref, kommun, home, priority, decision_date, enqueued_at FROM queue
      WHERE home = ? AND status = 'queued' ORDER BY priority, decision_date, enqueued_at, case_ref`).all(home) as Array<Record<string, string>>;
    return rows.map((r, i) => ({ caseRef: r.case_ref, kommun: r.kommun, home: r.home as Home, priority: r.priority as Priority, decisionDate: r.decision_date, enqueuedAt: r.enqueued_at, position: i + 1 }));
  }

  admittedCount(home: Home): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM queue WHERE home = ? AND status = 'admitted'`).get(home) as { n: number }).n;
  }

  status(home: Home): HomeStatus {
    const capacity = this.capacity[home] ?? 0;
    const admitted = this.admittedCount(home);
    return { home, capacity, admitted, free: Math.max(0, capacity - admitted), queue: this.list(home) };
  }

  /** A place is available for this case: free capacity and the case is first in the queue. */
  placeAvailable(home: Home, caseRef: string): boolean {
    const s = this.status(home);
    return s.free > 0 && s.queue[0]?.caseRef === caseRef;
  }

  /** Admits the case (idempotent: an already admitted case returns its admission time). */
  admit(home: Home, caseRef: string, now: string): string {
    const row = this.db.prepare('SELECT status, admitted_at FROM queue WHERE case_ref = ? AND home = ?').get(caseRef, home) as { status: string; admitted_at: string | null } | undefined;
    if (row?.status === 'admitted') return row.admitted_at!;
    if (this.status(home).free <= 0) {
      throw new NoPlaceError(`No free place at ${home} (capacity ${this.capacity[home] ?? 0}, all taken). Admit after a place is freed (message plats-ledig), or raise "capacity" in config/workers.json if it is wrong.`);
    }
    if (!row) {
      this.db.prepare(`INSERT INTO queue (case_ref, home, kommun, priority, decision_date, enqueued_at, status, admitted_at) VALUES (?, ?, '', 'd', ?, ?, 'admitted', ?)`).run(caseRef, home, now.slice(0, 10), now, now);
    } else {
      this.db.prepare(`UPDATE queue SET status = 'admitted', admitted_at = ? WHERE case_ref = ? AND home = ?`).run(now, caseRef, home);
    }
    return now;
  }

  /** The case leaves the queue without admission. Returns false if it was not queued. */
  remove(home: Home, caseRef: string, now: string): boolean {
    return this.db.prepare(`UPDATE queue SET status = 'removed', left_at = ? WHERE case_ref = ? AND home = ? AND status = 'queued'`).run(now, caseRef, home).changes > 0;
  }

  /** An admitted case leaves the home: its place becomes free. Returns the case now first in the queue, if any. */
  discharge(home: Home, caseRef: string, now: string): QueueEntry | undefined {
    this.db.prepare(`UPDATE queue SET status = 'discharged', left_at = ? WHERE case_ref = ? AND home = ? AND status = 'admitted'`).run(now, caseRef, home);
    return this.list(home)[0];
  }
}

export class NoPlaceError extends Error { override name = 'NoPlaceError'; }
export class QueueStateError extends Error { override name = 'QueueStateError'; }
