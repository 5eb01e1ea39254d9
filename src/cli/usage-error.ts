import type { Command } from 'commander'
import { messageLimits, taskFieldProblem, textProblem } from '../board/index.ts'
import { ColonyError } from '../errors/index.ts'
import type { NewTask } from '../store/index.ts'

/** A command-line argument Colony cannot use: exit code 2 (docs/cli.md). */
export class UsageError extends ColonyError {
  override readonly name = 'UsageError'
  readonly argument: string

  constructor(argument: string, message: string, hint: string) {
    super(message, { hint })
    this.argument = argument
  }
}

const wholeNumber = /^\s*[1-9]\d*\s*$/

export function parseId(text: string, argument: string, hint: string): number {
  if (!wholeNumber.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(argument, `"${text}" is not an id`, hint)
  return Number(text)
}

export function parseTaskId(text: string, argument = 'ID'): number {
  if (!wholeNumber.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(argument, `"${text}" is not a task id`, 'task ids are whole numbers such as 12; see them with `colony task list`')
  }
  return Number(text)
}

/**
 * A whole number option in [minimum, maximum], written in plain digits:
 * "1e9", "0x10", "3.0" and "" are refused rather than read as numbers.
 *
 * @example parseWholeNumber('8', '--workers', 1, 1000) // 8
 */
export function parseWholeNumber(text: string, argument: string, minimum: number, maximum: number, example = Math.min(maximum, Math.max(minimum, 1))): number {
  const value = Number(text)
  if (!/^\s*-?\d+\s*$/.test(text) || value < minimum || value > maximum) {
    throw new UsageError(argument, `${argument} must be a whole number from ${minimum} to ${maximum}, got "${text}"`, `for example ${argument} ${example}`)
  }
  return value
}

/** A person's words for the record (`--reason`): one to 2,000 characters, newlines allowed, no other control characters. */
export function parseReason(text: string, argument = '--reason'): string {
  const problem = textProblem(text, { maxLength: messageLimits.reasonLength, multiline: true, required: true })
  if (problem) throw new UsageError(argument, `${argument} ${problem}`, 'say briefly why, e.g. --reason "breaks the date parser"')
  return text.trim()
}

const taskFlags: Partial<Record<keyof NewTask, string>> = {
  title: 'TITLE',
  description: '--description',
  acceptance: '--accept',
  scope: '--scope',
  dependsOn: '--after',
  priority: '--priority',
  maxAttempts: '--max-attempts',
}

/** The board's rules for a new task (taskFieldProblem), checked before anything is opened, naming the flag. */
export function checkTaskOptions(task: Omit<NewTask, 'runId' | 'createdBy'>): void {
  const problem = taskFieldProblem(task)
  if (!problem) return
  const flag = taskFlags[problem.field] ?? problem.field
  throw new UsageError(flag, problem.problem, problem.hint)
}

/**
 * A command group (`colony task`, `colony sandbox`) run without one of its
 * commands, or with an unknown one: a clear refusal (exit 2) naming the
 * commands, rather than commander's help page or "too many arguments".
 */
export function requireSubcommand(group: Command): void {
  const path = `colony ${group.name()}`
  group
    .usage('[options] [command]')
    .argument('[command]')
    .allowExcessArguments()
    .action((name?: string) => {
      const known = group.commands.map((command) => command.name()).filter((command) => command !== 'help')
      const problem = name === undefined ? `name what \`${path}\` should do` : `unknown command ${JSON.stringify(`${path} ${name}`)}`
      throw new UsageError('COMMAND', problem, `${path} ${known.join('|')} (see \`${path} --help\`)`)
    })
}
