/**
 * Every Orchestration Cluster REST operation (SDK method name = the spec's operationId, compared case-insensitively:
 * the SDK spells `getProcessDefinitionXML` as `getProcessDefinitionXml`) that workers/, web/, deploy/, common/ and
 * scripts/ call. test/contract/openapi.test.ts scans the sources and fails when a call is missing here (or listed
 * but no longer used), then checks each against Camunda's 8.8 OpenAPI spec (../shared/contract/rest-api.8.8.yaml, see contract/README.md).
 * `createJobWorker` (workers/runtime.ts) stands for activateJobs + completeJob + failJob + throwJobError.
 */
export const USED_OPERATIONS = [
  'activateJobs', // job workers (createJobWorker)
  'completeJob', // job workers
  'failJob', // job workers (job.fail)
  'throwJobError', // job workers (job.error → BPMN error)
  'createDeployment', // deploy/
  'getTopology', // scripts/start.ts readiness
  'createProcessInstance', // web (start a case, with its start form's values; case-page actions), workers (vk.process.start)
  'publishMessage', // workers (vk.message.publish, plats-ledig offers)
  'correlateMessage', // web case-page actions (the case must be waiting for the message)
  'createElementInstanceVariables', // workers (queue positions written into the waiting instance)
  'getProcessInstance', // web case view
  'searchProcessInstances', // web read model
  'searchElementInstances', // web case history
  'getProcessDefinitionXml', // web (diagram view, modeler)
  'searchProcessDefinitions', // web modeler (deployed versions per process), start page (latest deployed, hasStartForm)
  'getStartProcessForm', // web start page (the start form of a process)
  'getProcessDefinition', // web modeler (one version)
  'searchUserTasks', // web inbox
  'getUserTask', // web task view
  'getUserTaskForm', // web task form
  'assignUserTask', // web claim
  'unassignUserTask', // web unclaim
  'completeUserTask', // web complete
  'searchVariables', // web task/case variables
  'searchUserTaskVariables', // web task page (the task's own scope and every scope above it)
] as const;

export type UsedOperation = (typeof USED_OPERATIONS)[number];

/** SDK conveniences that stand for several REST operations. */
export const EXPANSIONS: Record<string, readonly UsedOperation[]> = {
  createJobWorker: ['activateJobs', 'completeJob', 'failJob', 'throwJobError'],
};
