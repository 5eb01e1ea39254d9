import { environmentWithSecrets } from '../secrets/index.ts'
import { runProcess } from '../spawner/index.ts'
import { GitError } from './errors.ts'

export interface GitResult {
  stdout: string
  stderr: string
  exitCode: number | null
}

export interface GitRunOptions {
  /** Extra environment, e.g. author identity. */
  env?: Record<string, string>
  input?: string
  /** Exit codes that are answers, not failures (e.g. 1 from `merge-tree` on conflict). */
  okExitCodes?: number[]
  /**
   * Run as the person's own `git` would in their working tree: their hooks
   * and every config file apply, Colony's settings (colonyGitSettings) do not.
   * Only for commands Colony runs on the person's behalf on their own branch
   * (`colony adopt`), never in an agent's worktree.
   */
  asPerson?: boolean
}

/** Environment that keeps git from prompting, paging or translating its messages. */
const personEnvironment = {
  GIT_TERMINAL_PROMPT: '0',
  GIT_EDITOR: 'true',
  GIT_PAGER: 'cat',
  LC_ALL: 'C',
}

/** Colony's own git commands leave the system's config out too. */
const quietEnvironment = { ...personEnvironment, GIT_CONFIG_NOSYSTEM: '1' }

/**
 * Configuration for every git command Colony runs, through git's environment
 * so the repository's and the person's config files stay untouched (appended
 * to any GIT_CONFIG_COUNT entries already set). `core.hooksPath` leads
 * nowhere: the repository's hooks (husky, pre-commit, post-checkout, ...) are
 * written for a person's interactive workflow and do not run for Colony's
 * worktree, commit, rebase and revert operations; checks belong in checks.fast.
 */
function colonyGitConfig(environment: NodeJS.ProcessEnv): Record<string, string> {
  const count = Number.parseInt(environment.GIT_CONFIG_COUNT ?? '0', 10) || 0
  const entries = Object.entries(colonyGitSettings)
  const variables: Record<string, string> = { GIT_CONFIG_COUNT: String(count + entries.length) }
  entries.forEach(([key, value], index) => {
    variables[`GIT_CONFIG_KEY_${count + index}`] = key
    variables[`GIT_CONFIG_VALUE_${count + index}`] = value
  })
  return variables
}

/**
 * A repository an agent nests in its worktree (`sub/.git`) carries its own
 * config (core.fsmonitor, filters) that git would run on the host while
 * looking into its working tree for `status` or `diff`. With `dirty` git
 * compares only the commit a submodule pointer records, so a nested
 * repository still shows up as a change (and is refused) without git
 * running anything of it; git does not pass these settings down to it.
 */
const colonyGitSettings = {
  'core.hooksPath': '/dev/null',
  'diff.ignoreSubmodules': 'dirty',
  'status.submoduleSummary': 'false',
  'submodule.recurse': 'false',
}

/** The commands that talk to a remote get the person's credentials (an ssh agent, a token for a credential helper); no other git process holds them. */
const remoteCommands = new Set(['fetch', 'push', 'ls-remote'])

/**
 * The git CLI at one working directory. Arguments are arrays, never shell
 * strings; a failure is a GitError with git's stderr. `defaults.env` goes to
 * every command (e.g. GIT_INDEX_FILE, to stage into an index of its own).
 *
 * @example
 *   const git = createGit('/repo')
 *   const tip = await git.text(['rev-parse', 'refs/heads/colony/main'])
 */
export function createGit(cwd: string, defaults: { env?: Record<string, string>; via?: readonly string[] } = {}) {
  // `via`: a command git runs under, e.g. nsenter into the namespace where a workspace's overlay is mounted.
  const [program, ...programArgs] = defaults.via && defaults.via.length > 0 ? [...defaults.via, 'git'] : ['git']
  async function run(args: string[], options: GitRunOptions = {}): Promise<GitResult> {
    const environment = remoteCommands.has(args[0] ?? '') ? environmentWithSecrets() : process.env
    const settings = options.asPerson ? personEnvironment : { ...quietEnvironment, ...colonyGitConfig(environment) }
    const result = await runProcess({ file: program, args: [...programArgs, ...args], cwd, env: { ...environment, ...settings, ...defaults.env, ...options.env }, input: options.input })
    const { exitCode } = result
    if (exitCode === 0 || (exitCode !== null && options.okExitCodes?.includes(exitCode))) return result
    throw new GitError(args, exitCode, result.stderr || result.stdout)
  }

  return {
    cwd,
    run,
    /** stdout, trimmed. */
    async text(args: string[], options?: GitRunOptions): Promise<string> {
      return (await run(args, options)).stdout.trim()
    },
    /** Non-empty stdout lines. */
    async lines(args: string[], options?: GitRunOptions): Promise<string[]> {
      return (await run(args, options)).stdout.split('\n').filter((line) => line !== '')
    },
    /** The commit a ref points at, or undefined when it does not exist. */
    async resolveRef(ref: string): Promise<string | undefined> {
      const result = await run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { okExitCodes: [1] })
      return result.exitCode === 0 ? result.stdout.trim() : undefined
    },
    /**
     * Moves `ref` from `expected` to `next` only if it still points at `expected`
     * (git's own compare-and-swap). Returns false when someone else moved it first.
     */
    async compareAndSwap(ref: string, next: string, expected: string, message: string): Promise<boolean> {
      const result = await run(['update-ref', '-m', message, ref, next, expected], { okExitCodes: [1, 128] })
      if (result.exitCode === 0) return true
      if (/cannot lock ref|is at .* but expected|unable to resolve/i.test(result.stderr)) return false
      throw new GitError(['update-ref', ref, next, expected], result.exitCode, result.stderr)
    },
  }
}

export type Git = ReturnType<typeof createGit>

/** `refs/heads/<branch>` for a branch name; full refs pass through. */
export function branchRef(branch: string): string {
  return branch.startsWith('refs/') ? branch : `refs/heads/${branch}`
}
