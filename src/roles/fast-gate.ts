import { runChecks } from '../gate/index.ts'
import { guardedCommandRunner } from '../sandbox/index.ts'
import type { Task } from '../store/index.ts'
import type { RoleContext } from './role-context.ts'

/**
 * The fast gate for one task: its acceptance commands, then `checks.fast`, in
 * the worktree, through the sandbox and the command policy (acceptance
 * commands are written by a planner, a model). Gates take turns
 * (limits.gatesAtOnce): a thousand workers finishing together would otherwise
 * start thousands of sandboxes at once, and the machine spends itself on them.
 */
export function fastGate(context: RoleContext, task: Task, signal: AbortSignal) {
  const commands = [...task.acceptance, ...context.config.checks.fast]
  return (cwd: string) =>
    context.gates(async () => {
      const outcome = await runChecks(commands, {
      cwd,
      timeoutMs: context.config.limits.attemptMinutes * 60_000,
      signal,
        run: guardedCommandRunner({ sandbox: context.sandbox, policy: context.policy, store: context.store, context: { runId: task.runId, taskId: task.id } }),
      })
      return { passed: outcome.passed, output: outcome.output }
    })
}
