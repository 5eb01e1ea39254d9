import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { colony, createTempRepository, git, type CliResult } from '../support/cli.ts'
import { expectCleanFailure, repositoryState, type CleanFailure } from '../support/hostile.ts'

const execFileAsync = promisify(execFile)

/**
 * Bad input to every command, by category: no repository or no setup, bad
 * ids, bad numbers, bad options, bad paths, bad colony.json, a bad target,
 * over-long and control-character text. Each case runs the real CLI as a
 * child process and must fail the way docs/cli.md promises (exit 2 for
 * arguments Colony cannot use, 1 when it refuses; `colony: ...` and the fix,
 * never a stack trace) and leave the repository exactly as it was: refs,
 * HEAD, status, worktrees and every row of the store.
 *
 * Cases that change nothing share one repository per situation, and run
 * concurrently.
 */

type Where =
  | 'outside' // a directory in no git repository
  | 'bare' // a bare repository
  | 'empty' // a repository without commits
  | 'fresh' // a repository with a commit, Colony not set up
  | 'squatted' // a repository with a commit and a file named .colony
  | 'board' // set up, with task 1 ready and task 2 cancelled
  | `config:${string}` // `board` with a broken colony.json
  | 'retargeted' // colony.json's target edited to a branch that does not exist, while run 1 has tasks
  | 'branch-gone' // the target branch deleted
  | 'bubblewrap' // sandbox.mode "bubblewrap", and no bwrap on PATH
  | 'dirty' // `board` with a tracked file modified and another staged
  | 'detached' // `board` with HEAD detached

interface Case extends CleanFailure {
  where: Where
  args: string[]
  env?: Record<string, string>
}

const long = (length: number, unit = 'a') => unit.repeat(Math.ceil(length / unit.length)).slice(0, length)

/** Commands that work on a set-up repository, with arguments that would be fine there: half tried outside any repository, half where Colony is not set up. */
const someCommands: string[][] = [
  ['run', '--goal', 'Add a parser'],
  ['worker'],
  ['task', 'add', 'Parse dates'],
  ['task', 'list'],
  ['task', 'show', '1'],
  ['task', 'cancel', '1'],
  ['approve', '1'],
  ['reject', '1', '--reason', 'not now'],
  ['retry', '1'],
  ['pause'],
  ['stop'],
  ['steer', 'fix the parser first'],
  ['status'],
  ['log'],
  ['revert', '1', '--reason', 'broke the build'],
  ['approvals'],
  ['sandbox', 'status'],
  ['sandbox', 'exec', '--', 'true'],
  ['serve', '--port', '0'],
  ['memory', 'add', 'Dates are UTC everywhere'],
  ['memory'],
  ['diff', '1'],
]

const notInRepository = ['is not inside a git repository', 'fix: run colony from inside the repository']
const notSetUp = ['Colony is not set up in', 'fix: run `colony init`']
const notAnId = (text: string) => [`"${text}" is not a task id`, 'fix: task ids are whole numbers']
const notFound = (id: number) => [`no task with id ${id}`, 'fix: see the tasks with `colony task list`']
const notAMemoryId = (text: string) => [`"${text}" is not an id`, 'fix: memory ids are whole numbers such as 3; see them with `colony memory`']
const noMemory = (id: number) => [`no memory with id ${id}`, 'fix: see what Colony remembers with `colony memory`']
const memoryKindsHint = 'fix: use one of: note, handoff, failure, verdict, steer'
const unknownOption = (option: string, command: string) => [`unknown option '${option}'`, `fix: see \`colony ${command} --help\``]

