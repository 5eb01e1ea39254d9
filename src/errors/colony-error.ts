/**
 * The base of every error Colony raises on purpose. Each failure has its own
 * subclass with a stable `name`, the fields a caller needs to act on it, and a
 * `hint` that tells a person (or a model) how to fix it. `toJSON()` makes it
 * safe to store in the event log and to send over the API.
 *
 * @example
 *   class TaskNotFoundError extends ColonyError {
 *     override readonly name = 'TaskNotFoundError'
 *     constructor(readonly taskId: number) {
 *       super(`no task with id ${taskId}`, { hint: 'list tasks with `colony task list`' })
 *     }
 *   }
 */
export abstract class ColonyError extends Error {
  abstract override readonly name: string
  readonly hint: string | undefined

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.hint = options.hint
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
