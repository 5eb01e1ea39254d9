import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSandbox, defaultCommandRules, runGuarded, type GuardedResult, type Sandbox, type SandboxPolicy } from '../../src/sandbox/index.ts'
import type { Store } from '../../src/store/index.ts'
import { createTempRepository, git } from '../support/cli.ts'
import { createTempStore } from '../support/temp-store.ts'

/** A line an agent might send to get around the default refuse rules, and the rule that must stop it. */
interface Refused {
  line: string
  rule: string
  /** The line leaves what it runs to the shell: the refusal says it cannot tell. */
  undecided?: true
}

const refused: Refused[] = [
  // The bypasses a red team found in the text-matching rules.
  { line: 'env git push origin main', rule: 'git push*' },
  { line: 'command sudo rm -rf /', rule: 'sudo *' },
  { line: 'bash -c "sudo rm -rf /"', rule: 'sudo *' },
  { line: 'eval "git push"', rule: 'git push*' },
  { line: 'git -C . push', rule: 'git push*' },
  { line: '/usr/bin/git push', rule: 'git push*' },
  { line: 'echo origin | xargs git push', rule: 'git push*' },
  { line: 'exec git push', rule: 'git push*' },
  { line: 'time git push', rule: 'git push*' },
  { line: '{ git push; }', rule: 'git push*' },
  { line: 'git${IFS}push', rule: 'git push*', undecided: true },
  // The plain forms.
  { line: 'sudo rm -rf /', rule: 'sudo *' },
  { line: 'su', rule: 'su' },
  { line: 'su root', rule: 'su *' },
  { line: 'git push origin main', rule: 'git push*' },
  { line: 'git config --global user.name x', rule: 'git config --global*' },
  { line: 'git config --system x', rule: 'git config --system*' },
  // Quoting, spacing and grouping the shell removes before it runs anything.
  { line: 'git  push', rule: 'git push*' },
  { line: '\\git push', rule: 'git push*' },
  { line: "'git' push", rule: 'git push*' },
  { line: 'g\\it push', rule: 'git push*' },
  { line: 'git "pu"sh', rule: 'git push*' },
  { line: 'git >/dev/null push', rule: 'git push*' },
  { line: '(git push)', rule: 'git push*' },
  { line: '$(git push)', rule: 'git push*' },
  { line: '`git push`', rule: 'git push*' },
  { line: 'a && git push', rule: 'git push*' },
  { line: 'if true; then git push; fi', rule: 'git push*' },
  { line: 'deploy() { git push; }; deploy', rule: 'git push*' },
  // Wrappers, followed to what they run.
  { line: 'echo | xargs -I{} git push', rule: 'git push*' },
  { line: 'nice -n 5 git push', rule: 'git push*' },
  { line: 'timeout 5 sudo ls', rule: 'sudo *' },
  { line: `sh -c 'bash -c "git push"'`, rule: 'git push*' },
  { line: 'env -i PATH=/usr/bin nohup stdbuf -oL git --no-pager push', rule: 'git push*' },
  { line: 'time { git push; }', rule: 'git push*' },
  { line: "trap 'git push' EXIT", rule: 'git push*' },
  { line: 'git -c alias.ship=push ship', rule: 'git push*' },
  { line: `git -c alias.ship='!git push' ship`, rule: 'git push*' },
  // What only the running shell knows, where a rule could apply.
  { line: '$CMD push', rule: 'sudo *', undecided: true },
  { line: '$(echo git) push', rule: 'sudo *', undecided: true },
  { line: '"$x" push', rule: 'sudo *', undecided: true },
  { line: 'git $SUBCOMMAND origin main', rule: 'git push*', undecided: true },
  { line: '/usr/bin/gi? push', rule: 'git push*', undecided: true },
  { line: 'echo git push | sh', rule: 'sudo *', undecided: true },
  { line: 'source <(echo git push)', rule: 'sudo *', undecided: true },
  { line: 'git push )', rule: 'git push*' },
]

// `echo "git push"` is allowed: the rules match programs the line runs, and there git push is only echo's argument.
const allowed = [
  'git status',
  'git log --oneline',
  'echo "git push"',
  "grep -r 'sudo' .",
  'npm test',
  'git commit --allow-empty -m "push it"',
  'ls $HOME',
  'ls "$PWD" && echo "$HOME"',
  'git -C . status',
  'command -v su',
  'cat README.md | wc -l',
  'for file in *.md; do wc -c "$file"; done',
  'git diff --stat HEAD',
  'env LANG=C git log -1 --format=%s',
]

