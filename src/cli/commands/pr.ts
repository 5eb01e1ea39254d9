import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Command } from 'commander'
import { branchNameProblem } from '../../config/index.ts'
import {
  BaseBranchUnknownError,
  commandLine,
  compareUrl,
  githubCliStatus,
  hostedRepository,
  NothingMergedError,
  openPullRequest,
  pullRequestArguments,
  pullRequestBody,
  pullRequestTitle,
  readRunResult,
  type GithubCliStatus,
  type OpenedPullRequest,
  type PullRequestRequest,
} from '../../delivery/index.ts'
import { createGit, publishBranch, remoteDefaultBranch, remoteUrl, targetTip } from '../../git/index.ts'
import { assertTargetUsable, TargetBranchMissingError } from '../../repository/index.ts'
import { terminalText } from '../../terminal/index.ts'
import { printJson } from '../format.ts'
import { withSession } from '../session.ts'
import { UsageError } from '../usage-error.ts'

interface PullRequestOptions {
  remote?: string
  branch?: string
  base?: string
  draft?: boolean
  json?: boolean
}

function checkBranchOption(name: string | undefined, argument: string): void {
  if (name === undefined) return
  const problem = branchNameProblem(name)
  if (problem) throw new UsageError(argument, `${argument}: ${problem.problem}`, problem.hint)
}

/** `colony pr`: the target pushed to a branch of a remote, and a pull request opened for it (or the way to open one). */
export function registerPullRequest(program: Command): void {
  program
    .command('pr')
    .description('push the target to a branch on a remote and open a pull request from it: with gh when it is signed in, else the command and the link to open it')
    .option('--remote <name>', 'the git remote to push to (default: colony.json "remote", else origin)')
    .option('--branch <name>', 'the branch to push to (default: colony/run-<run id>)')
    .option('--base <branch>', "the branch the pull request goes into (default: the remote's default branch)")
    .option('--draft', 'open it as a draft')
    .option('--json', 'what it did, as JSON (see docs/cli.md)')
    .action(async (options: PullRequestOptions) => {
      checkBranchOption(options.branch, '--branch')
      checkBranchOption(options.base, '--base')
      if (options.branch !== undefined && options.branch === options.base) throw new UsageError('--base', `--branch and --base are both ${options.branch}`, 'a pull request goes from one branch into another: name two')
      await withSession(process.cwd(), async ({ layout, config, store, run }) => {
        await assertTargetUsable(layout, config, run)
        const git = createGit(layout.root)
        const remote = options.remote ?? config.remote ?? 'origin'
        const url = await remoteUrl(git, remote)
        const result = await readRunResult(store, run)
        if (result.tasks.length === 0) throw new NothingMergedError(run.id, config.target)
        const tip = await targetTip(git, { target: config.target, remote: config.remote })
        if (!tip) throw new TargetBranchMissingError(config.target)
        const branch = options.branch ?? `colony/run-${run.id}`
        const base = options.base ?? (await remoteDefaultBranch(git, remote)) ?? (await git.text(['symbolic-ref', '--quiet', '--short', 'HEAD'], { okExitCodes: [1, 128] }))
        if (!base) throw new BaseBranchUnknownError(remote)
        if (base === branch) throw new UsageError('--base', `the pull request would go from ${branch} into itself`, `name the branch to push to with --branch, or the branch it goes into with --base`)
        const pushed = await publishBranch(git, { remote, branch, commit: tip, target: config.target })
        const repository = hostedRepository(url)
        const request: PullRequestRequest = { branch, base, title: pullRequestTitle(result), draft: options.draft === true, repository }
        const body = pullRequestBody(result, { branch: config.target, commit: tip })
        // gh opens pull requests on GitHub only; a GitLab or Bitbucket remote gets its web page.
        const gh: GithubCliStatus | 'not-github' = repository && repository.forge !== 'github' ? 'not-github' : await githubCliStatus(layout.root)
        let opened: OpenedPullRequest | undefined
        let bodyFile: string | undefined
        if (gh === 'ready') {
          opened = await openPullRequest(layout.root, request, body)
        } else {
          bodyFile = join(layout.colonyDir, 'pull-requests', `run-${run.id}.md`)
          await mkdir(join(layout.colonyDir, 'pull-requests'), { recursive: true })
          await writeFile(bodyFile, body)
        }
        const command = bodyFile && gh !== 'not-github' ? commandLine('gh', pullRequestArguments(request, bodyFile)) : undefined
        const link = repository && compareUrl(repository, base, branch)
        const report = { remote, branch, base, target: config.target, commit: tip, push: pushed, title: request.title, body, bodyFile: bodyFile ?? null, gh, pullRequest: opened ?? null, command: command ?? null, compareUrl: opened ? null : (link ?? null) }
        if (options.json) return printJson(report)
        const lines = [`pushed ${config.target} (${tip.slice(0, 12)}) to ${remote} as ${branch} (${pushed === 'created' ? 'a new branch' : pushed === 'updated' ? 'updated' : 'already there'})`]
        if (opened) lines.push(opened.existed ? `the pull request was already open, and now has this commit: ${opened.url}` : `opened a pull request into ${base}: ${opened.url}`)
        if (gh === 'absent') lines.push('gh (GitHub CLI) is not on PATH; to open the pull request:')
        if (gh === 'signed-out') lines.push('gh is not signed in (`gh auth login`); to open the pull request:')
        if (command) lines.push(`  ${command}`)
        if (!opened && link) lines.push(`${command ? 'or on the web' : 'open it on the web'}: ${link}`)
        if (bodyFile) lines.push(`its description (goal, merged tasks, the judge's verdict) is in ${bodyFile}`)
        process.stdout.write(`${terminalText(lines.join('\n'), { multiline: true })}\n`)
      })
    })
}
