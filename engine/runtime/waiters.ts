/**
 * Requests waiting for something to happen inside the engine: long-polling job activation waits for
 * its job type to (maybe) have an activatable job, awaitCompletion waits for a process instance to end.
 */
export class Waiters<K> {
  private readonly waiting = new Map<K, Set<() => void>>();

  /** Resolves true when woken for `type`, false after `timeoutMs` or when `signal` aborts. */
  wait(type: K, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
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
