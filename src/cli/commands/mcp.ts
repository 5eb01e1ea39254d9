import type { Command } from 'commander'
import { terminalText } from '../../terminal/index.ts'
import { withSession } from '../session.ts'
import { parseTaskId } from '../usage-error.ts'

/** `colony mcp --task ID`: an MCP client (any agent, by hand) as the worker of one task, over stdio. */
export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .description("serve one ready work task's worker tools over MCP (stdio) to any MCP client: its worktree's files and commands, note, and finish, which integrates the change")
    .requiredOption('--task <id>', 'the ready work task the client takes (colony task list --status ready)')
    .action(async (options: { task: string }) => {
      const taskId = parseTaskId(options.task, '--task')
      await withSession(process.cwd(), async ({ layout, config, store, board, run }) => {
        const { serveTaskOverMcp } = await import('../../launch/index.ts')
        // stdout carries the protocol: everything for a person goes to stderr.
        const log = (line: string) => process.stderr.write(`${terminalText(line)}\n`)
        // The client stopping this process (SIGTERM) or Ctrl-C ends the session as a disconnect does: nothing half-held is left.
        const stop = new AbortController()
        const onSignal = () => stop.abort()
        process.once('SIGTERM', onSignal)
        process.once('SIGINT', onSignal)
        try {
          const ended = await serveTaskOverMcp({ layout, config, store, board, run, taskId, log, signal: stop.signal })
          log(`colony mcp: task ${taskId} ${ended}`)
        } finally {
          process.off('SIGTERM', onSignal)
          process.off('SIGINT', onSignal)
        }
      })
    })
}
