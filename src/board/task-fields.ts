import type { NewTask } from '../store/index.ts'
import { InvalidFieldError } from './errors.ts'

/** How large a task's fields may be: enough for any real task, small enough that no prompt or screen drowns in one. */
export const taskFieldLimits = {
  titleLength: 200,
  descriptionLength: 20_000,
  commands: 50,
  commandLength: 2_000,
  globs: 100,
  globLength: 500,
  dependencies: 100,
  priority: 1_000_000,
  maxAttempts: 100,
} as const

/** What a person may say to a run in one go: a steering message, a reason for the record. */
export const messageLimits = { steeringLength: 10_000, reasonLength: 2_000 } as const

/** One field of a new task that cannot be used: which, why, and what to write instead. */
export interface TaskFieldProblem {
  /** The NewTask field: title, description, acceptance, scope, dependsOn, priority, maxAttempts. */
  field: keyof NewTask
  /** The entry of a list field (acceptance, scope, dependsOn), from 0. */
  index?: number
  problem: string
  hint: string
}

/* eslint-disable no-control-regex -- finding control characters is the point */
const anyControl = /[\u0000-\u001f\u007f-\u009f]/
const controlExceptLayout = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/
/* eslint-enable no-control-regex */

/**
 * Why `text` cannot be stored as a person's or a model's words, or undefined.
 * `multiline` text may hold newlines and tabs; no text may hold other control
 * characters (escape sequences would repaint a terminal that shows it).
 */
export function textProblem(text: string, rules: { maxLength: number; multiline: boolean; required?: boolean }): string | undefined {
  if (rules.required && text.trim() === '') return 'is empty'
  if (text.length > rules.maxLength) return `is ${text.length} characters long; at most ${rules.maxLength} are allowed`
  if ((rules.multiline ? controlExceptLayout : anyControl).test(text)) {
    return rules.multiline ? 'contains a control character (only newlines and tabs are allowed)' : 'contains a control character or a line break (it must be one line of text)'
  }
  return undefined
}

/**
 * Why a scope glob cannot be used, or undefined: a scope names paths inside
 * the repository, relative to its root (`src/date/**`), never `..`, an
 * absolute path, or git's own files.
 */
export function scopeProblem(glob: string): string | undefined {
  const text = textProblem(glob, { maxLength: taskFieldLimits.globLength, multiline: false, required: true })
  if (text) return text
  const parts = glob.split(/[\\/]/)
  if (glob.startsWith('/') || glob.startsWith('\\') || /^[A-Za-z]:/.test(glob)) return 'is an absolute path'
  if (glob.startsWith('~')) return 'is in the home directory, outside the repository'
  if (parts.includes('..')) return 'leads out of the repository through ".."'
  if (parts.includes('.git')) return "names git's own files (.git), which no change may touch"
  return undefined
}

const scopeHint = 'write a path or glob relative to the repository root that stays inside it, e.g. "src/date/**" or "README.md"'

/**
 * The first field of a new task that cannot be used, or undefined. Every way
 * a task is added (`colony task add`, a planner's create_tasks, the API)
 * passes through the board, which refuses what this finds.
 */
export function taskFieldProblem(task: Omit<NewTask, 'runId' | 'createdBy'>): TaskFieldProblem | undefined {
  const titleProblem = textProblem(task.title, { maxLength: taskFieldLimits.titleLength, multiline: false, required: true })
  if (titleProblem) return { field: 'title', problem: `the title ${titleProblem}`, hint: 'say in one line of text what should be done, e.g. "Parse ISO dates"; put the details in the description' }
  const descriptionProblem = textProblem(task.description ?? '', { maxLength: taskFieldLimits.descriptionLength, multiline: true })
  if (descriptionProblem) return { field: 'description', problem: `the description ${descriptionProblem}`, hint: 'keep the description to what a worker needs to know' }

  const acceptance = task.acceptance ?? []
  if (acceptance.length > taskFieldLimits.commands) return { field: 'acceptance', problem: `${acceptance.length} acceptance commands; at most ${taskFieldLimits.commands} are allowed`, hint: 'combine them into a script, or split the task' }
  for (const [index, command] of acceptance.entries()) {
    const problem = textProblem(command, { maxLength: taskFieldLimits.commandLength, multiline: true, required: true })
    if (problem) return { field: 'acceptance', index, problem: `acceptance command ${index + 1} ${problem}`, hint: 'give a shell command that passes only when the task is done, e.g. "npm test"' }
  }

  const scope = task.scope ?? []
  if (scope.length > taskFieldLimits.globs) return { field: 'scope', problem: `${scope.length} scope globs; at most ${taskFieldLimits.globs} are allowed`, hint: 'use broader globs such as "src/**"' }
  for (const [index, glob] of scope.entries()) {
    const problem = scopeProblem(glob)
    if (problem) return { field: 'scope', index, problem: `the scope ${JSON.stringify(glob.length > 80 ? `${glob.slice(0, 80)}…` : glob)} ${problem}`, hint: scopeHint }
  }

  const dependsOn = task.dependsOn ?? []
  if (dependsOn.length > taskFieldLimits.dependencies) return { field: 'dependsOn', problem: `${dependsOn.length} dependencies; at most ${taskFieldLimits.dependencies} are allowed`, hint: 'depend on a task that gathers them instead' }
  for (const [index, id] of dependsOn.entries()) {
    if (!Number.isSafeInteger(id) || id < 1) return { field: 'dependsOn', index, problem: `the dependency ${String(id)} is not a task id`, hint: 'task ids are whole numbers such as 12' }
  }

  const priority = task.priority ?? 0
  if (!Number.isSafeInteger(priority) || Math.abs(priority) > taskFieldLimits.priority) {
    return { field: 'priority', problem: `the priority ${String(priority)} is not a whole number between -${taskFieldLimits.priority} and ${taskFieldLimits.priority}`, hint: 'higher runs first; 0 is the default' }
  }
  const maxAttempts = task.maxAttempts
  if (maxAttempts !== undefined && (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > taskFieldLimits.maxAttempts)) {
    return { field: 'maxAttempts', problem: `max attempts ${String(maxAttempts)} is not a whole number from 1 to ${taskFieldLimits.maxAttempts}`, hint: 'the default (limits.maxAttempts in colony.json) is 3' }
  }
  return undefined
}

/** Throws InvalidFieldError for the first field of a new task that cannot be used. */
export function assertTaskFields(task: Omit<NewTask, 'runId' | 'createdBy'>): void {
  const problem = taskFieldProblem(task)
  if (problem) throw new InvalidFieldError(problem.index === undefined ? problem.field : `${problem.field}[${problem.index}]`, problem.problem, problem.hint)
}
