import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The engine's own secret for one data folder: created once, readable only by its owner. */
export const CREDENTIALS_FILE = 'engine-credentials.json';

const credentialsSchema = z.object({ username: z.string().min(1), password: z.string().min(16) });
export type EngineCredentials = z.infer<typeof credentialsSchema>;

/**
 * Reads $dataDir/engine-credentials.json, creating it (mode 0600, random 32-byte password) when missing. The file
 * is created with O_EXCL, so two processes starting at once end up with the same secret.
 */
export function ensureCredentials(dataDir: string): EngineCredentials {
  const file = path.join(dataDir, CREDENTIALS_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    const fresh: EngineCredentials = { username: 'vardkedjan', password: crypto.randomBytes(32).toString('base64url') };
    fs.writeFileSync(file, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return fresh;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return readCredentials(file);
}

/** The credentials in `file`; a clear error when the file is damaged rather than a silent new secret. */
export function readCredentials(file: string): EngineCredentials {
  const parsed = credentialsSchema.safeParse((() => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return undefined;
    }
  })());
  if (!parsed.success) {
    throw new Error(`${file} is not valid engine credentials ({"username": …, "password": ≥ 16 characters}). Fix it or delete it to create a new secret.`);
  }
  return parsed.data;
}
