import type { Command } from 'commander'
import { createGit, createWorkspaces, targetTip } from '../../git/index.ts'
import { runGuarded, sandboxFromConfig, sandboxPolicy } from '../../sandbox/index.ts'
import { printJson } from '../format.ts'
import { withSession } from '../session.ts'

/** `colony sandbox status` and `colony sandbox exec`: what agents' commands may do here, and trying one. */
export function registerSandbox(program: Command): void {
  const sandbox = program.command('sandbox').description("how agents' commands are confined here, and trying a command as an agent would run it")

  sandbox
    .command('status')
    .description('the sandbox mode, what it guarantees here, and the policy from colony.json')
    .option('--json', 'one JSON object (see docs/cli.md)')
    .action(async (options: { json?: boolean }) => {
      await withSession(process.cwd(), async ({ layout, config }) => {
        const box = sandboxFromConfig(config, layout.root)
        const policy = sandboxPolicy(config.sandbox, layout.root)
        const missing = box.notCovered
        if (options.json) return printJson({ mode: box.mode, weakness: box.weakness ?? null, processCap: box.processCap, guarantees: box.guarantees, notCovered: missing, policy })
        const lines = [
          `mode: ${box.mode}${box.weakness ? ` (${box.weakness})` : ''}`,
          `guarantees: ${box.guarantees.join(', ')}`,
          ...(missing.length > 0 ? [`not covered here: ${missing.join(', ')}${box.mode === 'host' ? ' (install bubblewrap: apt-get install bubblewrap)' : ''}`] : []),
          `process cap: ${box.processCap === 'cgroup' ? 'pids cgroup' : box.processCap === 'rlimit' ? 'RLIMIT_NPROC' : 'watchdog only (root without a writable pids cgroup)'}`,
          `network: ${policy.network ? 'allowed' : 'off'}`,
          `limits: ${policy.memoryMb} MB memory, ${policy.processes} processes, ${policy.outputBytes} bytes of output kept`,
          `refused: ${policy.refuse.join(' | ') || 'nothing'}`,
          `need approval: ${policy.approve.join(' | ') || 'nothing'}`,
          ...(policy.readable.length > 0 ? [`extra readable: ${policy.readable.join(', ')}`] : []),
          ...(policy.writable.length > 0 ? [`extra writable: ${policy.writable.join(', ')}`] : []),
          ...(policy.env.length > 0 ? [`extra environment: ${policy.env.join(', ')}`] : []),
        ]
        process.stdout.write(`${lines.join('\n')}\n`)
      })
    })

  sandbox
    .command('exec')
    .description('run a command line in a scratch worktree of the target, in the sandbox, under the policy, as an agent would')
    .argument('<command...>', 'the command line (quote it, or put it after --)')
    .option('--timeout <seconds>', 'time limit', '60')
    .option('--network', 'allow the network for this command')
    .action(async (words: string[], options: { timeout: string; network?: boolean }) => {
      await withSession(process.cwd(), async ({ layout, config, store, run }) => {
        const git = createGit(layout.root)
        const workspaces = createWorkspaces({ git, root: layout.root, worktreesDir: layout.worktreesDir, target: config.target, remote: config.remote })
        const name = `sandbox-exec-${process.pid}`
        const tip = await targetTip(git, config)
        if (!tip) throw new Error(`the target branch ${config.target} does not exist (run colony init)`)
        const scratch = await workspaces.openDetached(name, tip)
        try {
          const box = sandboxFromConfig(config, layout.root, options.network ? { network: true } : {})
          const result = await runGuarded(words.join(' '), {
            sandbox: box,
            policy: config.sandbox,
            store,
            context: { runId: run.id },
            cwd: scratch.cwd,
            timeoutMs: Number(options.timeout) * 1000,
          })
          if (result.status !== 'ran') {
            process.stderr.write(`${result.message}\n`)
            process.exitCode = 1
            return
          }
          process.stdout.write(result.output.endsWith('\n') || result.output === '' ? result.output : `${result.output}\n`)
          process.stderr.write(`[${box.mode} sandbox: exit ${result.exitCode ?? '-'}${result.limit ? `, stopped: ${result.limit} limit` : ''}, ${result.durationMs} ms]\n`)
          process.exitCode = result.exitCode === 0 ? 0 : 1
        } finally {
          await workspaces.removeDetached(name)
        }
      })
    })
}
