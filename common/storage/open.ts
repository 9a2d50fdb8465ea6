import path from 'node:path';
import type { StorageConfig } from './config';
import type { Area, Store } from './db';
import { PostgresStore } from './postgres';
import { openSqlite } from './sqlite';

/** SQLite: `$DATA_DIR/<area>.sqlite`; PostgreSQL: the one database of DATABASE_URL (areas share a pool). */
export function openStore(cfg: StorageConfig, area: Area): Store {
  if (cfg.databaseUrl) return new PostgresStore(cfg.databaseUrl, { max: cfg.poolMax });
  return openSqlite(path.join(cfg.dataDir, `${area}.sqlite`), { synchronousFull: area !== 'web' });
}
