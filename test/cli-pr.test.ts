import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { colony, git } from './support/cli.ts'
import { landTask, recordGoalAndVerdict } from './support/landed-task.ts'

const execFileAsync = promisify(execFile)

/**
 * A stand-in for GitHub's `gh`, an external program: signed in (unless
 * GH_SIGNED_OUT is set), it records
 * the arguments, the body on its standard input and the token it was given,
 * and answers with a pull request's address, as `gh pr create` does.
 */
const recordingGh = `#!/bin/sh
if [ "$1" = auth ]; then test -z "$GH_SIGNED_OUT"; exit; fi
printf '%s\\n' "$@" > "$GH_RECORD/args"
cat > "$GH_RECORD/body"
printf '%s' "$GH_TOKEN" > "$GH_RECORD/token"
echo "https://github.com/example/textkit/pull/7"
`

describe('colony pr: the target pushed to a branch on a remote, and a pull request for it', () => {
  let base: string
  let root: string
  let remote: string
  /** A PATH that has git and nothing else: no gh. */
  let gitOnly: string
  const goal = "Make the constants bigger\n\nDon't touch the README."

  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'colony-pr-'))
    remote = join(base, 'remote.git')
    root = join(base, 'repo')
    await git(base, ['init', '-q', '--bare', '-b', 'main', remote])
    await git(base, ['init', '-q', '-b', 'main', root])
    await mkdir(join(root, 'src'))
    await writeFile(join(root, 'src/a.ts'), 'export const a = 1\n')
    await git(root, ['add', '-A'])
    await git(root, ['commit', '-q', '-m', 'start'])
    await git(root, ['remote', 'add', 'origin', remote])
    await git(root, ['push', '-q', 'origin', 'main'])
    expect((await colony(root, ['init'])).code).toBe(0)
    gitOnly = join(base, 'git-only-bin')
    await mkdir(gitOnly)
    const { stdout: gitProgram } = await execFileAsync('sh', ['-c', 'command -v git'])
    await symlink(gitProgram.trim(), join(gitOnly, 'git'))
  })
  afterEach(async () => {
    await rm(base, { recursive: true, force: true })
  })

  async function landTwoTasks() {
    const first = await landTask(root, { title: 'Bump a', files: { 'src/a.ts': 'export const a = 2\n' } })
    const second = await landTask(root, { title: 'Add b', files: { 'src/b.ts': 'export const b = 1\n' } })
    await recordGoalAndVerdict(root, goal, { decision: 'done', reason: 'both constants landed and the tests pass' })
    return { first, second }
  }

  it('without gh, pushes the branch and prints the gh command to run, with the description written beside it', async () => {
    const { first, second } = await landTwoTasks()
    const result = await colony(root, ['pr'], { PATH: gitOnly })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(await git(remote, ['rev-parse', 'refs/heads/colony/run-1'])).toBe(second.commit)

    const bodyFile = join(root, '.colony', 'pull-requests', 'run-1.md')
    expect(result.stdout).toBe(
      [
        `pushed colony/main (${second.commit.slice(0, 12)}) to origin as colony/run-1 (a new branch)`,
        'gh (GitHub CLI) is not on PATH; to open the pull request:',
        `  gh pr create --head colony/run-1 --base main --title 'Make the constants bigger' --body-file ${bodyFile}`,
        `its description (goal, merged tasks, the judge's verdict) is in ${bodyFile}`,
        '',
      ].join('\n'),
    )
    const body = await readFile(bodyFile, 'utf8')
    expect(body).toContain("> Make the constants bigger\n>\n> Don't touch the README.")
    expect(body).toContain(`- task 1: Bump a (${first.commit.slice(0, 12)})\n- task 2: Add b (${second.commit.slice(0, 12)})`)
    expect(body).toContain('**done** (cycle 1): both constants landed and the tests pass')

    // Again, with nothing new: the push changes nothing and says so.
    const again = JSON.parse((await colony(root, ['pr', '--json'], { PATH: gitOnly })).stdout) as Record<string, unknown>
    expect(again).toMatchObject({ remote: 'origin', branch: 'colony/run-1', base: 'main', commit: second.commit, push: 'up-to-date', gh: 'absent', pullRequest: null, compareUrl: null, bodyFile })
  })

  it('with gh signed out, prints the command; signed in, opens the pull request through it: the arguments, the body and the token gh is given', async () => {
    const { second } = await landTwoTasks()
    const bin = join(base, 'gh-bin')
    const record = join(base, 'gh-record')
    await mkdir(bin)
    await mkdir(record)
    await writeFile(join(bin, 'gh'), recordingGh)
    await chmod(join(bin, 'gh'), 0o755)

    const signedOut = await colony(root, ['pr', '--branch', 'feature/constants', '--draft'], { PATH: `${bin}:${process.env.PATH}`, GH_RECORD: record, GH_SIGNED_OUT: '1' })
    expect(signedOut.code, signedOut.stderr).toBe(0)
    expect(signedOut.stdout).toContain('gh is not signed in (`gh auth login`); to open the pull request:\n  gh pr create --head feature/constants --base main --title \'Make the constants bigger\' --body-file ')
    expect(existsSync(join(record, 'args'))).toBe(false)

    const result = await colony(root, ['pr', '--branch', 'feature/constants', '--draft'], { PATH: `${bin}:${process.env.PATH}`, GH_RECORD: record, GH_TOKEN: 'gho_testtoken' })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`pushed colony/main (${second.commit.slice(0, 12)}) to origin as feature/constants (already there)\nopened a pull request into main: https://github.com/example/textkit/pull/7\n`)
    expect(await git(remote, ['rev-parse', 'refs/heads/feature/constants'])).toBe(second.commit)
    expect((await readFile(join(record, 'args'), 'utf8')).split('\n')).toEqual(['pr', 'create', '--head', 'feature/constants', '--base', 'main', '--title', 'Make the constants bigger', '--body-file', '-', '--draft', ''])
    expect(await readFile(join(record, 'body'), 'utf8')).toContain('- task 2: Add b')
    // Colony holds credentials out of its environment; gh, which needs its token, is given it.
    expect(await readFile(join(record, 'token'), 'utf8')).toBe('gho_testtoken')
  })

  it('refuses a run with nothing merged, a remote that is not there, and a push the remote rejects, saying why', async () => {
    const nothing = await colony(root, ['pr'], { PATH: gitOnly })
    expect(nothing.code).toBe(1)
    expect(nothing.stderr).toContain('colony: run 1 has merged no task onto colony/main: there is nothing to propose')

    const { second } = await landTwoTasks()
    const noRemote = await colony(root, ['pr', '--remote', 'upstream'], { PATH: gitOnly })
    expect(noRemote.code).toBe(1)
    expect(noRemote.stderr).toContain('colony: this repository has no git remote named upstream')
    expect(noRemote.stderr).toContain('fix: name one of its remotes with --remote (origin)')

    // Someone else's commit is on the remote's colony/run-1: Colony does not push over it.
    await git(root, ['switch', '-q', '-c', 'elsewhere'])
    await git(root, ['commit', '-q', '--allow-empty', '-m', 'not the target'])
    await git(root, ['push', '-q', 'origin', 'elsewhere:colony/run-1'])
    await git(root, ['switch', '-q', 'main'])
    const theirs = await git(remote, ['rev-parse', 'refs/heads/colony/run-1'])
    const rejected = await colony(root, ['pr'], { PATH: gitOnly })
    expect(rejected.code).toBe(1)
    expect(rejected.stderr).toContain('colony: the push to origin (branch colony/run-1) was rejected: colony/run-1 there has commits that colony/main does not (non-fast-forward); Colony never pushes by force')
    expect(rejected.stderr).toContain('fix: push to another branch with --branch NAME')
    expect(await git(remote, ['rev-parse', 'refs/heads/colony/run-1'])).toBe(theirs)
    expect(theirs).not.toBe(second.commit)
  })
})
