import { spawn } from 'node:child_process'
import { environmentWithSecrets, redactSecrets } from '../secrets/index.ts'
import { PullRequestFailedError } from './errors.ts'
import type { HostedRepository } from './hosted-repository.ts'

interface ProgramResult {
  exitCode: number | null
  stdout: string
  stderr: string
}

/**
 * Runs GitHub's `gh` with the person's credentials (GH_TOKEN and the like are
 * held in memory, not in this process's environment), never prompting.
 * Undefined when `gh` is not on PATH.
 */
function runGithubCli(cwd: string, args: string[], options: { input?: string; timeoutMs: number }): Promise<ProgramResult | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn('gh', args, {
      cwd,
      env: { ...environmentWithSecrets(), GH_PROMPT_DISABLED: '1', GH_NO_UPDATE_NOTIFIER: '1', NO_COLOR: '1' },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    // Not spawn's own `timeout`: its timer outlives a gh that was never found, and holds the process open.
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs)
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      if (error.code === 'ENOENT') resolve(undefined)
      else reject(error)
    })
    child.on('close', (exitCode) => {
      clearTimeout(timer)
      resolve({ exitCode, stdout, stderr })
    })
    if (options.input !== undefined && child.stdin) {
      // gh may exit before reading its input; its exit status tells what happened.
      child.stdin.on('error', () => undefined)
      child.stdin.end(options.input)
    }
  })
}

/** Whether `gh` can open a pull request here: `ready` when it is on PATH and signed in. */
export type GithubCliStatus = 'ready' | 'signed-out' | 'absent'

/** Asks `gh auth status`, with the person's credentials (a GH_TOKEN signs gh in too). */
export async function githubCliStatus(cwd: string): Promise<GithubCliStatus> {
  const status = await runGithubCli(cwd, ['auth', 'status'], { timeoutMs: 30_000 })
  return status === undefined ? 'absent' : status.exitCode === 0 ? 'ready' : 'signed-out'
}

export interface PullRequestRequest {
  branch: string
  base: string
  title: string
  draft: boolean
  /** The GitHub repository the branch was pushed to, when its remote URL says which. */
  repository: HostedRepository | undefined
}

/** `gh pr create ...` for `request`, reading the body from `bodyFile` (`-`: standard input). */
export function pullRequestArguments(request: PullRequestRequest, bodyFile: string): string[] {
  const { repository } = request
  const repositoryName = repository?.forge === 'github' ? (repository.host === 'github.com' ? repository.path : `${repository.host}/${repository.path}`) : undefined
  return [
    'pr',
    'create',
    ...(repositoryName ? ['--repo', repositoryName] : []),
    '--head',
    request.branch,
    '--base',
    request.base,
    '--title',
    request.title,
    '--body-file',
    bodyFile,
    ...(request.draft ? ['--draft'] : []),
  ]
}

/** What `gh pr create` answered: the pull request's address, and whether it was already open. */
export interface OpenedPullRequest {
  url: string
  existed: boolean
}

/** Opens the pull request with `gh pr create` (see pullRequestArguments), the body on its standard input. */
export async function openPullRequest(cwd: string, request: PullRequestRequest, body: string): Promise<OpenedPullRequest> {
  const args = pullRequestArguments(request, '-')
  const result = await runGithubCli(cwd, args, { input: body, timeoutMs: 300_000 })
  const output = redactSecrets(`${result?.stdout ?? ''}\n${result?.stderr ?? ''}`.trim())
  const url = /https?:\/\/\S+/.exec(output)?.[0]
  if (result?.exitCode === 0 && url) return { url, existed: false }
  // The branch had a pull request already: the push just updated it.
  if (url && /already exists/i.test(output)) return { url, existed: true }
  throw new PullRequestFailedError(commandLine('gh', pullRequestArguments(request, 'BODY.md')), result === undefined ? 'gh is no longer on PATH' : output || `gh exited with ${result.exitCode ?? 'a signal'}`)
}

/**
 * `program args...` as one line a POSIX shell runs as given: a word of only
 * safe characters stays as it is, any other is single-quoted.
 *
 * @example commandLine('gh', ['pr', 'create', '--title', "Don't panic"]) // gh pr create --title 'Don'\''t panic'
 */
export function commandLine(program: string, args: string[]): string {
  const quote = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)
  return [program, ...args].map(quote).join(' ')
}