/** Broken colony.json files, each tried with commands of its own (together they cover every command that reads it). */
const brokenConfigs: { name: string; text: string; mentions: string[]; commands: string[][] }[] = [
  { name: 'trailing-comma', text: '{ "workers": 4, }', mentions: ['is not valid JSON', 'fix: colony.json is plain JSON'], commands: [['status'], ['init']] },
  { name: 'empty', text: '', mentions: ['is not valid JSON'], commands: [['task', 'add', 'x']] },
  { name: 'array', text: '[1, 2]', mentions: ['the file must hold one JSON object'], commands: [['events'], ['memory', 'add', 'x']] },
  { name: 'wrong-type', text: '{ "workers": "many" }', mentions: ['workers: expected a whole number of workers'], commands: [['worker']] },
  { name: 'wrong-list', text: '{ "checks": { "fast": "npm test" } }', mentions: ['checks.fast: expected array'], commands: [['approvals']] },
  { name: 'unknown-key', text: '{ "wrokers": 3 }', mentions: ['(top level): unknown key "wrokers"'], commands: [['steer', 'x'], ['serve', '--port', '0']] },
  { name: 'nested-unknown-key', text: '{ "sandbox": { "netwrok": true } }', mentions: ['sandbox: unknown key "netwrok"'], commands: [['pause'], ['diff', '1']] },
  { name: 'link-up', text: '{ "workspace": { "link": ["../../etc"] } }', mentions: ['workspace.link[0]: "../../etc" leads out of the repository through ".."'], commands: [['run', '--goal', 'x'], ['task', 'show', '1']] },
  { name: 'link-absolute', text: '{ "workspace": { "link": ["/etc"] } }', mentions: ['workspace.link[0]: "/etc" is an absolute path'], commands: [['stop']] },
  { name: 'link-git', text: '{ "workspace": { "link": ["node_modules", ".git/hooks"] } }', mentions: ['workspace.link[1]: ".git/hooks" leads into git\'s own files (.git)'], commands: [['sandbox', 'exec', '--', 'true'], ['resume']] },
  { name: 'copy-home', text: '{ "workspace": { "copy": ["~/.ssh/id_ed25519"] } }', mentions: ['workspace.copy[0]: "~/.ssh/id_ed25519" is in the home directory'], commands: [['retry', '1']] },
  { name: 'target-ref', text: '{ "target": "refs/heads/agents" }', mentions: ['target: "refs/heads/agents" is a full ref name', 'drop the "refs/heads/" prefix: "agents"'], commands: [['init']] },
  { name: 'target-long', text: JSON.stringify({ target: long(300) }), mentions: ['target: the branch name', 'is 300 characters long'], commands: [['task', 'cancel', '1']] },
  { name: 'sandbox-mode', text: '{ "sandbox": { "mode": "bwrap" } }', mentions: ['sandbox.mode: expected "auto"'], commands: [['sandbox', 'status']] },
  { name: 'model-spec', text: '{ "models": { "default": "gpt5" } }', mentions: ['models.default: expected "provider:model"'], commands: [['models'], ['reject', '1', '--reason', 'x']] },
  { name: 'api-key-inline', text: '{ "providers": { "local": { "baseURL": "http://127.0.0.1:1/v1", "apiKey": "sk-123" } } }', mentions: ['providers.local.apiKey: write "env:NAME"'], commands: [['revert', '1', '--reason', 'x']] },
]

