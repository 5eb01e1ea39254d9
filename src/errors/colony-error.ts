/**
 * What a failure means to an agent in the middle of an attempt.
 *
 * - `recoverable`: the model can act on it (a bad path, a file that does not
 *   exist, a refused command, an edit that does not match). A tool throws it
 *   with a message that says what to do, and the agent loop hands it back to
 *   the model as the tool's result.
 * - `fatal`: nothing the model does can fix it (the task's lease was lost, the
 *   store failed). The loop records it and ends the attempt with it, so the
 *   supervisor settles the task with that reason; the model is not called again.
 *
 * An error that is not a ColonyError is recoverable: it is what tools throw to
 * tell the model what went wrong. A cancelled or aborted attempt is fatal too,
 * whatever was thrown: the loop sees it on the attempt's abort signal.
 */
export type ErrorKind = 'recoverable' | 'fatal'

/**
 * The HTTP status `colony serve` answers with when a request ends in the
 * error (docs/api.md lists them): 4xx for what the caller can change, 409 for
 * a state that does not allow it, 503 for a store that is busy or gone.
 * Anything that does not say otherwise is the server's fault: 500.
 */
export type HttpStatus = 400 | 401 | 404 | 405 | 409 | 413 | 415 | 500 | 503

/**
 * The base of every error Colony raises on purpose. Each failure has its own
 * subclass with a stable `name`, the fields a caller needs to act on it, and a
 * `hint` that tells a person (or a model) how to fix it. `toJSON()` makes it
 * safe to store in the event log and to send over the API. `kind` says whether
 * an agent can act on it (see ErrorKind); a subclass overrides it to be fatal.
 * `httpStatus` is what the API answers with it (HttpStatus); `name` is its
 * stable code, which the API sends as `code`.
 *
 * @example
 *   class TaskNotFoundError extends ColonyError {
 *     override readonly name = 'TaskNotFoundError'
 *     override get httpStatus() { return 404 as const }
 *     constructor(readonly taskId: number) {
 *       super(`no task with id ${taskId}`, { hint: 'list tasks with `colony task list`' })
 *     }
 *   }
 *
 *   class StoreUnavailableError extends ColonyError {
 *     override readonly name = 'StoreUnavailableError'
 *     override get kind() { return 'fatal' as const }
 *   }
 */
export abstract class ColonyError extends Error {
  abstract override readonly name: string
  readonly hint: string | undefined

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.hint = options.hint
  }

  /** A getter on the class, not a field: it is the same for every instance and stays out of `toJSON()`. */
  get kind(): ErrorKind {
    return 'recoverable'
  }

  get httpStatus(): HttpStatus {
    return 500
  }

  toJSON(): Record<string, unknown> {
    const fields: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(this)) {
      if (key !== 'hint' && value !== undefined) fields[key] = value
    }
    return { name: this.name, message: this.message, ...(this.hint ? { hint: this.hint } : {}), ...fields }
  }
}

export function isColonyError(error: unknown): error is ColonyError {
  return error instanceof ColonyError
}

/** Whether an error must end the agent's attempt instead of going back to the model (ErrorKind). */
export function isFatalError(error: unknown): error is ColonyError {
  return error instanceof ColonyError && error.kind === 'fatal'
}
