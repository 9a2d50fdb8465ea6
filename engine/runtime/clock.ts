import { type Db, getMeta, setMeta } from '../store/db';

/**
 * The engine's notion of "now": real time, or a pinned instant (PUT /v2/clock) so tests can jump
 * two weeks ahead. The pin is persisted like Zeebe's clock state, so it survives a restart.
 */
export class EngineClock {
  private pinnedAt: number | undefined;

  constructor(private readonly db: Db) {
    const stored = getMeta(db, 'clock_pinned_at');
    this.pinnedAt = stored === undefined ? undefined : Number(stored);
  }

  now(): number {
    return this.pinnedAt ?? Date.now();
  }

  isPinned(): boolean {
    return this.pinnedAt !== undefined;
  }

  pin(epochMillis: number): void {
    setMeta(this.db, 'clock_pinned_at', String(epochMillis));
    this.pinnedAt = epochMillis;
  }

  reset(): void {
    setMeta(this.db, 'clock_pinned_at', undefined);
    this.pinnedAt = undefined;
  }
}
