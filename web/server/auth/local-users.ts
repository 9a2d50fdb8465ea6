import crypto from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import type { SessionUser } from './user';

/**
 * Users and groups from configuration (embedded/dev mode): config/users.json. Passwords are stored as
 * `scrypt$<salt base64>$<hash base64>` (N=16384, r=8, p=1, 32 bytes).
 */
const UserEntry = z.object({
  id: z.string().regex(/^[a-z0-9._-]+$/),
  name: z.string().min(1),
  passwordHash: z.string().startsWith('scrypt$'),
  groups: z.array(z.string().regex(/^[a-z0-9-]+$/)).min(1),
});
const UsersFile = z.object({ users: z.array(UserEntry) });
export type UserEntry = z.infer<typeof UserEntry>;

export class LocalUsers {
  private constructor(private readonly users: Map<string, UserEntry>) {}

  static fromFile(file: string): LocalUsers {
    const parsed = UsersFile.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`Invalid users file ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return LocalUsers.fromEntries(parsed.data.users);
  }

  static fromEntries(entries: UserEntry[]): LocalUsers {
    return new LocalUsers(new Map(entries.map((u) => [u.id, u])));
  }

  /** The user if the password matches, else undefined (constant-time comparison; unknown users cost the same). */
  verify(id: string, password: string): SessionUser | undefined {
    const entry = this.users.get(id);
    const ok = verifyPassword(password, entry?.passwordHash ?? DUMMY_HASH);
    if (!entry || !ok) return undefined;
    return { id: entry.id, name: entry.name, groups: [...entry.groups] };
  }
}

export function hashPassword(password: string, salt = crypto.randomBytes(16)): string {
  const hash = crypto.scryptSync(password, salt, 32);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [, saltB64, hashB64] = stored.split('$');
  if (!saltB64 || !hashB64) return false;
  const expected = Buffer.from(hashB64, 'base64');
  const actual = crypto.scryptSync(password, Buffer.from(saltB64, 'base64'), expected.length);
  return crypto.timingSafeEqual(actual, expected);
}

const DUMMY_HASH = hashPassword('not-a-real-password', Buffer.alloc(16));
