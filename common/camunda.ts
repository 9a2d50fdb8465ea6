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

/**
 * The one way this project talks to Camunda: the official SDK's Orchestration Cluster API client.
 * Authentication (NONE / BASIC / OAUTH), TLS and validation come from the SDK's standard environment
 * variables (`CAMUNDA_AUTH_STRATEGY`, `ZEEBE_CLIENT_ID`, `CAMUNDA_SDK_VALIDATION`, ...), so the same code runs
 * against the embedded engine and a real Camunda 8 cluster.
 */
export function createCamundaClient(options: CamundaClientOptions = {}): CamundaClient {
  const config = options.restAddress ? { ZEEBE_REST_ADDRESS: options.restAddress } : {};
  return new Camunda8(config).getOrchestrationClusterApiClient(config, { cached: false });
}
