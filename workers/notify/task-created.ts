import type { SqlDb } from '../../common/storage/db';
import { DateTime } from 'luxon';
import type { CamundaClient } from '../../common/camunda';
import { groupAddresses } from '../config';
import type { Deps } from '../deps';
import { openUrl } from '../mail/links';
import { TransientError } from '../mail/sender';
import { render } from '../mail/templates';

/**
 * "Ny uppgift" mail to every candidate group of a user task when the task is created. Camunda 8 has no event for
 * that which a job worker could take, so this polls the user-task search of the Orchestration Cluster API (official
 * client only, the same against a real cluster) for tasks created since a durable cursor:
 *
 * - the cursor (the creation date of the last task handled, engine time) lives in workers.sqlite, so a restart
 *   resumes where it stopped and tasks created while the workers were down are mailed on the next poll;
 * - each poll looks `overlapMs` behind the cursor, because a cluster makes new tasks searchable with a delay;
 * - each mail goes through the outbox keyed `task-created:<userTaskKey>:<group>`, and handled tasks are
 *   remembered, so the overlap, a restart or a second poller never mails a task twice;
 * - a transient SMTP failure stops the poll before that task (cursor not moved past it): retried next poll.
 *
 * The mail carries no personal data: the task's name (static text from the diagram), the case reference, the due
 * date and a link to the task, built from the configured public address of the web app.
 */
export interface TaskCreatedOptions { pollMs: number; overlapMs: number }

const PAGE = 200;

export class TaskCreatedNotifier {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  constructor(private readonly client: CamundaClient, private readonly deps: Deps, private readonly db: SqlDb, private readonly opts: TaskCreatedOptions) {}

  /** The cursor; on the very first start, now minus the overlap (tasks that existed before are not mailed). */
  async cursor(): Promise<string> {
    const first = this.deps.now().toUTC().minus({ milliseconds: this.opts.overlapMs }).toISO()!;
    // Replicas share one cursor: the first to start sets it.
    await this.db.run('INSERT INTO task_notice_cursor (id, creation_date) VALUES (1, ?) ON CONFLICT (id) DO NOTHING', [first]);
    return (await this.db.get<{ c: string }>('SELECT creation_date AS c FROM task_notice_cursor WHERE id = 1'))!.c;
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.poll().catch((e: unknown) => console.error(`[workers] task-created poll failed: ${(e as Error).message}`))
        .finally(() => { if (!this.stopped) this.timer = setTimeout(tick, this.opts.pollMs); });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One poll (shared by concurrent callers); returns the number of mails sent. */
  poll(): Promise<number> {
    this.running ??= this.doPoll().finally(() => { this.running = undefined; });
    return this.running;
  }

  private async doPoll(): Promise<number> {
    const cursor = await this.cursor();
    const since = new Date(Date.parse(cursor) - this.opts.overlapMs).toISOString();
    const handled = (key: string) => this.db.get('SELECT 1 AS x FROM task_notice WHERE user_task_key = ?', [key]);
    let newCursor = cursor;
    let sent = 0;
    let after: string | undefined;
    outer: for (;;) {
      const res = await this.client.searchUserTasks({
        filter: { creationDate: { $gte: since } } as never,
        sort: [{ field: 'creationDate', order: 'ASC' }] as never,
        page: (after ? { limit: PAGE, after } : { limit: PAGE }) as never,
      }, { consistency: { waitUpToMs: 0 } });
      for (const t of res.items) {
        if (this.stopped) break outer;
        const key = String(t.userTaskKey);
        const created = t.creationDate ? new Date(t.creationDate).toISOString() : cursor;
        if (!(await handled(key))) {
          try {
            const outcome = await this.notify(t);
            if (outcome.startsWith('sent')) sent++;
            await this.remember(key, created, outcome);
          } catch (e) {
            if (e instanceof TransientError) { console.error(`[workers] task-created mail for task ${key} will be retried: ${e.message}`); break outer; }
            // A person must fix it (address missing, mail refused): recorded and audited, not retried forever.
            await this.remember(key, created, `failed: ${(e as Error).message}`);
            await this.deps.audit.record({ actor: this.deps.actor, action: 'notification.failed', details: { userTaskKey: key, processInstanceKey: String(t.processInstanceKey), template: 'ny-uppgift', error: (e as Error).message } });
          }
        }
        if (created > newCursor) newCursor = created;
      }
      const end = (res.page as { endCursor?: string } | undefined)?.endCursor;
      if (res.items.length < PAGE || !end) break;
      after = end;
    }
    // Never backwards: another replica's poll may have moved it further meanwhile.
    if (newCursor !== cursor) await this.db.run('UPDATE task_notice_cursor SET creation_date = ? WHERE id = 1 AND creation_date < ?', [newCursor, newCursor]);
    // Only what the overlap can still return needs remembering.
    await this.db.run('DELETE FROM task_notice WHERE creation_date < ?', [new Date(Date.parse(newCursor) - 2 * this.opts.overlapMs).toISOString()]);
    return sent;
  }

  private async remember(key: string, created: string, outcome: string): Promise<void> {
    await this.db.run(`INSERT INTO task_notice (user_task_key, creation_date, outcome, at) VALUES (?, ?, ?, ?)
      ON CONFLICT (user_task_key) DO UPDATE SET creation_date = excluded.creation_date, outcome = excluded.outcome, at = excluded.at`, [key, created, outcome.slice(0, 500), DateTime.utc().toISO()]);
  }

  private async notify(t: Awaited<ReturnType<CamundaClient['searchUserTasks']>>['items'][number]): Promise<string> {
    if (t.state !== 'CREATED') return 'skipped: no longer open';
    const groups = t.candidateGroups ?? [];
    if (groups.length === 0) return 'skipped: no candidate group';
    const caseRef = await this.caseRefOf(String(t.processInstanceKey));
    if (!caseRef || !new RegExp(this.deps.config.caseRefPattern).test(caseRef)) return 'skipped: no pseudonymous caseRef';
    const key = String(t.userTaskKey);
    // Resolve every address first: a configuration error must not leave half the groups mailed.
    const targets = groups.map((g) => ({ g, to: groupAddresses(this.deps.config, g) }));
    const mail = render('ny-uppgift', { caseRef, taskLabel: t.name ?? 'en uppgift väntar på er', link: openUrl(this.deps.config.webBaseUrl, caseRef, String(t.elementId)), ...(t.dueDate ? { dueDate: t.dueDate } : {}) });
    const sentTo: string[] = [];
    for (const { g, to } of targets) {
      const r = await this.deps.mail.send({ key: `task-created:${key}:${g}`, to, ...mail });
      await this.deps.audit.record({ actor: this.deps.actor, action: r.sent ? 'notification.sent' : r.uncertain ? 'notification.uncertain' : 'notification.duplicate-suppressed', caseRef, details: { group: g, template: 'ny-uppgift', messageId: r.messageId, userTaskKey: key, processInstanceKey: String(t.processInstanceKey), elementId: String(t.elementId) } });
      if (r.sent) sentTo.push(g);
    }
    return sentTo.length ? `sent: ${sentTo.join(',')}` : 'already sent';
  }

  private async caseRefOf(processInstanceKey: string): Promise<string | undefined> {
    const res = await this.client.searchVariables({ filter: { processInstanceKey, name: 'caseRef' } as never, page: { limit: 10 } as never }, { consistency: { waitUpToMs: 0 } } as never);
    for (const v of res.items) {
      try { const val = JSON.parse(v.value); if (typeof val === 'string') return val; } catch { /* not JSON: ignore */ }
    }
    return undefined;
  }
}
