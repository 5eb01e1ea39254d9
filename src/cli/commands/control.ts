import type { Command } from 'commander'
import { messageLimits, textProblem } from '../../board/index.ts'
import type { Controls } from '../../orchestrator/index.ts'
import { terminalText } from '../../terminal/index.ts'
import { withSession } from '../session.ts'
import { formatTable, printJson } from '../format.ts'
import { UsageError, parseId, parseReason, parseTaskId } from '../usage-error.ts'

/** pause, resume, stop, steer, approve, reject, retry, cancel: a person's hands on a running run. */
export function registerControls(program: Command): void {
  const controlled = (action: (controls: Controls, runId: number) => Promise<string>) => async () => {
    await withSession(process.cwd(), async ({ store, board, run }) => {
      // PERF: the orchestrator loads only once the arguments and the repository are known to be good.
      const { createControls } = await import('../../orchestrator/index.ts')
      process.stdout.write(`${await action(createControls({ store, board }), run.id)}\n`)
    })
  }

  program
    .command('pause')
    .description('agents finish their current step; nothing new starts until `colony resume`')
    .action(controlled(async (controls, runId) => `run ${(await controls.pause(runId)).id} paused`))
  program
    .command('resume')
    .description('resume a paused run')
    .action(controlled(async (controls, runId) => `run ${(await controls.resume(runId)).id} resumed`))
  program
    .command('stop')
    .description('end the run cleanly: agents stop after their current step, held tasks return to ready')
    .action(controlled(async (controls, runId) => `run ${(await controls.stop(runId)).id} stopping`))

  program
    .command('steer')
    .description("a message for the planners' next turn (recorded in the event log)")
    .argument('<text...>', 'what the planners should know or change')
    .action(async (words: string[]) => {
      const text = words.join(' ').trim()
      if (!text) throw new UsageError('TEXT', 'the steering message is empty', 'say what should change, e.g. colony steer "skip the docs, fix the parser first"')
      const problem = textProblem(text, { maxLength: messageLimits.steeringLength, multiline: true })
      if (problem) throw new UsageError('TEXT', `the steering message ${problem}`, 'say in a few sentences what should change; planners read it on their next turn')
      await controlled(async (controls, runId) => `steering message recorded as event #${(await controls.steer(runId, text)).id}; planners read it on their next turn`)()
    })

  const commandOrTask = (idText: string | undefined, commandId: string | undefined) => {
    if (commandId !== undefined && idText !== undefined) throw new UsageError('TASK', `name the task ${idText} or the command ${commandId}, not both`, 'approve or reject one at a time; see what waits with `colony approvals`')
    if (commandId !== undefined) return { command: parseId(commandId, '--command', 'approval ids are whole numbers such as 3; see them with `colony approvals`') }
    if (idText === undefined) throw new UsageError('TASK', 'name the task, or the command with --command ID', 'see what waits for you with `colony approvals`')
    return { task: parseTaskId(idText, 'TASK') }
  }
  program
    .command('approve')
    .description('approve what waits for a person: a task (its plan, or its merge), or with --command a command an agent asked to run')
    .argument('[task]', 'task id')
    .option('--command <id>', 'approve the command request with this id (see `colony approvals`)')
    .action(async (idText: string | undefined, options: { command?: string }) => {
      const target = commandOrTask(idText, options.command)
      await controlled(async (controls) => {
        if (target.command !== undefined) {
          const approval = await controls.approveCommand(target.command)
          return `command ${approval.id} approved: ${terminalText(approval.subject)}`
        }
        const task = await controls.approve(target.task)
        return `task ${task.id} approved: now ${task.status}`
      })()
    })
  program
    .command('reject')
    .description('reject what waits for approval: a plan is cancelled, a merge goes back for another attempt, a command is refused to the agent')
    .argument('[task]', 'task id')
    .option('--command <id>', 'reject the command request with this id')
    .requiredOption('--reason <text>', 'why, for the record and for the agent')
    .action(async (idText: string | undefined, options: { reason: string; command?: string }) => {
      const target = commandOrTask(idText, options.command)
      const reason = parseReason(options.reason)
      await controlled(async (controls) => {
        if (target.command !== undefined) {
          const approval = await controls.rejectCommand(target.command, reason)
          return `command ${approval.id} rejected: ${terminalText(approval.subject)}`
        }
        const task = await controls.reject(target.task, reason)
        return `task ${task.id} rejected: now ${task.status}`
      })()
    })
  program
    .command('approvals')
    .description('what waits for a person: tasks awaiting approval and commands agents asked to run')
    .option('--json', '{ "tasks": [Task], "commands": [Approval] } (see docs/cli.md)')
    .action(async (options: { json?: boolean }) => {
      await withSession(process.cwd(), async ({ store, run }) => {
        const tasks = await store.listTasks({ runId: run.id, statuses: ['awaiting_approval'] })
        const commands = await store.listApprovals({ runId: run.id, statuses: ['pending'] })
        if (options.json) return printJson({ tasks, commands })
        if (tasks.length === 0 && commands.length === 0) return void process.stdout.write('nothing waits for approval\n')
        const rows = [
          ...tasks.map((task) => [`colony approve ${task.id}`, 'task', task.title]),
          ...commands.map((approval) => [`colony approve --command ${approval.id}`, `command (task ${approval.taskId ?? '-'}, rule ${String(approval.detail.rule)})`, approval.subject]),
        ]
        process.stdout.write(`${formatTable(['APPROVE WITH', 'WHAT', 'SUBJECT'], rows)}\n`)
      })
    })
  program
    .command('retry')
    .description('give a failed, reverted or blocked task a fresh set of attempts')
    .argument('<task>', 'task id')
    .option('--reason <text>', 'why, for the record')
    .action(async (idText: string, options: { reason?: string }) => {
      const id = parseTaskId(idText, 'TASK')
      const reason = options.reason === undefined ? undefined : parseReason(options.reason)
      await controlled(async (controls) => `task ${(await controls.retry(id, reason)).id} is ready again`)()
    })
  program
    .command('cancel')
    .description('cancel a task (same as `colony task cancel`)')
    .argument('<task>', 'task id')
    .option('--reason <text>', 'why, for the record')
    .action(async (idText: string, options: { reason?: string }) => {
      const id = parseTaskId(idText, 'TASK')
      const reason = options.reason === undefined ? undefined : parseReason(options.reason)
      await controlled(async (controls) => `task ${(await controls.cancel(id, reason)).id} cancelled`)()
    })
}
