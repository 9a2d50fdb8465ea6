import crypto from 'node:crypto';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { SessionUser } from './user';

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

/**
 * Users and groups from configuration (embedded/dev mode): config/users.json. Passwords are stored as
 * `scrypt$<salt base64>$<hash base64>` (N=16384, r=8, p=1, 32 bytes). Entries marked `"demo": true` have
 * published passwords (docs/web.md) and cannot sign in when NODE_ENV=production.
 */
const UserEntry = z.object({
  id: z.string().regex(/^[a-z0-9._-]+$/),
  name: z.string().min(1),
  passwordHash: z.string().startsWith('scrypt$'),
  groups: z.array(z.string().regex(/^[a-z0-9-]+$/)).min(1),
  demo: z.boolean().optional(),
});
const UsersFile = z.object({ users: z.array(UserEntry) });
export type UserEntry = z.infer<typeof UserEntry>;

/** The outcome of a password check: the user, a wrong password/unknown user, or a demo user refused in production. */
export type VerifyResult = { ok: true; user: SessionUser } | { ok: false; reason: 'invalid' | 'demo-in-production' };

export class LocalUsers {
  private constructor(private readonly users: Map<string, UserEntry>, private readonly production: boolean) {}

  static fromFile(file: string, opts: { production?: boolean } = {}): LocalUsers {
    const parsed = UsersFile.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`Invalid users file ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return LocalUsers.fromEntries(parsed.data.users, opts);
  }

  static fromEntries(entries: UserEntry[], opts: { production?: boolean } = {}): LocalUsers {
    return new LocalUsers(new Map(entries.map((u) => [u.id, u])), opts.production ?? process.env.NODE_ENV === 'production');
  }

  /** Ids of the demo users that production refuses (for a warning at start). */
  refusedDemoUsers(): string[] {
    return this.production ? [...this.users.values()].filter((u) => u.demo).map((u) => u.id) : [];
  }

  /**
   * Checks the password off the event loop (scrypt on libuv's thread pool), in constant time; unknown users cost
   * the same as known ones. A demo user in production is refused after the check, so timing says nothing either.
   */
  async verify(id: string, password: string): Promise<VerifyResult> {
    const entry = this.users.get(id);
    const ok = await verifyPassword(password, entry?.passwordHash ?? DUMMY_HASH);
    if (!entry || !ok) return { ok: false, reason: 'invalid' };
    if (entry.demo && this.production) return { ok: false, reason: 'demo-in-production' };
    return { ok: true, user: { id: entry.id, name: entry.name, groups: [...entry.groups] } };
  }
}

/** For tooling (creating users.json entries); sign-in uses the asynchronous verifyPassword. */
export function hashPassword(password: string, salt = crypto.randomBytes(16)): string {
  const hash = crypto.scryptSync(password, salt, 32);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [, saltB64, hashB64] = stored.split('$');
  if (!saltB64 || !hashB64) return false;
  const expected = Buffer.from(hashB64, 'base64');
  const actual = await scrypt(password, Buffer.from(saltB64, 'base64'), expected.length);
  return crypto.timingSafeEqual(actual, expected);
}

const DUMMY_HASH = hashPassword('not-a-real-password', Buffer.alloc(16));
