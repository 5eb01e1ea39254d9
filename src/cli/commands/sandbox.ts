import type { Command } from 'commander'
import { cliRoles } from '../../agents/index.ts'
import { createGit, targetTip } from '../../git/index.ts'
import { createAgentWorkspaces } from '../../launch/index.ts'
import { assertTargetUsable, TargetBranchMissingError } from '../../repository/index.ts'
import { describeWorkspaceKind, workspaceKind } from '../../overlay/index.ts'
import { runGuarded, sandboxFromConfig, sandboxPolicy } from '../../sandbox/index.ts'
import { processesHoldingSecrets, secretsLeftInExecEnvironment } from '../../secrets/index.ts'
import { printJson } from '../format.ts'
import { withSession } from '../session.ts'
import { parseWholeNumber, requireSubcommand } from '../usage-error.ts'

const hostModeWarning =
  'host mode: an agent\'s command runs as you. It can read every file you can (~/.ssh, shell profiles, keys on disk), write outside its worktree, reach the network, and read the environment and memory of your other processes, Colony\'s included; the refuse rules are the only guard against `git push` and the like (see docs/sandbox.md)'

/** `colony sandbox status` and `colony sandbox exec`: what agents' commands may do here, and trying one. */
export function registerSandbox(program: Command): void {
  const sandbox = program.command('sandbox').description("how agents' commands are confined here, and trying a command as an agent would run it")
  requireSubcommand(sandbox)

  sandbox
    .command('status')
    .description('the sandbox mode, what it guarantees here, and the policy from colony.json')
    .option('--json', 'one JSON object (see docs/cli.md)')
    .action(async (options: { json?: boolean }) => {
      await withSession(process.cwd(), async ({ layout, config }) => {
        const box = sandboxFromConfig(config, layout.root)
        const policy = sandboxPolicy(config.sandbox, layout.root)
        const missing = box.notCovered
        // Only in host mode can an agent read other processes' environments.
        const holders = box.mode === 'host' ? processesHoldingSecrets() : []
        const keysAtExec = secretsLeftInExecEnvironment()
        // An agent CLI talks to its model itself: its process (and what it runs) has the network and the model's key.
        const agentClis = cliRoles(config).map(({ role, spec }) => `${role} ${spec.cli}`)
        const workspaces = workspaceKind(layout.colonyDir, config.workspace.kind)
        if (options.json) return printJson({ workspaces, mode: box.mode, weakness: box.weakness ?? null, processCap: box.processCap, guarantees: box.guarantees, notCovered: missing, credentialsInColonyEnvironment: keysAtExec, credentialHolders: holders, agentClisWithNetwork: agentClis, policy })
        const lines = [
          `mode: ${box.mode}${box.weakness ? ` (${box.weakness})` : ''}`,
          `guarantees: ${box.guarantees.join(', ')}`,
          ...(missing.length > 0 ? [`not covered here: ${missing.join(', ')}${box.mode === 'host' ? ' (install bubblewrap: apt-get install bubblewrap)' : ''}`] : []),
          ...(box.mode === 'host' ? [hostModeWarning] : []),
          keysAtExec
            ? 'keys: this Node.js cannot restart itself without them, so Colony\'s own environment (/proc, ps e) still holds them; use Node.js 22.15 or newer'
            : "keys: held in Colony's memory only; no Colony process and no command has them in its environment",
          ...holders.map((holder) => `keys readable in another process's environment: pid ${holder.pid} (${holder.command}) holds ${holder.names.join(', ')}; start Colony from a shell that does not export them, or use bubblewrap`),
          `process cap: ${box.processCap === 'cgroup' ? 'pids cgroup' : box.processCap === 'rlimit' ? 'RLIMIT_NPROC' : 'watchdog only (root without a writable pids cgroup)'}`,
          `network: ${box.mode === 'host' ? 'not isolated (host mode)' : policy.network ? 'allowed' : 'off'}`,
          ...(agentClis.length > 0 ? [`agent CLIs (${agentClis.join(', ')}): run with the network and their model's key, since they call their model themselves; what they run shares both`] : []),
          describeWorkspaceKind(workspaces),
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
    .option('--timeout <seconds>', 'time limit in whole seconds, at most a day', '60')
    .option('--network', 'allow the network for this command')
    .action(async (words: string[], options: { timeout: string; network?: boolean }) => {
      // Checked before the store is opened: "abc" or "-5" would run the command with a NaN or negative time limit.
      const timeoutSeconds = parseWholeNumber(options.timeout, '--timeout', 1, 86_400, 60)
      await withSession(process.cwd(), async ({ layout, config, store, run }) => {
        await assertTargetUsable(layout, config, run)
        // The sandbox colony.json asks for is made before the scratch worktree exists: a refusal leaves nothing behind.
        const box = sandboxFromConfig(config, layout.root, options.network ? { network: true } : {})
        const git = createGit(layout.root)
        const workspaces = createAgentWorkspaces(git, layout, config, box)
        const name = `sandbox-exec-${process.pid}`
        const tip = await targetTip(git, config)
        if (!tip) throw new TargetBranchMissingError(config.target)
        const scratch = await workspaces.openDetached(name, tip)
        try {
          const result = await runGuarded(words.join(' '), {
            sandbox: box,
            policy: config.sandbox,
            store,
            context: { runId: run.id },
            cwd: scratch.cwd,
            timeoutMs: timeoutSeconds * 1000,
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
