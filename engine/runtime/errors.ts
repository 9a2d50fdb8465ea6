/**
 * A rejected command: becomes an RFC 9457 problem+json answer with the status and title Camunda 8.8
 * documents. Thrown before or during a command's transaction, so the store is left unchanged.
 */
export class EngineError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 500 | 503 | 504,
    readonly title: 'INVALID_ARGUMENT' | 'NOT_FOUND' | 'INVALID_STATE' | 'ALREADY_EXISTS' | 'INTERNAL' | 'UNAVAILABLE' | 'DEADLINE_EXCEEDED',
    detail: string,
  ) {
    super(detail);
    this.name = 'EngineError';
  }
}

export const invalidArgument = (detail: string) => new EngineError(400, 'INVALID_ARGUMENT', detail);
export const notFound = (detail: string) => new EngineError(404, 'NOT_FOUND', detail);
export const invalidState = (detail: string) => new EngineError(409, 'INVALID_STATE', detail);
/** Zeebe's ALREADY_EXISTS rejection (e.g. a duplicate messageId), which Camunda answers as 409 with that title. */
export const alreadyExists = (detail: string) => new EngineError(409, 'ALREADY_EXISTS', detail);

/** Incident error types the runtime raises (subset of the API's enum). */
export type IncidentErrorType =
  | 'IO_MAPPING_ERROR'
  | 'JOB_NO_RETRIES'
  | 'EXECUTION_LISTENER_NO_RETRIES'
  | 'TASK_LISTENER_NO_RETRIES'
  | 'CONDITION_ERROR'
  | 'EXTRACT_VALUE_ERROR'
  | 'CALLED_ELEMENT_ERROR'
  | 'UNHANDLED_ERROR_EVENT'
  | 'FORM_NOT_FOUND'
  | 'CALLED_DECISION_ERROR'
  | 'DECISION_EVALUATION_ERROR';

/**
 * Executing an element failed in a way a human must fix (bad expression, missing variable, no
 * matching flow, ...). The runtime rolls back the element's step and raises an incident instead.
 */
export class ElementFailure extends Error {
  /** What must be stored although the step is rolled back (e.g. the failed decision evaluation Operate shows). */
  afterRollback?: () => void;

  constructor(readonly errorType: IncidentErrorType, message: string) {
    super(message);
    this.name = 'ElementFailure';
  }
}
