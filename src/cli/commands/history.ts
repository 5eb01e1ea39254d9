import type { Command } from 'commander'
import { createGit, createWorkspaces, targetLog } from '../../git/index.ts'
import { revertTask } from '../../gate/index.ts'
import { assertTargetUsable } from '../../repository/index.ts'
import { formatTable, printJson } from '../format.ts'
import { withSession } from '../session.ts'
import { parseReason, parseTaskId, parseWholeNumber } from '../usage-error.ts'

/** `colony log` and `colony revert`: what landed on the target, and taking a task back out. */
export function registerHistory(program: Command): void {
  program
    .command('log')
    .description("the target branch's commits, newest first, with the task each one carries")
    .option('--limit <n>', 'how many commits', '50')
    .option('--json', 'one JSON array (see docs/cli.md)')
    .action(async (options: { limit: string; json?: boolean }) => {
      const limit = parseWholeNumber(options.limit, '--limit', 1, 100_000, 20)
      await withSession(process.cwd(), async ({ layout, config, run }) => {
        await assertTargetUsable(layout, config, run)
        const commits = await targetLog(createGit(layout.root), config.target, { limit, remote: config.remote })
        if (options.json) return printJson(commits.map((commit) => ({ ...commit, taskId: commit.taskId ?? null, revertsTask: commit.revertsTask ?? null })))
        const rows = commits.map((commit) => [
          commit.commit.slice(0, 12),
          commit.taskId === undefined ? (commit.revertsTask === undefined ? '-' : `revert of ${commit.revertsTask}`) : String(commit.taskId),
          commit.author,
          commit.subject,
        ])
        process.stdout.write(`${config.target}\n${formatTable(['COMMIT', 'TASK', 'AUTHOR', 'SUBJECT'], rows)}\n`)
      })
    })

  program
    .command('revert')
    .description("revert a merged task's commit on the target (by compare-and-swap) and mark the task reverted, so it can be retried")
    .argument('<task>', 'task id')
    .requiredOption('--reason <text>', 'why, for the record and for the next attempt')
    .action(async (idText: string, options: { reason: string }) => {
      const taskId = parseTaskId(idText, 'TASK')
      const reason = parseReason(options.reason)
      await withSession(process.cwd(), async ({ layout, config, store, board, run }) => {
        await assertTargetUsable(layout, config, run)
        const git = createGit(layout.root)
        const workspaces = createWorkspaces({ git, root: layout.root, worktreesDir: layout.worktreesDir, target: config.target, remote: config.remote })
        const result = await revertTask({ git, workspaces, store, board, target: config.target, remote: config.remote, taskId, reason, actor: 'person' })
        process.stdout.write(`task ${taskId} reverted: ${result.commit.slice(0, 12)} undone by ${result.revert.slice(0, 12)} on ${config.target}; retry it with \`colony retry ${taskId}\`\n`)
      })
    })
}
