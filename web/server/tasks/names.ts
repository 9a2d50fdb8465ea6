import type Database from 'better-sqlite3';
import type { SessionUser } from '../auth/user';

/**
 * Login id → display name, for showing who holds a task. The engine only knows the assignee's id; every user who
 * claims a task through this app has signed in, so the app remembers the name it saw at sign-in (web.sqlite,
 * works for local and OIDC users alike). An id never seen here (assigned through Tasklist) is shown as it is.
 */
export class UserDirectory {
  private readonly cache = new Map<string, string>();
  constructor(private readonly db: Database.Database) {
    db.exec('CREATE TABLE IF NOT EXISTS user_names (id TEXT PRIMARY KEY, name TEXT NOT NULL)');
    for (const r of db.prepare('SELECT id, name FROM user_names').all() as Array<{ id: string; name: string }>) this.cache.set(r.id, r.name);
  }

  remember(user: Pick<SessionUser, 'id' | 'name'>): void {
    if (this.cache.get(user.id) === user.name) return;
    this.cache.set(user.id, user.name);
    this.db.prepare('INSERT INTO user_names (id, name) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name').run(user.id, user.name);
  }

  nameOf(id: string | undefined | null): string | undefined {
    if (!id) return undefined;
    return this.cache.get(id) ?? id;
  }
}
