import type { ColonyEvent, Task } from '../store/index.ts'

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function formatTable(header: string[], rows: string[][]): string {
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

/** One event as one line: `#id time type task=N agent=N key=value ...`. */
export function formatEventLine(event: ColonyEvent): string {
  const subjects = [
    event.taskId === null ? '' : ` task=${event.taskId}`,
    event.agentId === null ? '' : ` agent=${event.agentId}`,
  ].join('')
  const fields = Object.entries(event.data)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => ` ${key}=${formatValue(value)}`)
    .join('')
  return `#${event.id} ${formatTime(event.createdAt)} ${event.type}${subjects}${fields}`
}

export function formatTaskDetails(task: Task): string {
  const lines = [
    `task ${task.id}: ${task.title}`,
    `  status:      ${task.status}${task.reason ? ` (${task.reason})` : ''}`,
    `  kind:        ${task.kind}    priority: ${task.priority}    attempt: ${task.attempt} of ${task.maxAttempts}`,
    `  owner:       ${task.owner ?? '-'}${task.leaseUntil ? `    lease until ${formatTime(task.leaseUntil)}` : ''}`,
    `  after:       ${task.dependsOn.length > 0 ? task.dependsOn.join(', ') : '-'}`,
    `  scope:       ${task.scope.length > 0 ? task.scope.join('  ') : '(anywhere)'}`,
    `  acceptance:  ${task.acceptance.length > 0 ? '' : '(none)'}`,
    ...task.acceptance.map((command) => `    $ ${command}`),
  ]
  if (task.description) lines.push('  description:', ...task.description.split('\n').map((line) => `    ${line}`))
  if (task.result) lines.push(`  result:      ${JSON.stringify(task.result)}`)
  lines.push(`  created:     ${formatTime(task.createdAt)} by ${task.createdBy}    updated: ${formatTime(task.updatedAt)}`)
  return lines.join('\n')
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}
