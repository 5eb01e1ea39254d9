import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { colony } from './support/cli.ts'

const execFileAsync = promisify(execFile)
const onPath = (name: string) => (process.env.PATH ?? '').split(delimiter).some((directory) => directory !== '' && existsSync(join(directory, name)))

describe('colony completion', () => {
  let directory: string
  const scripts: Record<string, string> = {}
  let commands: string[]

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'colony-completion-'))
    for (const shell of ['bash', 'zsh', 'fish']) {
      // Outside any repository: completion needs none.
      const result = await colony(directory, ['completion', shell])
      expect(result.code, result.stderr).toBe(0)
      scripts[shell] = join(directory, `colony.${shell}`)
      await writeFile(scripts[shell], result.stdout)
    }
    const help = await colony(directory, ['--help'])
    commands = [...help.stdout.matchAll(/^ {2}([a-z-]+) /gm)].map((match) => match[1]!)
  })
  afterAll(() => rm(directory, { recursive: true, force: true }))

  /** What bash offers for the words typed so far (the last one being completed, "" after a space). */
  async function bashCompletes(words: string[]): Promise<string[]> {
    const program = `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _colony; printf '%s\\n' "\${COMPREPLY[@]}"`
    const { stdout } = await execFileAsync('bash', ['-c', program, 'bash', scripts.bash!, ...words])
    return stdout.split('\n').filter(Boolean).sort()
  }

  it('bash: commands, subcommands and options, skipping option values; every command in the help', async () => {
    expect(await bashCompletes(['colony', 'me'])).toEqual(['memory'])
    expect(await bashCompletes(['colony', 're'])).toEqual(['reject', 'resume', 'retry', 'revert'])
    expect(await bashCompletes(['colony', 'task', ''])).toEqual(['add', 'cancel', 'list', 'show'])
    expect(await bashCompletes(['colony', 'task', 'add', 'Parse dates', '--pr'])).toEqual(['--priority'])
    expect(await bashCompletes(['colony', 'events', '--f'])).toEqual(['--follow'])
    // "add" is --kind's value here, not the subcommand: memory's subcommands are still offered.
    expect(await bashCompletes(['colony', 'memory', '--kind', 'add', ''])).toEqual(['add', 'forget', 'search', 'show'])
    expect(await bashCompletes(['colony', 'memory', 'add', 'x', '--'])).toEqual(['--file', '--help', '--json'])
    // An option's value is left to bash's own completion (files), through `complete -o default`.
    expect(await bashCompletes(['colony', 'run', '--goal-file', ''])).toEqual([])
    expect(await bashCompletes(['colony', ''])).toEqual([...commands].sort())
    const { stdout } = await execFileAsync('bash', ['-c', 'source "$1"; complete -p colony', 'bash', scripts.bash!])
    expect(stdout.trim()).toBe('complete -o default -F _colony colony')
  })

  it('zsh: the script parses and completes (where zsh is installed)', async () => {
    const text = await execFileAsync('cat', [scripts.zsh!]).then((result) => result.stdout)
    expect(text.split('\n')[0]).toBe('#compdef colony')
    expect(text).toContain('compdef _colony colony')
    expect(text).toContain("'memory:what Colony remembers")
    if (!onPath('zsh')) return
    await execFileAsync('zsh', ['-n', scripts.zsh!])
    // _describe and _files are zsh's completion system; here they print what they were given.
    const program = `autoload -U compinit && compinit -u -D; source "$1"; _describe() { print -rl -- \${(P)4} }; _files() { print FILES }; shift; words=("$@"); CURRENT=$#words; _colony`
    const complete = async (words: string[]) => (await execFileAsync('zsh', ['-c', program, 'zsh', scripts.zsh!, ...words])).stdout.split('\n').filter(Boolean)
    expect(await complete(['colony', 'task', ''])).toEqual(['add:add a task; prints its id', 'list:list the tasks of the current run', 'show:show a task with its history', 'cancel:cancel a task (a worker on it stops at its next heartbeat)'])
    expect(await complete(['colony', 'events', '--'])).toContain('--follow:keep printing new events as they happen, until the run ends (or Ctrl-C)')
    expect(await complete(['colony', 'run', '--goal-file', ''])).toEqual(['FILES'])
  })

  it('fish: the script parses and completes (where fish is installed)', async () => {
    const text = await execFileAsync('cat', [scripts.fish!]).then((result) => result.stdout)
    expect(text).toContain("complete -c colony -n '__colony_at \"\"' -a memory -d 'what Colony remembers")
    expect(text).toContain("complete -c colony -n '__colony_at \"task add\"' -l priority -r -F -d 'higher runs first'")
    if (!onPath('fish')) return
    await execFileAsync('fish', ['-n', scripts.fish!])
    const complete = async (line: string) => (await execFileAsync('fish', ['-c', `source $argv[1]; complete -C '${line}'`, scripts.fish!])).stdout.split('\n').filter(Boolean).map((entry) => entry.split('\t')[0]).sort()
    expect(await complete('colony me')).toEqual(['memory'])
    expect(await complete('colony task ')).toEqual(['add', 'cancel', 'list', 'show'])
    expect(await complete('colony task add x --pr')).toEqual(['--priority'])
  })

  it('refuses a shell it has no script for', async () => {
    const result = await colony(directory, ['completion', 'powershell'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("Allowed choices are bash, zsh, fish")
    expect(result.stdout).toBe('')
  })
})
