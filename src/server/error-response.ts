import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { AlreadyLandedError, IllegalTransitionError, InvalidFieldError, LeaseLostError } from '../board/index.ts'
import { isColonyError } from '../errors/index.ts'
import { ApprovalAlreadyDecidedError, NotAwaitingApprovalError, RunStateError } from '../orchestrator/index.ts'
import {
  AgentNotFoundError,
  ApprovalNotFoundError,
  RunNotFoundError,
  StoreCorruptError,
  StoreLockedError,
  StoreUnavailableError,
  TaskNotFoundError,
  VersionConflictError,
} from '../store/index.ts'
import {
  BodyTooLargeError,
  EndpointNotFoundError,
  InvalidRequestError,
  MethodNotAllowedError,
  MissingTokenError,
  NoRunYetError,
  UnsupportedMediaTypeError,
} from './errors.ts'

type ErrorClass = abstract new (...args: never[]) => Error

/** The one place an error becomes an HTTP status (docs/api.md lists them). */
const statuses: readonly (readonly [ErrorClass, ContentfulStatusCode])[] = [
  [InvalidRequestError, 400],
  [InvalidFieldError, 400],
  [MissingTokenError, 401],
  [EndpointNotFoundError, 404],
  [NoRunYetError, 404],
  [TaskNotFoundError, 404],
  [AgentNotFoundError, 404],
  [ApprovalNotFoundError, 404],
  [RunNotFoundError, 404],
  [MethodNotAllowedError, 405],
  [RunStateError, 409],
  [NotAwaitingApprovalError, 409],
  [ApprovalAlreadyDecidedError, 409],
  [IllegalTransitionError, 409],
  [AlreadyLandedError, 409],
  [LeaseLostError, 409],
  [VersionConflictError, 409],
  [BodyTooLargeError, 413],
  [UnsupportedMediaTypeError, 415],
  [StoreLockedError, 503],
  [StoreUnavailableError, 503],
  [StoreCorruptError, 500],
]

export function statusOf(error: unknown): ContentfulStatusCode {
  for (const [errorClass, status] of statuses) if (error instanceof errorClass) return status
  return 500
}

/** What every refused or failed request answers, whatever its status. */
export interface ErrorBody {
  error: string
  hint?: string
}

/**
 * `{ error, hint? }` (ErrorBody) with the status of the error's class. Colony's own errors
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
  return context.json({ error: error.message, ...(error.hint && { hint: error.hint }) } satisfies ErrorBody, statusOf(error))
}
