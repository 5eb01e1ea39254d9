import type { Store } from '../store/index.ts'
import { checkCommand, type CommandVerdict } from './command-policy.ts'
import type { SandboxPolicy } from './policy.ts'
import type { CommandResult, RunOptions, Sandbox } from './sandbox.ts'

export type GuardedResult =
  | ({ status: 'ran' } & CommandResult)
  | { status: 'refused'; rule: string; message: string }
  | { status: 'rejected'; reason: string; message: string }

export interface GuardedRunOptions extends RunOptions {
  sandbox: Sandbox
  policy: Pick<SandboxPolicy, 'approve' | 'refuse'>
  store: Store
  context: { runId: number; taskId?: number | null; agentId?: number | null }
  /** How often a waiting command looks for the person's decision. */
  pollMs?: number
}

/**
 * Runs a command line the way an agent's `run_command` and the gate do:
 * refused outright when the policy refuses it, held as a pending approval in
 * the store (a person answers with `colony approve --command ID`) when the
 * policy asks for one, otherwise run in the sandbox. Every refusal and
 * decision is an event; the messages are written for the model to act on.
 */
export async function runGuarded(command: string, options: GuardedRunOptions): Promise<GuardedResult> {
  const { store, context } = options
  const verdict = await checkCommand(command, options.policy)
  if (verdict.verdict === 'refuse') {
    const { rule, part, runs, undecided } = verdict
    await store.appendEvents([{ ...context, type: 'command-refused', data: { command, rule, part, runs, ...(undecided ? { undecided } : {}) } }])
    return { status: 'refused', rule, message: refusal(verdict) }
  }
  if (verdict.verdict === 'approve') {
    let approval = await store.requestApproval(
      { ...context, kind: 'command', subject: command, detail: { rule: verdict.rule, part: verdict.part, ...(verdict.undecided ? { undecided: verdict.undecided } : {}) } },
      [{ type: 'command-approval-requested', data: { command, rule: verdict.rule, part: verdict.part } }],
    )
    while (approval.status === 'pending') {
      options.signal?.throwIfAborted()
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1_000))
      approval = await store.getApproval(approval.id)
    }
    if (approval.status === 'rejected') {
      const reason = approval.reason ?? 'no reason given'
      return { status: 'rejected', reason, message: `A person rejected this command (approval ${approval.id}): ${reason}. Do not retry it; do the work another way.` }
    }
  }
  const result = await options.sandbox.run(command, options)
  return { status: 'ran', ...result }
}

/** What the model reads when a command is refused: which part of its line, which rule, and why. */
function refusal({ rule, part, runs, undecided }: Exclude<CommandVerdict, { verdict: 'allow' }>): string {
  const policy = `"${rule}" in the sandbox.refuse policy of colony.json`
  if (undecided) {
    return `Refused: cannot tell what "${part}" runs, because ${undecided}, so it could be a command that matches ${policy}. Write the program's name and the words the rule looks at (such as git's subcommand) out in full, without variables, substitutions or patterns, or do the work another way.`
  }
  const through = runs === part ? '' : ` runs "${runs}", which`
  return `Refused: "${part}"${through} matches ${policy}. Do the work another way.`
}

/**
 * runGuarded as a gate's command runner: a refused or rejected command is a
 * failed check whose output says why.
 */
export function guardedCommandRunner(options: Pick<GuardedRunOptions, 'sandbox' | 'policy' | 'store' | 'context'>) {
  return async (command: string, runOptions: RunOptions): Promise<{ exitCode: number | null; output: string; timedOut: boolean }> => {
    const result = await runGuarded(command, { ...options, ...runOptions })
    return result.status === 'ran' ? result : { exitCode: 1, output: result.message, timedOut: false }
  }
}
