import type { ColonyEvent, Handoff, Task } from '../store/index.ts'
import { terminalJson, terminalText } from '../terminal/index.ts'

/**
 * Left-aligned columns separated by two spaces; the last column is not padded.
 * Cells are shown with terminalText: a title from a model can neither steer the
 * terminal nor break its row.
 */
export function formatTable(header: string[], unsafeRows: string[][]): string {
  const rows = unsafeRows.map((row) => row.map((cell) => terminalText(cell)))
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)))
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}

export function formatTaskTable(tasks: Task[]): string {
  if (tasks.length === 0) return 'no tasks'
  return formatTable(
    ['ID', 'STATUS', 'KIND', 'PRI', 'TRY', 'AFTER', 'TITLE'],
    tasks.map((task) => [
      String(task.id),
      task.status,
      task.kind,
      String(task.priority),
      `${task.attempt}/${task.maxAttempts}`,
      task.dependsOn.join(',') || '-',
      task.title,
    ]),
  )
}

export function formatTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z')
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value
  return JSON.stringify(value)
}

/** One event as one line: `#id time type task=N agent=N key=value ...`, with its data shown by terminalText. */
export function formatEventLine(event: ColonyEvent): string {
  const subjects = [
    event.taskId === null ? '' : ` task=${event.taskId}`,
    event.agentId === null ? '' : ` agent=${event.agentId}`,
  ].join('')
  const fields = Object.entries(event.data)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => ` ${key}=${formatValue(value)}`)
    .join('')
  return terminalText(`#${event.id} ${formatTime(event.createdAt)} ${event.type}${subjects}${fields}`)
}

/** `colony task show`: every field on its own line, the description with its lines kept; all shown by terminalText. */
export function formatTaskDetails(task: Task): string {
  const fields = [
    `task ${task.id}: ${task.title}`,
    `  status:      ${task.status}${task.reason ? ` (${task.reason})` : ''}`,
    `  kind:        ${task.kind}    priority: ${task.priority}    attempt: ${task.attempt} of ${task.maxAttempts}`,
    `  owner:       ${task.owner ?? '-'}${task.leaseUntil ? `    lease until ${formatTime(task.leaseUntil)}` : ''}`,
    `  after:       ${task.dependsOn.length > 0 ? task.dependsOn.join(', ') : '-'}`,
    `  scope:       ${task.scope.length > 0 ? task.scope.join('  ') : '(anywhere)'}`,
    `  acceptance:  ${task.acceptance.length > 0 ? '' : '(none)'}`,
    ...task.acceptance.map((command) => `    $ ${command}`),
  ].map((line) => terminalText(line))
  const description = task.description ? ['  description:', ...terminalText(task.description, { multiline: true }).split('\n').map((line) => `    ${line}`)] : []
  const closing = [
    ...(task.result ? [`  result:      ${JSON.stringify(task.result)}`] : []),
    `  created:     ${formatTime(task.createdAt)} by ${task.createdBy}    updated: ${formatTime(task.updatedAt)}`,
  ].map((line) => terminalText(line))
  return [...fields, ...description, ...closing].join('\n')
}

/** A worker's handoff in `colony task show`: its summary and its concerns, later lines indented under the first. */
export function formatHandoff(handoff: Handoff): string {
  const labelled = (label: string, text: string) => {
    const [first, ...rest] = terminalText(text, { multiline: true }).split('\n')
    return [`  ${label.padEnd(13)}${first ?? ''}`, ...rest.map((line) => `${' '.repeat(15)}${line}`)]
  }
  return [...labelled('handoff:', handoff.summary), ...(handoff.concerns ? labelled('concerns:', handoff.concerns) : [])].join('\n')
}

/** One JSON value on one line (NDJSON), safe for a terminal: see terminalJson. */
export function formatJsonLine(value: unknown): string {
  return terminalJson(JSON.stringify(value))
}

/** `--json` output: exact JSON, with the characters a terminal would act on written as `\uXXXX` escapes. */
export function printJson(value: unknown): void {
  process.stdout.write(`${terminalJson(JSON.stringify(value, null, 2))}\n`)
}
