import fs from 'node:fs';
import path from 'node:path';
import { Camunda8 } from '@camunda8/sdk';

/** The Orchestration Cluster API client type, as returned by the official SDK. */
export type CamundaClient = ReturnType<Camunda8['getOrchestrationClusterApiClient']>;

export interface CamundaClientOptions {
  /**
   * Base REST address of the cluster, e.g. `http://localhost:8080` (the SDK appends `/v2`).
   * Defaults to the SDK's standard `ZEEBE_REST_ADDRESS` environment variable, then `http://localhost:8080`.
   */
  restAddress?: string;
}

const BASIC_AUTH_VARIABLES = ['CAMUNDA_AUTH_STRATEGY', 'CAMUNDA_BASIC_AUTH_USERNAME', 'CAMUNDA_BASIC_AUTH_PASSWORD'] as const;

/**
 * When no auth strategy is configured and the address is this machine's embedded engine, the credentials the
 * engine created in its data folder ($DATA_DIR/engine-credentials.json), so `npm run workers`, `npm run web` and
 * `npm run deploy` work beside `npm run engine` without copying the secret around. Any explicit
 * CAMUNDA_AUTH_STRATEGY (a real cluster, or npm start's hand-over) wins.
 */
function localEngineCredentials(address: string): Record<string, string> {
  if (process.env.CAMUNDA_AUTH_STRATEGY) return {};
  if (!/^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/.test(address)) return {};
  const file = path.join(path.resolve(process.env.DATA_DIR ?? './data'), 'engine-credentials.json');
  try {
    const { username, password } = JSON.parse(fs.readFileSync(file, 'utf8')) as { username?: unknown; password?: unknown };
    if (typeof username !== 'string' || typeof password !== 'string') return {};
    return { CAMUNDA_AUTH_STRATEGY: 'BASIC', CAMUNDA_BASIC_AUTH_USERNAME: username, CAMUNDA_BASIC_AUTH_PASSWORD: password };
  } catch {
    return {};
  }
}

/**
 * The one way this project talks to Camunda: the official SDK's Orchestration Cluster API client.
 * Authentication (NONE / BASIC / OAUTH), TLS and validation come from the SDK's standard environment
 * variables (`CAMUNDA_AUTH_STRATEGY`, `ZEEBE_CLIENT_ID`, `CAMUNDA_SDK_VALIDATION`, ...), so the same code runs
 * against the embedded engine and a real Camunda 8 cluster.
 */
export function createCamundaClient(options: CamundaClientOptions = {}): CamundaClient {
  const address = options.restAddress ?? process.env.ZEEBE_REST_ADDRESS ?? process.env.CAMUNDA_REST_ADDRESS ?? 'http://localhost:8080';
  // The SDK snapshots the environment when it is first imported; the basic-auth variables are read here, at call
  // time, so a process that receives its credentials later (npm start's hand-over) still sends them.
  const basic = Object.fromEntries(BASIC_AUTH_VARIABLES.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]!]));
  const config = { ...(options.restAddress ? { ZEEBE_REST_ADDRESS: options.restAddress } : {}), ...basic, ...localEngineCredentials(address) };
  return new Camunda8(config).getOrchestrationClusterApiClient(config, { cached: false });
}