const cases: Case[] = [
  // ---- missing repository, or Colony not set up
  ...[['init'], ['models'], ...someCommands.filter((_, index) => index % 2 === 0)].map((args): Case => ({ where: 'outside', args, code: 1, mentions: notInRepository })),
  ...[['init'], ['task', 'add', 'x'], ['status'], ['serve', '--port', '0']].map((args): Case => ({
    where: 'bare',
    args,
    code: 1,
    mentions: ['is a bare git repository', 'fix: run colony in a clone with a working tree'],
  })),
  { where: 'empty', args: ['init'], code: 1, mentions: ['has no commits yet', 'fix: make a first commit'] },
  { where: 'empty', args: ['task', 'add', 'x'], code: 1, mentions: notSetUp },
  ...someCommands.filter((_, index) => index % 2 === 1).map((args): Case => ({ where: 'fresh', args, code: 1, mentions: notSetUp })),
  { where: 'squatted', args: ['init'], code: 1, mentions: ['.colony: it is a file, not a directory', 'fix: move whatever is at'] },

  // ---- bad ids: not a whole number is unusable (2); a number that names nothing is not found (1)
  { where: 'board', args: ['task', 'show', '1e3'], code: 2, mentions: notAnId('1e3') },
  { where: 'board', args: ['task', 'show', '-1'], code: 2, mentions: notAnId('-1') },
  { where: 'board', args: ['task', 'show', '0'], code: 2, mentions: notAnId('0') },
  { where: 'board', args: ['task', 'show', '99999999999999999999'], code: 2, mentions: notAnId('99999999999999999999') },
  { where: 'board', args: ['task', 'show', '99999'], code: 1, mentions: notFound(99999) },
  { where: 'board', args: ['task', 'cancel', 'abc'], code: 2, mentions: notAnId('abc') },
  { where: 'board', args: ['task', 'cancel', '99999'], code: 1, mentions: notFound(99999) },
  { where: 'board', args: ['task', 'add', 'x', '--after', 'first'], code: 2, mentions: notAnId('first') },
  { where: 'board', args: ['task', 'add', 'x', '--after', '99999'], code: 1, mentions: notFound(99999) },
  { where: 'board', args: ['cancel', '1.5'], code: 2, mentions: notAnId('1.5') },
  { where: 'board', args: ['retry', '99999'], code: 1, mentions: notFound(99999) },
  { where: 'board', args: ['approve', 'abc'], code: 2, mentions: notAnId('abc') },
  { where: 'board', args: ['approve', '99999'], code: 1, mentions: notFound(99999) },
  { where: 'board', args: ['approve', '--command', 'x1'], code: 2, mentions: ['"x1" is not an id', 'colony approvals'] },
  { where: 'board', args: ['approve', '--command', '99999'], code: 1, mentions: ['no approval request with id 99999'] },
  { where: 'board', args: ['reject', '-5', '--reason', 'no'], code: 2, mentions: notAnId('-5') },
  { where: 'board', args: ['revert', '99999', '--reason', 'no'], code: 1, mentions: notFound(99999) },
  { where: 'board', args: ['diff', '1e3'], code: 2, mentions: notAnId('1e3') },
  { where: 'board', args: ['diff', '99999', '--stat'], code: 1, mentions: notFound(99999) },
  { where: 'board', args: ['events', '--task', '1e2'], code: 2, mentions: notAnId('1e2') },
  { where: 'board', args: ['mcp', '--task', '0'], code: 2, mentions: notAnId('0') },
  { where: 'board', args: ['mcp', '--task', '99999'], code: 1, mentions: notFound(99999) },
  { where: 'board', args: ['mcp'], code: 2, mentions: ["required option '--task <id>' not specified"] },
  { where: 'board', args: ['memory', 'show', 'abc'], code: 2, mentions: notAMemoryId('abc') },
  { where: 'board', args: ['memory', 'show', '0'], code: 2, mentions: notAMemoryId('0') },
  { where: 'board', args: ['memory', 'forget', '-1'], code: 2, mentions: notAMemoryId('-1') },
  { where: 'board', args: ['memory', 'forget', '1e3'], code: 2, mentions: notAMemoryId('1e3') },
  { where: 'board', args: ['memory', 'show', '99999'], code: 1, mentions: noMemory(99999) },
  { where: 'board', args: ['memory', 'forget', '99999'], code: 1, mentions: noMemory(99999) },
  { where: 'board', args: ['memory', '--task', 'first'], code: 2, mentions: notAnId('first') },
  { where: 'board', args: ['mcp', '--task', '2'], code: 1, mentions: ['task 2 cannot be taken over MCP: it is cancelled', 'fix: `colony mcp --task ID` takes a ready work task'] },
  // A real task in the wrong state is refused with the way forward.
  { where: 'board', args: ['approve', '1'], code: 1, mentions: ['task 1 is ready, not awaiting approval'] },
  { where: 'board', args: ['retry', '1'], code: 1, mentions: ['task 1 is ready; it cannot become ready'] },
  { where: 'board', args: ['revert', '1', '--reason', 'no'], code: 1, mentions: ['task 1 is ready; it cannot become reverted'] },
  { where: 'board', args: ['diff', '1'], code: 1, mentions: ['task 1 is ready: no worker has taken it yet, so there is no change', 'fix: its change shows once a worker is on it'] },
  { where: 'board', args: ['diff', '2', '--json'], code: 1, mentions: ['task 2 is cancelled: nothing of it landed, so there is no change to show', 'colony task show 2'] },
  { where: 'board', args: ['cancel', '2'], code: 1, mentions: ['task 2 is cancelled; it cannot become cancelled', 'fix: a cancelled task is final'] },
  // A run that never started has nothing to pause or resume.
  { where: 'board', args: ['pause'], code: 1, mentions: ['run 1 is pending (not started yet); cannot pause', 'fix: run 1 has not started yet'] },
  { where: 'board', args: ['resume'], code: 1, mentions: ['run 1 is pending (not started yet); cannot resume', 'colony run --goal'] },

  // ---- bad numbers
  ...['abc', '0', '-3', '1e9', '1.5'].map((workers): Case => ({
    where: 'board',
    args: ['run', '--workers', workers],
    code: 2,
    mentions: [`--workers must be a whole number from 1 to 1000, got "${workers}"`, 'fix: for example --workers 8'],
  })),
  ...['1001'].map((workers): Case => ({ where: 'board', args: ['worker', '--workers', workers], code: 2, mentions: [`--workers must be a whole number from 1 to 1000, got "${workers}"`] })),
  ...['1e3', '2000000'].map((priority): Case => ({ where: 'board', args: ['task', 'add', 'x', '--priority', priority], code: 2, mentions: [`--priority must be a whole number from -1000000 to 1000000, got "${priority}"`] })),
  ...['0', 'many'].map((attempts): Case => ({ where: 'board', args: ['task', 'add', 'x', '--max-attempts', attempts], code: 2, mentions: [`--max-attempts must be a whole number from 1 to 100, got "${attempts}"`] })),
  ...['0', 'ten'].map((limit): Case => ({ where: 'board', args: ['log', '--limit', limit], code: 2, mentions: [`--limit must be a whole number from 1 to 100000, got "${limit}"`] })),
  ...['-1'].map((after): Case => ({ where: 'board', args: ['events', '--after', after], code: 2, mentions: [`--after must be a whole number from 0 to`, `got "${after}"`] })),
  { where: 'board', args: ['serve', '--port', 'http'], code: 2, mentions: ['--port', 'http'] },
  ...[['memory'], ['memory', 'search', 'dates']].map((args): Case => ({ where: 'board', args: [...args, '--limit', '0'], code: 2, mentions: ['--limit must be a whole number from 1 to 100000, got "0"'] })),

  // ---- bad options: unknown, missing, contradictory
  ...[['init'], ['run'], ['task', 'add', 'x'], ['task', 'show', '1'], ['events'], ['approvals'], ['models'], ['sandbox', 'status'], ['serve'], ['memory'], ['memory', 'add', 'x'], ['diff', '1']].map(
    (args): Case => ({ where: 'board', args: [...args, '--bogus'], code: 2, mentions: unknownOption('--bogus', args.filter((arg) => !/^\d|^x$/.test(arg)).join(' ')) }),
  ),
  { where: 'board', args: ['bogus'], code: 2, mentions: ["unknown command 'bogus'", 'fix: see `colony --help`'] },
  { where: 'outside', args: ['completion', 'powershell'], code: 2, mentions: ["'powershell' is invalid for argument 'shell'", 'Allowed choices are bash, zsh, fish', 'fix: see `colony completion --help`'] },
  { where: 'board', args: ['completion'], code: 2, mentions: ["missing required argument 'shell'"] },
  { where: 'board', args: ['task'], code: 2, mentions: ['name what `colony task` should do', 'fix: colony task add|list|show|cancel'] },
  { where: 'board', args: ['task', 'remove', '1'], code: 2, mentions: ['unknown command "colony task remove"', 'colony task add|list|show|cancel'] },
  { where: 'board', args: ['sandbox'], code: 2, mentions: ['name what `colony sandbox` should do', 'colony sandbox status|exec'] },
  { where: 'board', args: ['sandbox', 'run', 'ls'], code: 2, mentions: ['unknown command "colony sandbox run"'] },
  { where: 'board', args: ['sandbox', 'exec'], code: 2, mentions: ["missing required argument 'command'"] },
  { where: 'board', args: ['task', 'add'], code: 2, mentions: ["missing required argument 'title'"] },
  { where: 'board', args: ['diff'], code: 2, mentions: ["missing required argument 'task'"] },
  { where: 'board', args: ['diff', '1', '2'], code: 2, mentions: ["too many arguments for 'diff'"] },
  { where: 'board', args: ['steer'], code: 2, mentions: ["missing required argument 'text'"] },
  { where: 'board', args: ['reject', '1'], code: 2, mentions: ["required option '--reason <text>' not specified"] },
  { where: 'board', args: ['run', '--workers'], code: 2, mentions: ["option '--workers <n>' argument missing"] },
  { where: 'board', args: ['pause', 'now'], code: 2, mentions: ["too many arguments for 'pause'"] },
  { where: 'board', args: ['approve'], code: 2, mentions: ['name the task, or the command with --command ID'] },
  { where: 'board', args: ['approve', '1', '--command', '2'], code: 2, mentions: ['name the task 1 or the command 2, not both'] },
  { where: 'board', args: ['task', 'list', '--status', 'sleeping'], code: 2, mentions: ['unknown task status "sleeping"', 'fix: use one of: proposed'] },
  { where: 'board', args: ['task', 'add', 'x', '--kind', 'epic'], code: 2, mentions: ['unknown task kind "epic"', 'fix: use one of: plan, work'] },
  { where: 'board', args: ['memory', '--kind', 'idea'], code: 2, mentions: ['unknown memory kind "idea"', memoryKindsHint] },
  { where: 'board', args: ['memory', 'search', 'dates', '--kind', 'steer,rumour'], code: 2, mentions: ['unknown memory kind "rumour"', memoryKindsHint] },
  { where: 'board', args: ['memory', 'add'], code: 2, mentions: ["missing required argument 'text'"] },
  { where: 'board', args: ['memory', 'search'], code: 2, mentions: ["missing required argument 'query'"] },
  { where: 'board', args: ['memory', 'show'], code: 2, mentions: ["missing required argument 'id'"] },
  { where: 'board', args: ['memory', 'remember', 'x'], code: 2, mentions: ['unknown command "colony memory remember"', 'fix: colony memory [search|show|add|forget]'] },
  { where: 'board', args: ['run', '--goal', 'x', '--goal-file', 'goal.txt'], code: 2, mentions: ['give --goal or --goal-file, not both'] },
  { where: 'board', args: ['run', '--goal', 'x', '--model', 'gpt-5'], code: 2, mentions: ['--model "gpt-5" is not provider:model'] },
  { where: 'board', args: ['worker', '--model', 'local'], code: 2, mentions: ['--worker-model "local" is not provider:model'] },

  // ---- bad paths: files that are not there, scopes that leave the repository
  { where: 'board', args: ['run', '--goal-file', 'missing.txt'], code: 2, mentions: ['cannot read the goal file "missing.txt": there is no such file', 'fix: give the path of a text file'] },
  { where: 'board', args: ['run', '--goal-file', '.git'], code: 2, mentions: ['cannot read the goal file ".git": it is a directory'] },
  { where: 'board', args: ['run', '--goal-file', 'empty-goal.txt'], code: 2, mentions: ['the goal in "empty-goal.txt" is empty'] },
  { where: 'board', args: ['run', '--goal-file', 'binary-goal.bin'], code: 2, mentions: ['the goal contains a control character'] },
  ...['../../etc/**', 'src/../../x'].map((scope): Case => ({ where: 'board', args: ['task', 'add', 'x', '--scope', scope], code: 2, mentions: [`the scope "${scope}" leads out of the repository through ".."`, 'fix: write a path or glob relative to the repository root'] })),
  ...['/etc/passwd'].map((scope): Case => ({ where: 'board', args: ['task', 'add', 'x', '--scope', scope], code: 2, mentions: [`the scope "${scope}" is an absolute path`] })),
  { where: 'board', args: ['task', 'add', 'x', '--scope', '~/.ssh/**'], code: 2, mentions: ['is in the home directory'] },
  { where: 'board', args: ['task', 'add', 'x', '--scope', '.git/hooks/**'], code: 2, mentions: ["names git's own files (.git)"] },
  { where: 'board', args: ['task', 'add', 'x', '--scope', ''], code: 2, mentions: ['the scope "" is empty'] },
  { where: 'board', args: ['memory', 'add', 'x', '--file', '../../etc/passwd'], code: 2, mentions: ['the file "../../etc/passwd" leads out of the repository through ".."', 'fix: write a path relative to the repository root'] },
  { where: 'board', args: ['memory', 'add', 'x', '--file', '.git/config'], code: 2, mentions: ['the file ".git/config" names git\'s own files (.git)'] },
  { where: 'board', args: ['memory', '--file', '/etc'], code: 2, mentions: ['the file "/etc" is an absolute path'] },
  { where: 'board', args: ['task', 'add', 'x', '--accept', ''], code: 2, mentions: ['acceptance command 1 is empty', 'fix: give a shell command'] },
  { where: 'board', args: ['task', 'add', 'x', '--accept', 'npm test', '--accept', '  '], code: 2, mentions: ['acceptance command 2 is empty'] },

  // ---- over-long and control-character text
  { where: 'board', args: ['task', 'add', long(10_000)], code: 2, mentions: ['the title is 10000 characters long; at most 200 are allowed'] },
  { where: 'board', args: ['task', 'add', 'Parse \u001b[31mdates'], code: 2, mentions: ['the title contains a control character or a line break'] },
  { where: 'board', args: ['task', 'add', 'two\nlines'], code: 2, mentions: ['the title contains a control character or a line break'] },
  { where: 'board', args: ['task', 'add', ''], code: 2, mentions: ['the task title is empty'] },
  { where: 'board', args: ['task', 'add', 'x', '--description', long(30_000)], code: 2, mentions: ['the description is 30000 characters long; at most 20000 are allowed'] },
  { where: 'board', args: ['task', 'add', 'x', '--description', 'bell \u0007'], code: 2, mentions: ['the description contains a control character'] },
  { where: 'board', args: ['task', 'add', 'x', '--accept', long(3_000, 'true; ')], code: 2, mentions: ['acceptance command 1 is 3000 characters long'] },
  { where: 'board', args: ['task', 'add', 'x', '--scope', long(600, 'src/')], code: 2, mentions: ['is 600 characters long; at most 500'] },
  { where: 'board', args: ['steer', long(100 * 1024, 'spam.')], code: 2, mentions: ['the steering message is 102400 characters long; at most 10000 are allowed'] },
  { where: 'board', args: ['steer', 'clear the screen \u001b[2J'], code: 2, mentions: ['the steering message contains a control character'] },
  { where: 'board', args: ['steer', '  '], code: 2, mentions: ['the steering message is empty'] },
  { where: 'board', args: ['memory', 'add', long(10_001)], code: 2, mentions: ['the instruction is 10001 characters long; at most 10000 are allowed'] },
  { where: 'board', args: ['memory', 'add', 'always \u001b]52;c;cHduZWQ=\u0007'], code: 2, mentions: ['the instruction contains a control character'] },
  { where: 'board', args: ['memory', 'add', ' ', ' '], code: 2, mentions: ['the instruction is empty'] },
  { where: 'board', args: ['memory', 'search', 'dates\nparser'], code: 2, mentions: ['the query contains a control character or a line break'] },
  { where: 'board', args: ['run', '--goal', long(60_000)], code: 2, mentions: ['the goal is 60000 characters long; at most 50000 are allowed'] },
  { where: 'board', args: ['cancel', '1', '--reason', long(3_000)], code: 2, mentions: ['--reason is 3000 characters long; at most 2000'] },
  { where: 'board', args: ['task', 'cancel', '1', '--reason', 'x\u001b]0;pwned\u0007'], code: 2, mentions: ['--reason contains a control character'] },
  { where: 'board', args: ['revert', '1', '--reason', long(2_001)], code: 2, mentions: ['--reason is 2001 characters long'] },

  // ---- taking the result home: adopt refuses what it must not merge into, pr what it cannot push
  { where: 'outside', args: ['adopt'], code: 1, mentions: notInRepository },
  { where: 'fresh', args: ['adopt'], code: 1, mentions: notSetUp },
  { where: 'outside', args: ['pr'], code: 1, mentions: notInRepository },
  { where: 'fresh', args: ['pr'], code: 1, mentions: notSetUp },
  { where: 'dirty', args: ['adopt'], code: 1, mentions: ['main has uncommitted changes: README.md (modified), src/parse.ts (staged); colony adopt never merges over them', 'fix: commit them'] },
  { where: 'dirty', args: ['adopt', '--no-commit', '--json'], code: 1, mentions: ['main has uncommitted changes'] },
  { where: 'detached', args: ['adopt'], code: 1, mentions: ['HEAD is detached in', 'there is no branch to bring colony/main into', 'fix: switch to the branch that should get the work'] },
  { where: 'retargeted', args: ['adopt'], code: 1, mentions: ['colony.json names the target "nope/missing", but run 1 lands its work on "colony/main"'] },
  { where: 'branch-gone', args: ['adopt'], code: 1, mentions: ['the target branch "colony/main" (colony.json "target") does not exist'] },
  { where: 'board', args: ['adopt', '--ff-only', '--no-commit'], code: 2, mentions: ['give --ff-only or --no-commit, not both'] },
  { where: 'board', args: ['adopt', 'main'], code: 2, mentions: ["too many arguments for 'adopt'"] },
  { where: 'board', args: ['adopt', '--bogus'], code: 2, mentions: unknownOption('--bogus', 'adopt') },
  { where: 'board', args: ['pr'], code: 1, mentions: ['this repository has no git remote named origin', 'fix: add one (`git remote add origin URL`)'] },
  { where: 'board', args: ['pr', '--remote=--upload-pack=touch pwned'], code: 1, mentions: ['this repository has no git remote named --upload-pack=touch pwned'] },
  { where: 'board', args: ['pr', '--branch', 'a..b'], code: 2, mentions: ['--branch: "a..b" is not a valid branch name: it contains ".."'] },
  { where: 'board', args: ['pr', '--base', 'refs/heads/main'], code: 2, mentions: ['drop the "refs/heads/" prefix: "main"'] },
  { where: 'board', args: ['pr', '--branch', 'same', '--base', 'same'], code: 2, mentions: ['--branch and --base are both same'] },
  { where: 'board', args: ['pr', '--remote'], code: 2, mentions: ["option '--remote <name>' argument missing"] },
  { where: 'retargeted', args: ['pr'], code: 1, mentions: ['colony.json names the target "nope/missing", but run 1 lands its work on "colony/main"'] },

  // ---- bad colony.json: the file and the key are named, nothing changes (exit 1)
  ...brokenConfigs.flatMap(({ name, mentions, commands }) => commands.map((args): Case => ({ where: `config:${name}`, args, code: 1, mentions: ['colony.json: ', ...mentions] }))),

  // ---- a bad target
  ...[['status'], ['task', 'add', 'x'], ['run'], ['worker'], ['revert', '1', '--reason', 'x'], ['init'], ['diff', '1']].map((args): Case => ({
    where: 'retargeted',
    args,
    code: 1,
    mentions: ['colony.json names the target "nope/missing", but run 1 lands its work on "colony/main"', 'set "target" in colony.json back to "colony/main"'],
  })),
  ...[['run', '--goal', 'x'], ['log'], ['sandbox', 'exec', '--', 'true'], ['diff', '1']].map((args): Case => ({
    where: 'branch-gone',
    args,
    code: 1,
    mentions: ['the target branch "colony/main" (colony.json "target") does not exist', 'fix: set "target" in colony.json to an existing branch, or run `colony init`'],
  })),
  { where: 'board', args: ['init', '--target', 'refs/heads/agents'], code: 2, mentions: ['"refs/heads/agents" is a full ref name', 'fix: drop the "refs/heads/" prefix: "agents"'] },
  { where: 'board', args: ['init', '--target', long(300)], code: 2, mentions: ['is 300 characters long; at most 200 are allowed'] },
  { where: 'board', args: ['init', '--target', 'my branch'], code: 2, mentions: ['"my branch" is not a valid branch name'] },
  { where: 'board', args: ['init', '--target', ''], code: 2, mentions: ['"" is not a valid branch name: it is empty'] },
  { where: 'board', args: ['init', '--target', 'a..b'], code: 2, mentions: ['it contains ".."'] },
  { where: 'board', args: ['init', '--target', 'x.lock'], code: 2, mentions: ['ends with ".lock"'] },
  { where: 'board', args: ['init', '--target', 'other'], code: 1, mentions: ['--target other disagrees with', 'sets "target" to "colony/main"', 'fix: to change the target, set "target": "other" in colony.json'] },
  { where: 'fresh', args: ['init', '--target', 'refs/heads/main'], code: 2, mentions: ['drop the "refs/heads/" prefix: "main"'] },
  { where: 'fresh', args: ['init', '--target', 'main'], code: 1, mentions: ['the target branch main is checked out'] },

  // ---- the sandbox colony.json asks for cannot be had here
  ...[['sandbox', 'status'], ['sandbox', 'exec', '--', 'true'], ['run', '--goal', 'x']].map((args): Case => ({
    where: 'bubblewrap',
    args,
    code: 1,
    mentions: ['colony.json sets "sandbox.mode" to "bubblewrap", but bubblewrap cannot be used here', 'fix: install bubblewrap', 'set "sandbox.mode" to "auto"'],
  })),
]

