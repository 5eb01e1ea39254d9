import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { relative } from 'node:path'
import type { Command } from 'commander'
import { branchNameProblem, loadConfig, starterConfigText } from '../../config/index.ts'
import { createGit, forgetTaskOutcomes } from '../../git/index.ts'
import { assertColonyDirectoryUsable, ensureTargetBranch, findRepository, isInitialized, prepareColonyDirectory, TargetChangedError, TargetConflictError, type RepositoryLayout } from '../../repository/index.ts'
import { environmentWithSecrets } from '../../secrets/index.ts'
import { isRunEnded, type Run, type Store } from '../../store/index.ts'
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
      if (configCreated) await writeFile(layout.configPath, starterConfigText({ target }))

      const lines = [
        `Colony is set up in ${layout.root}`,
        `  state:   ${relative(layout.root, layout.colonyDir)}/ (ignored through .git/info/exclude; your .gitignore is untouched)`,
        `  config:  colony.json${configCreated ? ' (created: set models and checks there)' : ' (kept as it was)'}`,
        `  target:  ${target}${config.remote === undefined ? '' : ` on ${config.remote}`} (${branch.created ? 'created from HEAD at' : 'exists at'} ${branch.commit.slice(0, 10)}${moved ? `; the run, not started yet, moved here from ${moved}` : ''})`,
        '',
        'Next: colony task add "TITLE" --accept "npm test"    or    colony run --goal "..."',
      ]
      process.stdout.write(`${lines.join('\n')}\n`)
    })
}
