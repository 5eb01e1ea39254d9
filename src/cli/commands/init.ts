import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { relative } from 'node:path'
import type { Command } from 'commander'
import { loadConfig, starterConfigText } from '../../config/index.ts'
import { createGit, forgetTaskOutcomes } from '../../git/index.ts'
import { ensureTargetBranch, findRepository, prepareColonyDirectory } from '../../repository/index.ts'
import { openSessionStore } from '../session.ts'

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('set Colony up in this git repository: .colony/ state, colony.json, and the target branch')
    .option('--target <branch>', 'the branch agents integrate into (never your checked-out branch)')
    .action(async (options: { target?: string }) => {
      const layout = await findRepository(process.cwd())
      // Validate everything before creating anything, so a refusal changes nothing.
      const config = await loadConfig(layout.root)
      const target = options.target ?? config.target
      const branch = await ensureTargetBranch(layout, target, config.remote)
      await prepareColonyDirectory(layout)
      const store = await openSessionStore(layout)
      try {
        const existing = await store.latestRun()
        if (!existing) {
          // Outcome refs left by an earlier database name runs and tasks this one will number again from 1.
          if (config.remote === undefined) await forgetTaskOutcomes(createGit(layout.root))
          await store.createRun({ target }, [{ type: 'run-created', data: { target } }])
        }
      } finally {
        await store.close()
      }
      const configCreated = !existsSync(layout.configPath)
      if (configCreated) await writeFile(layout.configPath, starterConfigText({ target }))

      const lines = [
        `Colony is set up in ${layout.root}`,
        `  state:   ${relative(layout.root, layout.colonyDir)}/ (ignored through .git/info/exclude; your .gitignore is untouched)`,
        `  config:  colony.json${configCreated ? ' (created: set models and checks there)' : ' (kept as it was)'}`,
        `  target:  ${target}${config.remote === undefined ? '' : ` on ${config.remote}`} (${branch.created ? 'created from HEAD at' : 'exists at'} ${branch.commit.slice(0, 10)})`,
        '',
        'Next: colony task add "TITLE" --accept "npm test"    or    colony run --goal "..."',
      ]
      process.stdout.write(`${lines.join('\n')}\n`)
    })
}
