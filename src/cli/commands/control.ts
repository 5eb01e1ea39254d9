import type { Command } from 'commander'
import { createControls } from '../../orchestrator/index.ts'
import { withSession } from '../session.ts'
import { UsageError, parseTaskId } from '../usage-error.ts'

/** pause, resume, stop, steer, approve, reject, retry, cancel: a person's hands on a running run. */
export function registerControls(program: Command): void {
  const controlled = (action: (controls: ReturnType<typeof createControls>, runId: number) => Promise<string>) => async () => {
    await withSession(process.cwd(), async ({ store, board, run }) => {
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
      await controlled(async (controls, runId) => `steering message recorded as event #${(await controls.steer(runId, text)).id}; planners read it on their next turn`)()
    })

  program
    .command('approve')
    .description('approve a task that waits for a person (its plan, or its merge)')
    .argument('<task>', 'task id')
    .action(async (idText: string) => {
      const id = parseTaskId(idText, 'TASK')
      await controlled(async (controls) => {
        const task = await controls.approve(id)
        return `task ${task.id} approved: now ${task.status}`
      })()
    })
  program
    .command('reject')
    .description('reject a task that waits for approval: a plan is cancelled, a merge goes back for another attempt')
    .argument('<task>', 'task id')
    .requiredOption('--reason <text>', 'why, for the record and for the next attempt')
    .action(async (idText: string, options: { reason: string }) => {
      const id = parseTaskId(idText, 'TASK')
      await controlled(async (controls) => {
        const task = await controls.reject(id, options.reason)
        return `task ${task.id} rejected: now ${task.status}`
      })()
    })
  program
    .command('retry')
    .description('give a failed, reverted or blocked task a fresh set of attempts')
    .argument('<task>', 'task id')
    .option('--reason <text>', 'why, for the record')
    .action(async (idText: string, options: { reason?: string }) => {
      const id = parseTaskId(idText, 'TASK')
      await controlled(async (controls) => `task ${(await controls.retry(id, options.reason)).id} is ready again`)()
    })
  program
    .command('cancel')
    .description('cancel a task (same as `colony task cancel`)')
    .argument('<task>', 'task id')
    .option('--reason <text>', 'why, for the record')
    .action(async (idText: string, options: { reason?: string }) => {
      const id = parseTaskId(idText, 'TASK')
      await controlled(async (controls) => `task ${(await controls.cancel(id, options.reason)).id} cancelled`)()
    })
}
