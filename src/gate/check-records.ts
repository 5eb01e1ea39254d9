import { createHash } from 'node:crypto'
import type { Git } from '../git/index.ts'

/**
 * Where the last target commit that passed one command of `checks.full` is
 * kept: `refs/colony/checks/<target>/<hash of the command>`. Not under
 * `refs/colony/verified/<target>`, which is itself a ref and so cannot also
 * be a directory.
 *
 * @example checkRef('colony/main', 'npm test') // 'refs/colony/checks/colony/main/9f86d081884c7d65'
 */
export function checkRef(target: string, command: string): string {
  return `refs/colony/checks/${target}/${createHash('sha256').update(command).digest('hex').slice(0, 16)}`
}

/**
 * The passes of each check on record in git, so they outlive the process: a
 * check that fails later is bisected from its last pass.
 */
export function createCheckRecords(options: { git: Git; target: string }) {
  const { git } = options

  /** The last commit where `command` passed, if it is one of `tip`'s ancestors (a target moved back by hand makes a record useless). */
  async function lastPass(command: string, tip: string): Promise<string | undefined> {
    const passed = await git.resolveRef(checkRef(options.target, command))
    if (!passed) return undefined
    if (passed === tip) return passed
    const ancestor = await git.run(['merge-base', '--is-ancestor', passed, tip], { okExitCodes: [1] })
    return ancestor.exitCode === 0 ? passed : undefined
  }

  async function recordPass(command: string, commit: string): Promise<void> {
    await git.run(['update-ref', '-m', `colony: deep gate check passed: ${command}`, checkRef(options.target, command), commit])
  }

  return { lastPass, recordPass }
}
