/**
 * Requests waiting for something to happen inside the engine: long-polling job activation waits for
 * its job type to (maybe) have an activatable job, awaitCompletion waits for a process instance to end.
 */
export class Waiters<K> {
  private readonly waiting = new Map<K, Set<() => void>>();
  private notified = 0;

  /**
   * Counts notifications (of any type). A caller that looked at the state inside a command reads it there and
   * passes it to `wait`: commands of one group commit are announced together after the commit, so a job created
   * by a later command of the same batch is announced before the earlier command's caller can register.
   */
  get generation(): number {
    return this.notified;
  }

  /**
   * Resolves true when woken for `type`, false after `timeoutMs` or when `signal` aborts; true at once when a
   * notification came after `seen` (a generation), since then the state looked at may be stale.
   */
  wait(type: K, timeoutMs: number, signal?: AbortSignal, seen?: number): Promise<boolean> {
    if (seen !== undefined && seen !== this.notified) return Promise.resolve(true);
    return new Promise((resolve) => {
      const set = this.waiting.get(type) ?? new Set();
      this.waiting.set(type, set);
      const done = (woken: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        set.delete(wake);
        if (set.size === 0) this.waiting.delete(type);
        resolve(woken);
      };
      const wake = () => done(true);
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), Math.max(0, timeoutMs));
      signal?.addEventListener('abort', onAbort);
      set.add(wake);
    });
  }

  notify(types: Iterable<K>): void {
    this.notified++;
    for (const type of types) for (const wake of [...(this.waiting.get(type) ?? [])]) wake();
  }

  notifyAll(): void {
    this.notify([...this.waiting.keys()]);
  }

  /** Wakes everyone so pending requests can answer before shutdown. */
  close(): void {
    this.notifyAll();
  }
}
