import type Database from 'better-sqlite3';
import type { AuditLog } from '../../../common/audit';
import type { SessionUser } from '../auth/user';
import { computeDashboard, dashboardCsv, type Dashboard, type DashboardFilter } from './indicators';
import type { ReadModel } from './read-model';
import { drillDown, ejVerkstallda, type DrillKind, type DrillList, type DrillParams } from './drilldown';
import { syncEscalations } from '../time/product-time';

export type DashboardView = Dashboard & { readModelAt?: string; refreshing: boolean };

/**
 * Dashboard: computes the indicators with SQL over the read model and logs the view. Stale-while-revalidate: when
 * the read model is older than `maxAgeMs`, the current one is served and a refresh starts in the background (shared
 * with any refresh already running); only when there is no read model yet does the request wait for the first one.
 * `maxAgeMs = 0` refreshes synchronously on every request (fresh data for tests).
 */
export class DashboardService {
  constructor(private readonly d: { db: Database.Database; readModel: Pick<ReadModel, 'lastRefresh' | 'refresh' | 'refreshing'>; audit: AuditLog; now: () => Date; dueSoonDays: number; maxAgeMs: number; productNow?: () => Date }) {}

  /** Judging late / at risk (product-time.ts); the read model's age is measured on the web clock. */
  private get at(): Date { return (this.d.productNow ?? this.d.now)(); }

  async dashboard(user: SessionUser, f: DashboardFilter): Promise<DashboardView> {
    await this.ensureFresh();
    await this.d.audit.record({ actor: user.id, action: 'dashboard.read', details: { kommun: f.kommun ?? null, from: f.from ?? null, to: f.to ?? null } });
    return { ...(await computeDashboard(this.d.db, this.d.audit, f, this.at, this.d.dueSoonDays)), readModelAt: this.d.readModel.lastRefresh(), refreshing: this.d.readModel.refreshing };
  }

  /** The cases behind one dashboard figure (same filter and definitions); logged like a dashboard view. */
  async drill(user: SessionUser, f: DashboardFilter, kind: DrillKind, p: DrillParams): Promise<DrillList & { readModelAt?: string }> {
    await this.ensureFresh();
    await syncEscalations(this.d.db, this.d.audit);
    await this.d.audit.record({ actor: user.id, action: 'dashboard.read', details: { list: kind, ...p, kommun: f.kommun ?? null, from: f.from ?? null, to: f.to ?? null } });
    return { ...drillDown(this.d.db, f, kind, p, this.at, this.d.dueSoonDays), readModelAt: this.d.readModel.lastRefresh() };
  }

  /** The per-case "Ej verkställda beslut" report for IVO. */
  async ejVerkstallda(user: SessionUser, f: DashboardFilter): Promise<DrillList & { readModelAt?: string }> {
    await this.ensureFresh();
    await this.d.audit.record({ actor: user.id, action: 'dashboard.read', details: { list: 'ej-verkstallda', kommun: f.kommun ?? null, from: f.from ?? null, to: f.to ?? null } });
    return { ...ejVerkstallda(this.d.db, f, this.at), readModelAt: this.d.readModel.lastRefresh() };
  }

  private async ensureFresh(): Promise<void> {
    const rm = this.d.readModel;
    const last = rm.lastRefresh();
    if (!last || this.d.maxAgeMs === 0) await rm.refresh();
    else if (this.d.now().getTime() - Date.parse(last) > this.d.maxAgeMs) {
      rm.refresh().catch((e: unknown) => console.error('[web] background read model refresh failed:', e instanceof Error ? e.message : e));
    }
  }

  async csv(user: SessionUser, f: DashboardFilter): Promise<string> {
    return dashboardCsv(await this.dashboard(user, f));
  }
}
