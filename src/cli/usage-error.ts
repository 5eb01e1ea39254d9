import { ColonyError } from '../errors/index.ts'

/** A command-line argument Colony cannot use. */
export class UsageError extends ColonyError {
  override readonly name = 'UsageError'
  readonly argument: string

  constructor(argument: string, message: string, hint: string) {
    super(message, { hint })
    this.argument = argument
  }
}

export function parseId(text: string, argument: string, hint: string): number {
  if (!/^[1-9]\d*$/.test(text.trim())) throw new UsageError(argument, `"${text}" is not an id`, hint)
  return Number(text)
}

export function parseTaskId(text: string, argument = 'ID'): number {
  if (!/^[1-9]\d*$/.test(text.trim())) {
    throw new UsageError(argument, `"${text}" is not a task id`, 'task ids are whole numbers such as 12; see them with `colony task list`')
  }
  return Number(text)
}
