/**
 * The product's storage for a test: SQLite files in the test's data directory (default), or with
 * VK_TEST_STORE=postgres a fresh database in the run's throw-away PostgreSQL (test/helpers/postgres.ts). One data
 * directory is one database, so a test that runs workers and web on the same DATA_DIR shares it on both stores.
 */
import type { StorageConfig } from '../../common/storage/config';
import type { Store } from '../../common/storage/db';
import { openStore } from '../../common/storage/open';
import { migrateWorkers } from '../../common/storage/workers-schema';
import { freshDatabase, testStore } from './postgres';

const databases = new Map<string, Promise<string>>();

export async function testStorage(dataDir: string, kind = testStore()): Promise<StorageConfig> {
  if (kind === 'sqlite') return { dataDir };
  if (!databases.has(dataDir)) databases.set(dataDir, freshDatabase('vk'));
  return { dataDir, databaseUrl: await databases.get(dataDir)! };
}

/** The workers' tables, migrated, as the workers and the web app open them. */
export async function openWorkersStore(storage: StorageConfig): Promise<Store> {
  const db = openStore(storage, 'workers');
  await migrateWorkers(db);
  return db;
}
