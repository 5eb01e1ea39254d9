import type { Command } from 'commander'
import { taskFieldLimits } from '../../board/index.ts'
import { assertTargetUsable } from '../../repository/index.ts'
import { eventToJson, taskKinds, taskStatuses, taskToJson, type TaskKind, type TaskStatus } from '../../store/index.ts'
import { formatEventLine, formatHandoff, formatTaskDetails, formatTaskTable, printJson } from '../format.ts'
import { withSession } from '../session.ts'
import { UsageError, checkTaskOptions, parseReason, parseTaskId, parseWholeNumber, requireSubcommand } from '../usage-error.ts'

const collect = (value: string, previous: string[]) => [...previous, value]

function parseStatuses(text: string): TaskStatus[] {
  return text.split(',').map((status) => {
    const trimmed = status.trim() as TaskStatus
    if (!taskStatuses.includes(trimmed)) {
      throw new UsageError('--status', `unknown task status "${status}"`, `use one of: ${taskStatuses.join(', ')}`)
    }
    return trimmed
  })
}

export function registerTask(program: Command): void {
  const task = program.command('task').description('add, list, show and cancel tasks on the board')
  requireSubcommand(task)

  task
    .command('add')
    .description('add a task; prints its id')
    .argument('<title>', 'what should be done, in a line')
    .option('--description <text>', 'the details a worker needs', '')
    .option('--accept <command>', 'a shell command that must pass for the task to merge (repeatable)', collect, [])
    .option('--scope <glob>', 'a path glob the change may touch (repeatable; none means anywhere)', collect, [])
    .option('--after <id>', 'a task that must merge first (repeatable)', collect, [])
    .option('--priority <n>', 'higher runs first', '0')
    .option('--kind <kind>', `one of ${taskKinds.join(', ')}`, 'work')
    .option('--max-attempts <n>', 'attempts before the task fails for good')
    .action(async (title: string, options: { description: string; accept: string[]; scope: string[]; after: string[]; priority: string; kind: string; maxAttempts?: string }) => {
      if (title.trim() === '') throw new UsageError('TITLE', 'the task title is empty', 'say what should be done, e.g. colony task add "Parse ISO dates"')
      if (!taskKinds.includes(options.kind as TaskKind)) throw new UsageError('--kind', `unknown task kind "${options.kind}"`, `use one of: ${taskKinds.join(', ')}`)
      const dependsOn = options.after.map((id) => parseTaskId(id, '--after'))
      const priority = parseWholeNumber(options.priority, '--priority', -taskFieldLimits.priority, taskFieldLimits.priority, 10)
      const maxAttempts = options.maxAttempts === undefined ? undefined : parseWholeNumber(options.maxAttempts, '--max-attempts', 1, taskFieldLimits.maxAttempts, 3)
      const fields = { title: title.trim(), description: options.description, acceptance: options.accept, scope: options.scope, dependsOn, priority, kind: options.kind as TaskKind }
      // Checked before the store is opened: a refused task leaves no trace.
      checkTaskOptions(fields)
      await withSession(process.cwd(), async ({ layout, board, run, config }) => {
        await assertTargetUsable(layout, config, run)
        const created = await board.addTask({ runId: run.id, ...fields, maxAttempts: maxAttempts ?? config.limits.maxAttempts, createdBy: 'person' })
        process.stdout.write(`${created.id}\n`)
      })
    })

  task
    .command('list')
    .description('list the tasks of the current run')
    .option('--status <statuses>', 'only these statuses, comma-separated')
    .option('--json', 'machine-readable output (see docs/cli.md)')
    .action(async (options: { status?: string; json?: boolean }) => {
      const statuses = options.status === undefined ? undefined : parseStatuses(options.status)
      await withSession(process.cwd(), async ({ store, run }) => {
        const tasks = await store.listTasks({ runId: run.id, ...(statuses && { statuses }) })
        if (options.json) printJson(tasks.map(taskToJson))
        else process.stdout.write(`${formatTaskTable(tasks)}\n`)
      })
    })

  task
    .command('show')
    .description('show a task with its history')
    .argument('<id>', 'task id')
    .option('--json', 'machine-readable output (see docs/cli.md)')
    .action(async (idText: string, options: { json?: boolean }) => {
      const id = parseTaskId(idText)
      await withSession(process.cwd(), async ({ store }) => {
        const shown = await store.getTask(id)
        const events = await store.listEvents({ taskId: id })
        const handoffs = await store.listHandoffs({ taskId: id })
        if (options.json) {
          printJson({ task: taskToJson(shown), events: events.map(eventToJson), handoffs })
          return
        }
        const lines = [formatTaskDetails(shown)]
        for (const handoff of handoffs) lines.push(formatHandoff(handoff))
        lines.push('  history:', ...events.map((event) => `    ${formatEventLine(event)}`))
        process.stdout.write(`${lines.join('\n')}\n`)
      })
    })

  task
    .command('cancel')
    .description('cancel a task (a worker on it stops at its next heartbeat)')
    .argument('<id>', 'task id')
    .option('--reason <text>', 'why, for the record', 'cancelled by a person')
    .action(async (idText: string, options: { reason: string }) => {
      const id = parseTaskId(idText)
      const reason = parseReason(options.reason)
      await withSession(process.cwd(), async ({ board }) => {
        const cancelled = await board.cancel(id, reason, 'person')
        process.stdout.write(`task ${cancelled.id} cancelled\n`)
      })
    })
}
