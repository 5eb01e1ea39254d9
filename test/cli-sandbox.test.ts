import { spawn } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, type TestContext } from 'vitest'
import { probeBubblewrap } from '../src/sandbox/index.ts'
import { cliEntry, colony, createTempRepository } from './support/cli.ts'

function startColony(cwd: string, args: string[]) {
  const child = spawn(process.execPath, [cliEntry, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const done = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })))
  return { done }
}

async function pendingCommand(cwd: string): Promise<{ id: number; subject: string }> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const listed = JSON.parse((await colony(cwd, ['approvals', '--json'])).stdout) as { commands: { id: number; subject: string }[] }
    if (listed.commands[0]) return listed.commands[0]
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('no command request appeared')
}

// PERF: each test has its own repository, and mostly waits on CLI and git processes: they run at once.
describe.concurrent('colony sandbox and command approvals', () => {
  /** A repository with Colony set up and a policy that holds `echo deploy*` for approval, removed when the test ends. */
  async function setUp(onTestFinished: TestContext['onTestFinished']) {
    const repo = await createTempRepository({ 'README.md': '# sample\n', 'colony.json': JSON.stringify({ sandbox: { approve: ['echo deploy*'] } }) })
    onTestFinished(() => repo.dispose())
    expect((await colony(repo.root, ['init'])).code).toBe(0)
    return repo
  }

  it('reports the mode and what it guarantees', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    const status = JSON.parse((await colony(repo.root, ['sandbox', 'status', '--json'])).stdout) as { mode: string; guarantees: string[]; notCovered: string[]; policy: { approve: string[] } }
    expect(status.mode).toBe(probeBubblewrap().available ? 'bubblewrap' : 'host')
    expect(status.guarantees).toContain('limits')
    expect(status.notCovered.length + status.guarantees.length).toBe(7)
    expect(status.policy.approve).toEqual(['echo deploy*'])
    expect((await colony(repo.root, ['sandbox', 'status'])).stdout).toMatch(/^mode: /)
    expect(JSON.parse((await colony(repo.root, ['sandbox', 'status', '--json'])).stdout)).toMatchObject({ agentClisWithNetwork: [] })
  })

  it('says that agent CLIs run with the network and their model\'s key, and so does what they run', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    await writeFile(join(repo.root, 'colony.json'), JSON.stringify({ agents: { worker: [{ cli: 'claude-code', model: 'anthropic:claude-sonnet-4-5' }, { cli: 'codex', model: 'openai:gpt-5.5' }], judge: { cli: 'qwen-code', model: 'openai:gpt-5.5' } } }))
    const status = JSON.parse((await colony(repo.root, ['sandbox', 'status', '--json'])).stdout) as { agentClisWithNetwork: string[] }
    expect(status.agentClisWithNetwork).toEqual(['judge qwen-code', 'worker claude-code', 'worker codex'])
    expect((await colony(repo.root, ['sandbox', 'status'])).stdout).toContain("agent CLIs (judge qwen-code, worker claude-code, worker codex): run with the network and their model's key")
  })

  it('runs a command in a scratch worktree of the target and refuses what the policy refuses', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    const listed = await colony(repo.root, ['sandbox', 'exec', '--', 'cat README.md && git status --short | wc -l'])
    expect(listed.code).toBe(0)
    expect(listed.stdout).toContain('# sample')
    expect(listed.stderr).toMatch(/sandbox: exit 0/)
    const refused = await colony(repo.root, ['sandbox', 'exec', '--', 'git push origin colony/main'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('matches "git push*" in the sandbox.refuse policy')
    const events = (await colony(repo.root, ['events', '--json'])).stdout
    expect(events).toContain('"command-refused"')
    expect(await readFile(join(repo.root, 'README.md'), 'utf8')).toBe('# sample\n')
  })

  it('prepares the scratch worktree as an agent\'s: linked dependencies are there, copied files too', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    // An ignored dependency directory, as `npm install` leaves it, and an ignored local settings file.
    await writeFile(join(repo.root, '.gitignore'), 'deps/\n.env.local\n')
    await mkdir(join(repo.root, 'deps', 'tool'), { recursive: true })
    await writeFile(join(repo.root, 'deps', 'tool', 'index.js'), 'module.exports = 42\n')
    await writeFile(join(repo.root, '.env.local'), 'LOCAL=1\n')
    await writeFile(join(repo.root, 'colony.json'), JSON.stringify({ workspace: { link: ['deps'], copy: ['.env.local'] } }))
    const result = await colony(repo.root, ['sandbox', 'exec', '--', 'cat deps/tool/index.js .env.local'])
    expect(result.stderr).toContain('exit 0')
    expect(result.stdout).toBe('module.exports = 42\nLOCAL=1\n')
  })

  it('holds a command that needs approval until a person approves or rejects it', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    const approved = startColony(repo.root, ['sandbox', 'exec', '--', 'echo deploy now'])
    const request = await pendingCommand(repo.root)
    expect(request.subject).toBe('echo deploy now')
    expect((await colony(repo.root, ['approvals'])).stdout).toContain(`colony approve --command ${request.id}`)
    expect((await colony(repo.root, ['approve', '--command', String(request.id)])).stdout).toContain('approved')
    const ran = await approved.done
    expect(ran.code).toBe(0)
    expect(ran.stdout).toContain('deploy now')

    const rejected = startColony(repo.root, ['sandbox', 'exec', '--', 'echo deploy again'])
    const second = await pendingCommand(repo.root)
    expect((await colony(repo.root, ['reject', '--command', String(second.id), '--reason', 'not on a Friday'])).code).toBe(0)
    const refused = await rejected.done
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('A person rejected this command')
    expect(refused.stderr).toContain('not on a Friday')
    expect((await colony(repo.root, ['approve', '--command', String(second.id)])).stderr).toContain('already rejected')
  })
})
