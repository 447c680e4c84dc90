import { ZodError } from 'zod';
import { ApiError, describeZodError, type ApiErrorShape } from '../../../shared/contract/errors';
import { WorkspaceError } from '../db/errors';

export { ApiError };

export function notFound(what: string): ApiError {
  return new ApiError('not_found', `${what} was not found.`);
}

/** Maps anything thrown by a handler to the wire shape, keeping the message a person can act on. */
export function toErrorShape(error: unknown): ApiErrorShape {
  if (error instanceof ApiError) return error.toShape();
  if (error instanceof WorkspaceError) return { code: 'bad_file', message: error.message };
  if (error instanceof ZodError) return { code: 'invalid_input', message: describeZodError(error), details: error.issues };
  if (error instanceof Error && error.name === 'AbortError') return { code: 'cancelled', message: error.message || 'Cancelled.' };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message, details: error instanceof Error ? { stack: error.stack } : undefined };
}
