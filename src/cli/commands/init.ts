import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { relative } from 'node:path'
import type { Command } from 'commander'
import { branchNameProblem, emptyFullChecksWarning, loadConfig, proposeChecks, starterConfigText, type ProposedChecks } from '../../config/index.ts'
import { createGit, forgetTaskOutcomes } from '../../git/index.ts'
import { assertColonyDirectoryUsable, ensureTargetBranch, findRepository, isInitialized, prepareColonyDirectory, TargetChangedError, TargetConflictError, type RepositoryLayout } from '../../repository/index.ts'
import { environmentWithSecrets } from '../../secrets/index.ts'
import { isRunEnded, type Run, type Store } from '../../store/index.ts'
import { terminalText } from '../../terminal/index.ts'
import { openSessionStore } from '../session.ts'
import { UsageError } from '../usage-error.ts'

/** A run that has not started yet (no goal, no task, never run) may still move to another target. */
async function hasNotStarted(store: Store, run: Run): Promise<boolean> {
  return run.status === 'pending' && !run.goal && (await store.listTasks({ runId: run.id, limit: 1 })).length === 0
}

/**
 * The run `colony init` finds, when its target is not `target`: moved there
 * if nothing has run yet (`move`), refused otherwise. Reads the store only if
 * there is one, so a first init creates nothing before the target is created.
 */
async function checkExistingRun(layout: RepositoryLayout, target: string): Promise<{ move: Run | undefined }> {
  if (!isInitialized(layout) && !environmentWithSecrets().COLONY_STORE) return { move: undefined }
  const store = await openSessionStore(layout)
  try {
    const run = await store.latestRun()
    if (!run || isRunEnded(run.status) || run.target === target) return { move: undefined }
    if (await hasNotStarted(store, run)) return { move: run }
    throw new TargetChangedError(
      run.id,
      run.target,
      target,
      `run ${run.id} has ${run.goal ? 'a goal' : 'tasks'} and lands on "${run.target}": set "target" in colony.json back to "${run.target}", or end run ${run.id} with \`colony stop\` (or let it finish) and run \`colony init\` again`,
    )
  } finally {
    await store.close()
  }
}

/** The checks colony.json holds, and, when init just chose them, why; commands come from the repository's files, shown by terminalText. */
function checkLines(checks: { fast: readonly string[]; full: readonly string[] }, proposed: ProposedChecks | undefined): string[] {
  const shown = (commands: readonly string[]) => (commands.length === 0 ? '(none)' : commands.join('  ·  '))
  const lines = [`  checks:  fast: ${shown(checks.fast)}`, `           full: ${shown(checks.full)}`]
  if (proposed) {
    lines.push(...proposed.reasons.map((reason) => `           from: ${reason}`))
    if (proposed.full.length > 0) lines.push('           (read from your files, not run: make sure they pass on a clean checkout)')
  }
  return lines.map((line) => terminalText(line))
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('set Colony up in this git repository: .colony/ state, colony.json, and the target branch')
    .option('--target <branch>', 'the branch agents integrate into (never your checked-out branch)')
    .action(async (options: { target?: string }) => {
      if (options.target !== undefined) {
        const problem = branchNameProblem(options.target)
        if (problem) throw new UsageError('--target', problem.problem, problem.hint)
      }
      const layout = await findRepository(process.cwd())
      // Validate everything before creating anything, so a refusal changes nothing.
      const config = await loadConfig(layout.root)
      const configExists = existsSync(layout.configPath)
      if (configExists && options.target !== undefined && options.target !== config.target) {
        const explicit = Object.hasOwn(JSON.parse(await readFile(layout.configPath, 'utf8')) as object, 'target')
        throw new TargetConflictError(layout.configPath, config.target, options.target, explicit)
      }
      const target = options.target ?? config.target
      assertColonyDirectoryUsable(layout)
      const { move } = await checkExistingRun(layout, target)
      const branch = await ensureTargetBranch(layout, target, config.remote)
      await prepareColonyDirectory(layout)
      const store = await openSessionStore(layout)
      let moved: string | undefined
      try {
        const existing = await store.latestRun()
        if (!existing) {
          // Outcome refs left by an earlier database name runs and tasks this one will number again from 1.
          if (config.remote === undefined) await forgetTaskOutcomes(createGit(layout.root))
          await store.createRun({ target }, [{ type: 'run-created', data: { target } }])
        } else if (move && existing.id === move.id && existing.target !== target && (await hasNotStarted(store, existing))) {
          await store.updateRun(existing.id, existing.version, { target }, [{ type: 'run-target-changed', data: { from: existing.target, to: target, actor: 'person' } }])
          moved = existing.target
        }
      } finally {
        await store.close()
      }
      const configCreated = !configExists
      // Read from the repository's files, never run: a check is the user's command, and init runs nothing of theirs.
      const proposed = configCreated ? proposeChecks(layout.root) : undefined
      if (configCreated) await writeFile(layout.configPath, starterConfigText({ target, ...(proposed && { checks: proposed }) }))
      const checks = proposed ?? config.checks

      const lines = [
        `Colony is set up in ${layout.root}`,
        `  state:   ${relative(layout.root, layout.colonyDir)}/ (ignored through .git/info/exclude; your .gitignore is untouched)`,
        `  config:  colony.json${configCreated ? ' (created: set models there, and check the checks below)' : ' (kept as it was)'}`,
        ...checkLines(checks, proposed),
        `  target:  ${target}${config.remote === undefined ? '' : ` on ${config.remote}`} (${branch.created ? 'created from HEAD at' : 'exists at'} ${branch.commit.slice(0, 10)}${moved ? `; the run, not started yet, moved here from ${moved}` : ''})`,
      ]
      const warning = emptyFullChecksWarning({ checks })
      if (warning) lines.push('', terminalText(`warning: ${warning}`))
      lines.push('', 'Next: colony task add "TITLE" --accept "npm test"    or    colony run --goal "..."')
      process.stdout.write(`${lines.join('\n')}\n`)
    })
}
