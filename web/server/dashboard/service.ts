import type Database from 'better-sqlite3';
import type { AuditLog } from '../../../common/audit';
import type { SessionUser } from '../auth/user';
import { computeDashboard, dashboardCsv, type Dashboard, type DashboardFilter } from './indicators';
import type { ReadModel } from './read-model';

/** Dashboard: refreshes the read model when it is older than `maxAgeMs`, computes indicators, logs the view. */
export class DashboardService {
  constructor(private readonly d: { db: Database.Database; readModel: ReadModel; audit: AuditLog; now: () => Date; dueSoonDays: number; maxAgeMs: number }) {}

  async dashboard(user: SessionUser, f: DashboardFilter): Promise<Dashboard & { readModelAt?: string }> {
    const last = this.d.readModel.lastRefresh();
    if (!last || this.d.now().getTime() - Date.parse(last) > this.d.maxAgeMs) await this.d.readModel.refresh();
    this.d.audit.record({ actor: user.id, action: 'dashboard.read', details: { kommun: f.kommun ?? null, from: f.from ?? null, to: f.to ?? null } });
    return { ...computeDashboard(this.d.db, this.d.audit, f, this.d.now(), this.d.dueSoonDays), readModelAt: this.d.readModel.lastRefresh() };
  }

  async csv(user: SessionUser, f: DashboardFilter): Promise<string> {
    return dashboardCsv(await this.dashboard(user, f));
  }
}
