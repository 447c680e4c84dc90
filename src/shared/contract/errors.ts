import { z } from 'zod';

/** Error codes every bridge reports the same way. */
export const ErrorCode = z.enum([
  'unknown_method',
  'invalid_input',
  'invalid_output',
  'not_found',
  'conflict',
  'bad_file',
  'unauthorized',
  'cancelled',
  'unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ApiErrorShape = z.object({
  code: ErrorCode,
  message: z.string(),
  /** Where the problem is: zod issue paths, file:line, field names. */
  details: z.unknown().optional(),
});
export type ApiErrorShape = z.infer<typeof ApiErrorShape>;

/** Thrown by the client when the engine answers with an error. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
  }
  toShape(): ApiErrorShape {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** Turns a zod error into "field.path: message" lines. */
export function describeZodError(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      const where = [prefix, path].filter(Boolean).join('.');
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
