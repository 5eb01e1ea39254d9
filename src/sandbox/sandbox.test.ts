import { createServer, type Server } from 'node:http'
import { readdirSync, readFileSync, realpathSync } from 'node:fs'
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTempRepository, git } from '../../test/support/cli.ts'
import { openStore } from '../store/index.ts'
import { createSandbox, probeBubblewrap, type Guarantee, type SandboxMode, type SandboxPolicy } from './index.ts'

const secrets = {
  OPENAI_API_KEY: 'sk-proj-test0123456789abcdefghijklmnop',
  GITHUB_TOKEN: 'ghp_testtesttesttesttesttesttesttesttest12',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  DEPLOY_PASSWORD: 'correct-horse-battery-staple',
  SSH_AUTH_SOCK: '/tmp/ssh-agent-test.sock',
}

/** Processes whose environment carries the token: read straight from /proc, independently of the sandbox's own bookkeeping. */
function survivors(token: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`COLONY_TEST_TOKEN=${token}`)
      } catch {
        return false
      }
    })
    .map(Number)
}

const bubblewrap = probeBubblewrap()

describe.each<SandboxMode>(['bubblewrap', 'host'])('sandbox in %s mode', (mode) => {
  const available = mode === 'host' || bubblewrap.available
  const policy = (overrides: Partial<SandboxPolicy> = {}): SandboxPolicy => ({
    network: false, readable: [], writable: [], env: ['COLONY_TEST_TOKEN'], memoryMb: 256, processes: 64, outputBytes: 20_000, approve: [], refuse: [], ...overrides,
  })
  const claimed = available ? createSandbox({ repositoryRoot: '/', policy: policy(), mode }).guarantees : []
  /** Runs a case where this sandbox claims it; elsewhere the case is reported as skipped, with "not covered" and why in its name. */
  const claim = (guarantee: Guarantee, name: string, body: () => Promise<void>, timeout = 30_000) =>
    claimed.includes(guarantee) ? it(name, body, timeout) : it.skip(`${name} [not covered: ${available ? `${mode} mode here makes no ${guarantee} claim` : bubblewrap.available ? '' : bubblewrap.reason}]`, body)

  let repository: Awaited<ReturnType<typeof createTempRepository>>
  let worktree: string
  let home: string
  let token: string
  let server: Server
  let port: number
  let connections = 0

  const sandboxFor = (overrides: Partial<SandboxPolicy> = {}) =>
    createSandbox({
      repositoryRoot: repository.root,
      policy: policy(overrides),
      mode,
      graceMs: 200,
      environment: { PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8', COLONY_TEST_TOKEN: token, ...secrets },
    })
  const run = (command: string, overrides: Partial<SandboxPolicy> = {}, timeoutMs = 10_000) => sandboxFor(overrides).run(command, { cwd: worktree, timeoutMs })
  const runWithPath = (path: string, command: string) =>
    createSandbox({ repositoryRoot: repository.root, policy: policy(), mode, environment: { PATH: path, HOME: home, COLONY_TEST_TOKEN: token } }).run(command, { cwd: worktree, timeoutMs: 10_000 })

  beforeAll(async () => {
    token = `t${Math.random().toString(36).slice(2)}`
    repository = await createTempRepository({ 'README.md': '# sample\n' })
    worktree = join(repository.root, '.colony', 'worktrees', 'task-1')
    await git(repository.root, ['worktree', 'add', '-q', '-b', 'colony/task/1', worktree])
    home = join(repository.root, '..', `${token}-home`)
    await mkdir(home, { recursive: true })
    server = createServer((request, response) => response.end('hello from the host'))
    server.on('connection', () => connections++)
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
    port = (server.address() as { port: number }).port
  })
  afterAll(async () => {
    server?.close()
    expect(survivors(token)).toEqual([])
    await repository?.dispose()
    await rm(home, { recursive: true, force: true })
    await rm(join(home, '..', `${token}-tools`), { recursive: true, force: true })
  })

  claim('filesystem', 'runs programs from PATH directories inside hidden trees, through their symlinks', async () => {
    const tools = join(repository.root, '..', `${token}-tools`)
    await mkdir(join(tools, 'node_modules', '.bin'), { recursive: true })
    await mkdir(join(tools, 'node_modules', 'greeter'), { recursive: true })
    await writeFile(join(tools, 'node_modules', 'greeter', 'greet.sh'), '#!/bin/sh\necho hello from greeter\n', { mode: 0o755 })
    await symlink('../greeter/greet.sh', join(tools, 'node_modules', '.bin', 'greet'))
    const result = await runWithPath(`${join(tools, 'node_modules', '.bin')}:${process.env.PATH}`, 'greet')
    expect(result.output).toBe('hello from greeter\n')
  })

  claim('filesystem', 'runs a Node.js kept in HOME (nvm style): its node, and npm, a script inside its package', async () => {
    const prefix = join(home, '.nvm', 'versions', 'node', 'v0')
    const npm = join(prefix, 'lib', 'node_modules', 'npm')
    await mkdir(join(prefix, 'bin'), { recursive: true })
    await mkdir(join(npm, 'bin'), { recursive: true })
    await mkdir(join(npm, 'lib'), { recursive: true })
    await writeFile(join(npm, 'package.json'), '{ "name": "npm", "version": "0.0.0-test" }\n')
    await writeFile(join(npm, 'lib', 'cli.js'), 'module.exports = () => console.log("npm", require("../package.json").version)\n')
    await writeFile(join(npm, 'bin', 'npm-cli.js'), '#!/usr/bin/env node\nrequire("../lib/cli.js")()\n', { mode: 0o755 })
    await symlink('../lib/node_modules/npm/bin/npm-cli.js', join(prefix, 'bin', 'npm'))
    await symlink(realpathSync(process.execPath), join(prefix, 'bin', 'node'))
    // /usr/bin holds another node: a sandbox that lost this one would run that one instead.
    const result = await runWithPath(`${join(prefix, 'bin')}:/usr/bin:/bin`, `node --version; npm; [ "$(command -v node)" = ${join(prefix, 'bin', 'node')} ] && echo found in HOME`)
    expect(result.output).toBe(`${process.version}\nnpm 0.0.0-test\nfound in HOME\n`)
  })

  claim('filesystem', 'runs a tool manager whose PATH entry leads to a directory of sibling programs (pyenv style), and shows nothing else of it', async () => {
    const manager = join(home, '.manager')
    await mkdir(join(manager, 'bin'), { recursive: true })
    await mkdir(join(manager, 'libexec'))
    await writeFile(join(manager, 'libexec', 'manager'), '#!/bin/sh\nhere=$(dirname "$(readlink -f "$0")")\nexec "$here/manager-$1"\n', { mode: 0o755 })
    await writeFile(join(manager, 'libexec', 'manager-version'), '#!/bin/sh\necho manager 1.0\n', { mode: 0o755 })
    await writeFile(join(manager, 'libexec', 'notes.txt'), 'the manager\'s private notes\n')
    await symlink('../libexec/manager', join(manager, 'bin', 'manager'))
    const result = await runWithPath(`${join(manager, 'bin')}:${process.env.PATH}`, `manager version; cat ${join(manager, 'libexec', 'notes.txt')}`)
    expect(result.output).toContain('manager 1.0\n')
    expect(result.output).not.toContain('private notes')
  })

  claim('filesystem', 'sees a tool added to a hidden PATH directory at the next command, and runs on when a tool\'s target is removed', async () => {
    const directory = join(home, 'fresh-bin')
    const path = `${directory}:/usr/bin:/bin`
    await mkdir(join(directory, 'package', 'bin'), { recursive: true })
    await writeFile(join(directory, 'package', 'bin', 'linked.sh'), '#!/bin/sh\necho linked\n', { mode: 0o755 })
    await symlink('package/bin/linked.sh', join(directory, 'linked'))
    expect((await runWithPath(path, 'linked')).output).toBe('linked\n')
    await writeFile(join(directory, 'added'), '#!/bin/sh\necho added\n', { mode: 0o755 })
    expect((await runWithPath(path, 'added')).output).toBe('added\n')
    // The PATH directory itself is unchanged, so what was read of it a moment ago still stands.
    await rm(join(directory, 'package', 'bin'), { recursive: true })
    const after = await runWithPath(path, 'added; echo still running')
    expect(after.output).toBe('added\nstill running\n')
  })

  claim('network', 'reaches the server when the config allows the network', async () => {
    const seen = connections
    const result = await run(`curl -s -m 3 http://127.0.0.1:${port}/; echo; node -e "fetch('http://127.0.0.1:${port}/').then(r => r.text()).then(console.log)"`, { network: true })
    expect(result.output.match(/hello from the host/g)).toHaveLength(2)
    expect(connections).toBeGreaterThanOrEqual(seen + 2)
  })

  claim('environment', 'passes none of the parent\'s secret variables', async () => {
    const result = await run('env')
    for (const [name, value] of Object.entries(secrets)) {
      expect(result.output).not.toContain(value)
      expect(result.output).not.toContain(`${name}=`)
    }
    expect(result.output).toContain('PATH=')
  })

  claim('redaction', 'redacts keys a command prints, in its output and in the stored transcript', async () => {
    const anthropicShaped = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789'
    const result = await run(`echo "key=${anthropicShaped}"; echo "known=${secrets.DEPLOY_PASSWORD}"`)
    expect(result.output).toContain('key=[redacted]')
    expect(result.output).toContain('known=[redacted:DEPLOY_PASSWORD]')
    const store = await openStore(join(repository.root, '.colony', 'redaction.db'))
    try {
      // The store redacts too: a raw key in a transcript or event never reaches the disk.
      await store.appendTranscript(1, [{ role: 'tool', content: { command: 'echo', output: result.output, raw: `echo ${anthropicShaped}` } }])
      await store.appendEvents([{ type: 'tool-call', data: { tool: 'run_command', input: {}, ok: true, output: `Authorization: Bearer ${secrets.GITHUB_TOKEN}` } }])
      const stored = JSON.stringify([await store.getTranscript(1), await store.listEvents()])
      expect(stored).not.toContain(anthropicShaped)
      expect(stored).not.toContain(secrets.GITHUB_TOKEN)
      expect(stored).toContain('[redacted')
    } finally {
      await store.close()
    }
  })
})
