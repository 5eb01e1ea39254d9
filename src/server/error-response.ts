import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { isColonyError } from '../errors/index.ts'
import { StoreLockedError } from '../store/index.ts'
import { BodyTooLargeError, MethodNotAllowedError, MissingTokenError } from './errors.ts'

/** What every refused or failed request answers, whatever its status. */
export interface ErrorBody {
  error: string
  /** The error's stable name (`TaskNotFoundError`), for a client that acts on which failure it was. */
  code?: string
  hint?: string
}

/**
 * `{ error, code, hint? }` (ErrorBody) with the status the error's class declares
 * (ColonyError's httpStatus). Colony's own errors
 * are written for people and go out as they are; anything else is a bug whose
 * details (a stack, a SQL statement) stay in the server's terminal.
 */
export function errorResponse(context: Context, error: unknown): Response {
  if (error instanceof HTTPException) return context.json({ error: error.message || 'the request was refused' } satisfies ErrorBody, error.status)
  if (!isColonyError(error)) {
    process.stderr.write(`colony serve: ${context.req.method} ${context.req.path} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    return context.json({ error: 'the server failed on this request', hint: 'the details are in the terminal where `colony serve` runs' } satisfies ErrorBody, 500)
  }
  if (error instanceof MissingTokenError) context.header('WWW-Authenticate', 'Bearer')
  if (error instanceof MethodNotAllowedError) context.header('Allow', error.allowed.join(', '))
  if (error instanceof StoreLockedError) context.header('Retry-After', '1')
  // What was left of the body was thrown away unread: this connection carries no further request.
  if (error instanceof BodyTooLargeError) context.header('Connection', 'close')
  return context.json({ error: error.message, code: error.name, ...(error.hint && { hint: error.hint }) } satisfies ErrorBody, error.httpStatus)
}
