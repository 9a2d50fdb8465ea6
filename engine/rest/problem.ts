import type { ErrorRequestHandler, Response } from 'express';
import { EngineError } from '../runtime/errors';
import { StoreOpenError } from '../store/db';

/**
 * RFC 9457 problem details, shaped like Camunda 8.8's answers: {type, title, status, detail, instance}
 * with the gRPC-like code as title (INVALID_ARGUMENT, NOT_FOUND, INVALID_STATE, ...).
 */
export function sendProblem(res: Response, status: number, title: string, detail: string, instance: string): void {
  res.status(status).type('application/problem+json').send(JSON.stringify({ type: 'about:blank', title, status, detail, instance }));
}

/** SQLite conditions that are the machine's problem, not a bug: the command was rolled back. */
const STORAGE_ERRORS: Record<string, string> = {
  SQLITE_FULL: 'The disk holding the engine database is full. Free space in DATA_DIR.',
  SQLITE_IOERR: 'The engine database could not be written (I/O error). Check the disk holding DATA_DIR.',
  SQLITE_BUSY: 'The engine database is locked by another process. Make sure only one engine uses DATA_DIR.',
  SQLITE_READONLY: 'The engine database is read-only. Give the engine write access to DATA_DIR.',
};

export const problemHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const instance = req.originalUrl.split('?')[0];
  if (error instanceof EngineError) return sendProblem(res, error.status, error.title, error.message, instance);
  const bodyError = error as { type?: string; status?: number; message?: string };
  if (bodyError.type === 'entity.parse.failed') {
    return sendProblem(res, 400, 'INVALID_ARGUMENT', `The request body is not valid JSON: ${bodyError.message}. Send a JSON object.`, instance);
  }
  if (bodyError.type === 'entity.too.large') {
    return sendProblem(res, 413, 'PAYLOAD_TOO_LARGE', 'The request body is too large.', instance);
  }
  if (typeof bodyError.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
    return sendProblem(res, bodyError.status, 'INVALID_ARGUMENT', bodyError.message ?? 'Bad request.', instance);
  }
  if (error instanceof StoreOpenError) return sendProblem(res, 503, 'UNAVAILABLE', error.message, instance);
  const code = String((error as { code?: unknown }).code ?? '');
  // Extended codes (SQLITE_IOERR_WRITE, ...) belong to their primary code.
  const storageProblem = Object.entries(STORAGE_ERRORS).find(([primary]) => code === primary || code.startsWith(`${primary}_`))?.[1];
  if (storageProblem) return sendProblem(res, 503, 'UNAVAILABLE', `${storageProblem} Nothing was changed; retry when fixed.`, instance);
  console.error(`engine: ${req.method} ${instance} failed:`, error);
  sendProblem(res, 500, 'INTERNAL', `Unexpected engine error: ${(error as Error).message}. Nothing was changed; see the engine log.`, instance);
};
