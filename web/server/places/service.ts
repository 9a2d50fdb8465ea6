import type { AuditLog } from '../../../common/audit';
import { managedKommuner, type SessionUser } from '../auth/user';
import { forbidden } from '../errors';

/**
 * "Platser och kö" (issue 10 item 3): per home capacity, occupied, free and the ranked queue, read from the places
 * store the workers keep (common/places.ts, workers.sqlite or the shared PostgreSQL). The web app only reads it; the queue moves
 * by itself (admission, utskrivning, a move out of a home).
 */
export interface RankedEntryView { position: number; caseRef: string; kommun: string; priority: string; priorityReason: string; decisionDate: string; daysWaiting: number; enqueuedAt: string }
export interface HomeOverviewView { home: string; label: string; capacity: number; occupied: number; free: number; queue: RankedEntryView[]; occupants: Array<{ caseRef: string; kommun: string; admittedAt: string }> }
export interface CasePlaceView { home: string; status: 'queued' | 'admitted' | 'removed' | 'discharged'; position?: number; priority: string; priorityReason: string; decisionDate: string; admittedAt?: string; leftAt?: string }

/** What the web app needs of common/places.ts's reader. */
export interface PlacesPort {
  overview(now: Date): Promise<HomeOverviewView[]>;
  placeOf(caseRef: string): Promise<CasePlaceView | undefined>;
}

export class PlacesService {
  constructor(private readonly d: { places: PlacesPort; audit: AuditLog; now: () => Date }) {}

  /** Remissgruppen and chef-region see every home's queue; a chef-<kommun> sees their kommun's entries only. */
  mayView(user: SessionUser): boolean {
    const m = managedKommuner(user);
    return user.groups.includes('remissgruppen') || m === 'all' || m.length > 0;
  }

  async overview(user: SessionUser): Promise<HomeOverviewView[]> {
    if (!this.mayView(user)) {
      await this.d.audit.record({ actor: user.id, action: 'places.read.denied', details: { groups: user.groups } });
      throw forbidden('Platser och kö visas för remissgruppen och chefer.');
    }
    const m = managedKommuner(user);
    const all = user.groups.includes('remissgruppen') || m === 'all';
    const homes = (await this.d.places.overview(this.d.now())).map((h) => all ? h : {
      ...h,
      // The ranking stays the whole queue's: a kommun sees where its clients stand among everyone.
      queue: h.queue.filter((q) => (m as string[]).includes(q.kommun)),
      occupants: h.occupants.filter((o) => (m as string[]).includes(o.kommun)),
    });
    await this.d.audit.record({ actor: user.id, action: 'places.read', details: { scope: all ? 'all' : m } });
    return homes;
  }

  placeOf(caseRef: string): Promise<CasePlaceView | undefined> {
    return this.d.places.placeOf(caseRef);
  }
}
