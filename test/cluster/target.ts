/**
 * Where the cluster smoke suite runs:
 *  - ZEEBE_REST_ADDRESS (or CAMUNDA_REST_ADDRESS) set → that Camunda 8 cluster, with the SDK's auth variables;
 *  - else, under `npm run test:cluster` (VK_CLUSTER_ONLY=1) → skipped, with a message saying what to set;
 *  - else (the normal jest run) → the embedded engine, so the same test code is exercised in CI.
 */
import { createCamundaClient, type CamundaClient } from '../../common/camunda';
import { startTestEngine } from '../helpers/engine';

export interface ClusterTarget { name: string; client: CamundaClient; stop(): Promise<void> }

export const externalAddress = process.env.ZEEBE_REST_ADDRESS ?? process.env.CAMUNDA_REST_ADDRESS;
export const skipReason = !externalAddress && process.env.VK_CLUSTER_ONLY === '1'
  ? 'test:cluster skipped: set ZEEBE_REST_ADDRESS (e.g. http://localhost:8080 or your SaaS cluster\'s REST address) ' +
    'and the auth variables (CAMUNDA_AUTH_STRATEGY, ZEEBE_CLIENT_ID, ZEEBE_CLIENT_SECRET, CAMUNDA_OAUTH_URL, ...) ' +
    'to verify a Camunda 8.8 cluster — see docs/production.md'
  : undefined;

export async function openTarget(): Promise<ClusterTarget> {
  if (externalAddress) {
    return { name: `external cluster ${externalAddress}`, client: createCamundaClient(), stop: async () => {} };
  }
  const engine = await startTestEngine();
  return { name: `embedded engine ${engine.url}`, client: engine.client, stop: engine.stop };
}