describe('refuse rules against shell syntax', () => {
  let store: Store
  let disposeStore: () => Promise<void>
  let runId: number
  let repository: Awaited<ReturnType<typeof createTempRepository>>
  let scratch: string
  let sandbox: Sandbox
  const policy = (): SandboxPolicy => ({
    network: false,
    readable: [],
    writable: [],
    env: ['GIT_CONFIG_GLOBAL', 'GIT_CONFIG_SYSTEM'],
    memoryMb: 512,
    processes: 256,
    outputBytes: 20_000,
    ...defaultCommandRules,
  })

  beforeAll(async () => {
    ;({ store, dispose: disposeStore } = await createTempStore())
    runId = (await store.createRun({ target: 'main' })).id
    repository = await createTempRepository()
    scratch = await mkdtemp(join(tmpdir(), 'colony-refuse-'))
    // A remote that a push would really reach, so that a refused push that ran would show.
    await git(scratch, ['init', '-q', '--bare', 'remote.git'])
    await git(repository.root, ['remote', 'add', 'origin', join(scratch, 'remote.git')])
    await git(repository.root, ['config', 'push.default', 'current'])
    // Host mode: a command that got through would really run, push and write; git's global and system configuration are files here.
    sandbox = createSandbox({
      repositoryRoot: repository.root,
      policy: policy(),
      mode: 'host',
      environment: { PATH: process.env.PATH, HOME: scratch, GIT_CONFIG_GLOBAL: join(scratch, 'global.gitconfig'), GIT_CONFIG_SYSTEM: join(scratch, 'system.gitconfig') },
      warn: () => {},
    })
  })

  afterAll(async () => {
    await disposeStore?.()
    await repository?.dispose()
    if (scratch) await rm(scratch, { recursive: true, force: true })
  })

  const guarded = (line: string, box: Sandbox = sandbox, rules: Pick<SandboxPolicy, 'approve' | 'refuse'> = policy()): Promise<GuardedResult> =>
    runGuarded(line, { sandbox: box, policy: rules, store, context: { runId }, cwd: repository.root, timeoutMs: 30_000 })

  /** A sandbox that records what reaches it and runs nothing: the table holds `sudo rm -rf /`. */
  const reached: string[] = []
  const recording: Sandbox = {
    mode: 'host',
    processCap: 'watchdog',
    guarantees: [],
    notCovered: [],
    weakness: undefined,
    run: async (command) => {
      reached.push(String(command))
      return { exitCode: 0, output: '', timedOut: false, limit: undefined, durationMs: 0, mode: 'host' }
    },
  }

  it.each(refused)('refuses $line, naming $rule', async ({ line, rule, undecided }) => {
    const before = reached.length
    const result = await guarded(line, recording)
    expect(result).toMatchObject({ status: 'refused', rule })
    expect(reached.length, 'a refused line reached the sandbox').toBe(before)
    if (result.status !== 'refused') return
    expect(result.message).toContain(`"${rule}" in the sandbox.refuse policy of colony.json`)
    if (undecided) expect(result.message).toMatch(/^Refused: cannot tell what ".+" runs, because /)
    else expect(result.message).not.toContain('cannot tell')
    const latest = (await store.listEvents({ runId, types: ['command-refused'] })).at(-1)
    expect(latest?.data).toMatchObject({ command: line, rule })
  })

  it.each(allowed)('runs %s', async (line) => {
    expect(await guarded(line)).toMatchObject({ status: 'ran' })
  })

  it('never runs a refused line in a real sandbox: no push reaches the remote, no file is written, and the event names the rule', async () => {
    const lines = [
      'touch before-push && env git push',
      'touch before-push; git -C . push',
      'touch before-push; echo main | xargs git push origin',
      `touch before-push; sh -c 'git push'`,
      'touch before-push; git config --global user.name intruder',
      'touch before-push; git config --system user.name intruder',
    ]
    for (const line of lines) expect(await guarded(line), line).toMatchObject({ status: 'refused' })
    expect(existsSync(join(repository.root, 'before-push'))).toBe(false)
    expect(await git(join(scratch, 'remote.git'), ['for-each-ref'])).toBe('')
    expect(existsSync(join(scratch, 'global.gitconfig'))).toBe(false)
    expect(existsSync(join(scratch, 'system.gitconfig'))).toBe(false)
    const events = await store.listEvents({ runId, types: ['command-refused'] })
    expect(events.slice(-lines.length).map((event) => [event.data.command, event.data.rule])).toEqual(
      lines.map((line) => [line, line.includes('--global') ? 'git config --global*' : line.includes('--system') ? 'git config --system*' : 'git push*']),
    )

    // Without the rules, the same harness sees the line run: it writes and pushes.
    expect(await guarded('touch after-push && git push', sandbox, { approve: [], refuse: [] })).toMatchObject({ status: 'ran', exitCode: 0 })
    expect(existsSync(join(repository.root, 'after-push'))).toBe(true)
    expect(await git(join(scratch, 'remote.git'), ['for-each-ref', '--format=%(refname)'])).toBe('refs/heads/main')
  })
})