/** The colony.json of each `config:` repository. */
const configTexts = new Map(brokenConfigs.map(({ name, text }) => [`config:${name}` as const, text]))

/** What a directory that is not a working tree holds: every path, with a hash of each file. */
async function treeState(root: string): Promise<string> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  const lines = await Promise.all(
    entries.map(async (entry) => {
      const path = join(entry.parentPath, entry.name)
      if (!entry.isFile()) return `${path.slice(root.length)} ${entry.isDirectory() ? 'dir' : 'other'}`
      return `${path.slice(root.length)} ${createHash('sha256').update(await readFile(path)).digest('hex')}`
    }),
  )
  return lines.sort().join('\n')
}

const stateOf = (where: Where, root: string) => (where === 'outside' || where === 'bare' || where === 'empty' ? treeState(root) : Promise.resolve(repositoryState(root)))

describe('bad input to every colony command: a clean refusal that changes nothing', () => {
  const roots = new Map<Where, string>()
  const before = new Map<Where, string>()
  let scratch: string
  /** A directory holding only git: a PATH on which bwrap cannot be found. */
  let gitOnlyPath: string
  // PERF: every case starts a CLI process; Node's compile cache halves the start-up of each.
  let cliEnvironment: Record<string, string>

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'colony-hostile-cli-'))
    cliEnvironment = { NODE_COMPILE_CACHE: join(scratch, 'compile-cache') }
    const run = async (cwd: string, args: string[]) => {
      const result = await colony(cwd, args, cliEnvironment)
      if (result.code !== 0) throw new Error(`colony ${args.join(' ')} failed in the setup: ${result.stderr}`)
      return result
    }

    const board = await createTempRepository({ 'README.md': '# sample\n', 'src/parse.ts': 'export {}\n' })
    await run(board.root, ['init'])
    await run(board.root, ['task', 'add', 'Parse dates', '--accept', 'true', '--scope', 'src/**'])
    await run(board.root, ['task', 'add', 'Not needed'])
    await run(board.root, ['task', 'cancel', '2'])
    await writeFile(join(board.root, 'empty-goal.txt'), '  \n')
    await writeFile(join(board.root, 'binary-goal.bin'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00]))
    roots.set('board', board.root)

    const copyOfBoard = async (name: string) => {
      const root = join(scratch, name.replace(/[^a-z-]/g, '-'))
      await execFileAsync('cp', ['-a', board.root, root])
      return root
    }
    for (const [where, text] of configTexts) {
      const root = await copyOfBoard(where)
      await rm(join(root, 'colony.json'))
      await writeFile(join(root, 'colony.json'), text)
      roots.set(where, root)
    }
    const setConfig = async (root: string, change: Record<string, unknown>) => {
      const config = JSON.parse(await readFile(join(root, 'colony.json'), 'utf8')) as Record<string, unknown>
      await writeFile(join(root, 'colony.json'), JSON.stringify({ ...config, ...change }, null, 2))
    }
    const retargeted = await copyOfBoard('retargeted')
    await setConfig(retargeted, { target: 'nope/missing' })
    roots.set('retargeted', retargeted)
    const branchGone = await copyOfBoard('branch-gone')
    await git(branchGone, ['branch', '-D', 'colony/main'])
    roots.set('branch-gone', branchGone)
    const bubblewrap = await copyOfBoard('bubblewrap')
    await setConfig(bubblewrap, { sandbox: { mode: 'bubblewrap' } })
    roots.set('bubblewrap', bubblewrap)
    const dirty = await copyOfBoard('dirty')
    await writeFile(join(dirty, 'README.md'), '# sample\n\nan unsaved thought\n')
    await writeFile(join(dirty, 'src/parse.ts'), 'export const parse = 1\n')
    await git(dirty, ['add', 'src/parse.ts'])
    roots.set('dirty', dirty)
    const detached = await copyOfBoard('detached')
    await git(detached, ['switch', '-q', '--detach', 'main'])
    roots.set('detached', detached)
    gitOnlyPath = join(scratch, 'git-only-bin')
    await mkdir(gitOnlyPath)
    const { stdout: gitProgram } = await execFileAsync('sh', ['-c', 'command -v git'])
    await symlink(gitProgram.trim(), join(gitOnlyPath, 'git'))

    const fresh = await createTempRepository()
    roots.set('fresh', fresh.root)
    const squatted = join(scratch, 'squatted')
    await execFileAsync('cp', ['-a', fresh.root, squatted])
    await writeFile(join(squatted, '.colony'), 'not a directory\n')
    roots.set('squatted', squatted)
    const outside = join(scratch, 'outside')
    await mkdir(outside)
    await writeFile(join(outside, 'notes.txt'), 'not a repository\n')
    roots.set('outside', outside)
    const bare = join(scratch, 'bare.git')
    await execFileAsync('git', ['init', '-q', '--bare', bare])
    roots.set('bare', bare)
    const empty = join(scratch, 'empty')
    await mkdir(empty)
    await git(empty, ['init', '-q'])
    roots.set('empty', empty)

    for (const [where, root] of roots) before.set(where, await stateOf(where, root))
  })

  afterAll(async () => {
    for (const root of [roots.get('board'), roots.get('fresh'), scratch]) if (root) await rm(root, { recursive: true, force: true })
  })

  it('covers every command in the help', async () => {
    const help = await colony(tmpdir(), ['--help'], cliEnvironment)
    const listed = [...help.stdout.matchAll(/^ {2}([a-z-]+) /gm)].map((match) => match[1]!).filter((name) => name !== 'help')
    const covered = new Set(cases.map((entry) => entry.args[0]))
    const elsewhere = ['demo', 'scripted-model'] // their owners' suites cover their input
    expect(listed.filter((name) => !covered.has(name) && !elsewhere.includes(name))).toEqual([])
    expect(cases.length).toBeGreaterThanOrEqual(100)
  })

  it('moves a run that has not started to the target colony.json names now, and says so', async () => {
    const repository = await createTempRepository()
    try {
      expect((await colony(repository.root, ['init'], cliEnvironment)).code).toBe(0)
      const config = JSON.parse(await readFile(join(repository.root, 'colony.json'), 'utf8')) as Record<string, unknown>
      await writeFile(join(repository.root, 'colony.json'), JSON.stringify({ ...config, target: 'agents/main' }))
      const moved = await colony(repository.root, ['init'], cliEnvironment)
      expect(moved.stderr).toBe('')
      expect(moved.stdout).toContain('target:  agents/main (created from HEAD at')
      expect(moved.stdout).toContain('the run, not started yet, moved here from colony/main')
      expect(JSON.parse((await colony(repository.root, ['status', '--json'], cliEnvironment)).stdout)).toMatchObject({ run: { id: 1, target: 'agents/main' } })
      expect(await git(repository.root, ['rev-parse', 'agents/main'])).toBe(await git(repository.root, ['rev-parse', 'HEAD']))
    } finally {
      await repository.dispose()
    }
  })

  it.concurrent.each(cases.map((entry) => [`${entry.where}: colony ${describeArgs(entry.args)}`, entry] as const))('%s', async (_name, entry) => {
    const root = roots.get(entry.where)!
    const env = { ...cliEnvironment, ...entry.env, ...(entry.where === 'bubblewrap' && { PATH: gitOnlyPath }) }
    const result: CliResult = await colony(root, entry.args, env)
    expectCleanFailure(result, entry)
    expect(await stateOf(entry.where, root), 'the repository changed').toBe(before.get(entry.where))
  })
})

function describeArgs(args: string[]): string {
  return args.map((arg) => (arg.length > 40 ? `<${arg.length} characters>` : JSON.stringify(arg).slice(1, -1))).join(' ')
}
