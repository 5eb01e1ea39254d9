import type { Command } from 'commander'
import { createGit, taskDiff, type TaskDiff } from '../../git/index.ts'
import { assertTargetUsable } from '../../repository/index.ts'
import type { Task } from '../../store/index.ts'
import { terminalText } from '../../terminal/index.ts'
import { formatDiffStat, formatPatch } from '../format-diff.ts'
import { printJson } from '../format.ts'
import { withSession } from '../session.ts'
import { parseTaskId } from '../usage-error.ts'
import { workspaceVia } from '../../overlay/index.ts'

const short = (commit: string) => commit.slice(0, 10)

/** Which change this is, in a line: the person should know whether it has landed. */
function headline(task: Task, diff: TaskDiff, target: string): string {
  const title = terminalText(task.title)
  switch (diff.source) {
    case 'candidate':
      return task.status === 'awaiting_approval'
        ? `task ${task.id} "${title}" awaits your approval: its gated change ${short(diff.head!)} on ${short(diff.base)} (colony approve ${task.id} | colony reject ${task.id} --reason ...)`
        : `task ${task.id} "${title}" is ${task.status}: its approved change ${short(diff.head!)} on ${short(diff.base)}, not landed yet`
    case 'merged':
      return task.status === 'reverted' ? `task ${task.id} "${title}" was reverted: the change it had landed, ${short(diff.head!)}` : `task ${task.id} "${title}" merged as ${short(diff.head!)} on ${target}`
    case 'worktree':
      return `task ${task.id} "${title}" is ${task.status}: its worktree as it is now, against ${short(diff.base)} (not gated yet)`
  }
}

/** `colony diff TASK`: a task's change before it lands (or after), as a person reviews it. */
export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description("a task's change: its gated commit awaiting approval, its commit on the target once merged, or its worktree while a worker holds it")
    .argument('<task>', 'task id')
    .option('--stat', 'only the files changed, with lines added and removed')
    .option('--json', 'one JSON object (see docs/cli.md)')
    .action(async (idText: string, options: { stat?: boolean; json?: boolean }) => {
      const taskId = parseTaskId(idText, 'TASK')
      await withSession(process.cwd(), async ({ layout, config, store, run }) => {
        await assertTargetUsable(layout, config, run)
        const task = await store.getTask(taskId)
        const diff = await taskDiff(task, {
          git: createGit(layout.root),
          worktreesDir: layout.worktreesDir,
          target: config.target,
          remote: config.remote,
          exclude: [...config.workspace.link, ...config.workspace.copy],
          worktreeVia: (path) => workspaceVia(layout.colonyDir, path),
        })
        if (options.json) {
          const { patch, truncated, ...rest } = diff
          return printJson({ task: task.id, status: task.status, ...rest, ...(!options.stat && { patch, truncated }) })
        }
        const colour = process.stdout.isTTY === true && !process.env.NO_COLOR
        const parts = [headline(task, diff, config.target), formatDiffStat(diff.stat, colour)]
        if (!options.stat && diff.patch !== '') parts.push('', formatPatch(diff.patch, colour).trimEnd())
        process.stdout.write(`${parts.join('\n')}\n`)
      })
    })
}
