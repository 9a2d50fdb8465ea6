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
  console.error(`engine: ${req.method} ${instance} failed:`, error);
  sendProblem(res, 500, 'INTERNAL', `Unexpected engine error: ${(error as Error).message}. Nothing was changed; see the engine log.`, instance);
};
