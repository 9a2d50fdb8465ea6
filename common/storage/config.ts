import { z } from 'zod';

/**
 * Where the product keeps its own data, read by the workers and the web app alike: without DATABASE_URL one
 * SQLite file per area under DATA_DIR; with DATABASE_URL=postgres://… one PostgreSQL database shared by all
 * replicas (TLS and the like as libpq URL parameters, e.g. `?sslmode=verify-full`).
 */
export const storageEnvSchema = z.object({
  DATABASE_URL: z.string().trim().optional().transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), 'DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/database); leave it unset for the SQLite files in DATA_DIR'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
});

export interface StorageConfig {
  /** SQLite files live here (and the dev mailbox, logs): always set. */
  dataDir: string;
  /** postgres://…, or undefined for SQLite. */
  databaseUrl?: string;
  poolMax?: number;
}

export function storageFromEnv(env: NodeJS.ProcessEnv, dataDir: string): StorageConfig {
  const r = storageEnvSchema.safeParse(env);
  if (!r.success) throw new Error(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return { dataDir, ...(r.data.DATABASE_URL ? { databaseUrl: r.data.DATABASE_URL } : {}), poolMax: r.data.DATABASE_POOL_MAX };
}
