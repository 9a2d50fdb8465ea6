import path from 'node:path';
import { AuditLog } from '../../common/audit';
import { createCamundaClient } from '../../common/camunda';
import { createApp } from './app';
import { LocalUsers } from './auth/local-users';
import { OidcLogin } from './auth/oidc';
import { loadConfig } from './config';
import { openWebDb } from './db';

/** Entry point: `npm run web` (env WEB_PORT, DATA_DIR, ZEEBE_REST_ADDRESS, ... see docs/web.md). */
async function main() {
  const config = loadConfig();
  const db = openWebDb(config.dataDir);
  const audit = await AuditLog.open(config.storage);
  const client = createCamundaClient();
  const users = config.authMode === 'local' ? LocalUsers.fromFile(config.usersFile) : undefined;
  const refused = users?.refusedDemoUsers() ?? [];
  if (refused.length) console.warn(`[web] NODE_ENV=production: the ${refused.length} demo users in ${config.usersFile} cannot sign in (set WEB_USERS_FILE or use OIDC/SAML)`);
  const { app, readModel, close } = await createApp({
    client, config, audit, db,
    users,
    oidc: config.oidc ? new OidcLogin(config.oidc) : undefined,
  });
  const server = app.listen(config.port, config.host, () => {
    console.log(`[web] Vårdkedjan på http://${config.host}:${config.port} (inloggning: ${config.authMode})`);
  });
  let timer: NodeJS.Timeout | undefined;
  if (config.readModelRefreshSeconds > 0) {
    const tick = () => readModel.refresh().catch((e) => console.error('[web] read model refresh failed:', (e as Error).message)).finally(() => { timer = setTimeout(tick, config.readModelRefreshSeconds * 1000); });
    timer = setTimeout(tick, 2000);
  }
  const stop = () => { if (timer) clearTimeout(timer); server.close(() => { db.close(); void Promise.all([audit.close(), close()]).finally(() => process.exit(0)); }); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => { console.error('[web] could not start:', e instanceof Error ? e.message : e); process.exit(1); });
