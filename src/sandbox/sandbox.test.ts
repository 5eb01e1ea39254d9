import { createServer, type Server } from 'node:http'
import { readdirSync, readFileSync } from 'node:fs'
import { mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
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

async function snapshot(directory: string, skip: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name)
    if (path.startsWith(skip) || path.includes(`${join(directory, '.git')}/`) || !entry.isFile()) continue
    files[path] = await readFile(path, 'utf8')
  }
  return files
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
  let before: Record<string, string>
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

  beforeAll(async () => {
    token = `t${Math.random().toString(36).slice(2)}`
    repository = await createTempRepository({ 'README.md': '# sample\n', 'private-notes.txt': 'the user\'s own uncommitted thoughts\n' })
    worktree = join(repository.root, '.colony', 'worktrees', 'task-1')
    await git(repository.root, ['worktree', 'add', '-q', '-b', 'colony/task/1', worktree])
    home = join(repository.root, '..', `${token}-home`)
    await mkdir(join(home, '.ssh'), { recursive: true })
    await writeFile(join(home, '.ssh', 'id_ed25519'), 'PRIVATE KEY MATERIAL\n')
    before = await snapshot(repository.root, worktree)
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

  claim('filesystem', 'cannot read ~/.ssh, /etc/shadow or the user\'s main working tree', async () => {
    const result = await run(`cat "$HOME/.ssh/id_ed25519"; head -c 5 /etc/shadow; cat ${repository.root}/private-notes.txt; ls ${repository.root}`)
    expect(result.output).not.toContain('PRIVATE KEY MATERIAL')
    expect(result.output).not.toMatch(/root:/)
    expect(result.output).not.toContain('uncommitted thoughts')
    expect(result.output).not.toContain('README.md')
  })

  claim('filesystem', 'writes outside the worktree through .., an absolute path or a planted symlink change nothing outside it', async () => {
    await symlink(repository.root, join(worktree, 'escape'))
    const result = await run(`echo via-dots > ../../../victim-dots.txt; echo via-absolute > ${repository.root}/victim-absolute.txt; echo via-link > escape/victim-link.txt; echo overwritten > escape/README.md; echo inside > inside.txt; cat inside.txt`)
    expect(result.output).toContain('inside')
    expect(await readFile(join(worktree, 'inside.txt'), 'utf8')).toBe('inside\n')
    expect(await snapshot(repository.root, worktree)).toEqual(before)
  })

  claim('filesystem', 'runs programs from PATH directories inside hidden trees, through their symlinks', async () => {
    const tools = join(repository.root, '..', `${token}-tools`)
    await mkdir(join(tools, 'node_modules', '.bin'), { recursive: true })
    await mkdir(join(tools, 'node_modules', 'greeter'), { recursive: true })
    await writeFile(join(tools, 'node_modules', 'greeter', 'greet.sh'), '#!/bin/sh\necho hello from greeter\n', { mode: 0o755 })
    await symlink('../greeter/greet.sh', join(tools, 'node_modules', '.bin', 'greet'))
    const result = await createSandbox({
      repositoryRoot: repository.root,
      policy: policy(),
      mode,
      environment: { PATH: `${join(tools, 'node_modules', '.bin')}:${process.env.PATH}`, HOME: home, COLONY_TEST_TOKEN: token },
    }).run('greet', { cwd: worktree, timeoutMs: 10_000 })
    expect(result.output).toBe('hello from greeter\n')
  })

  claim('network', 'reaches no server on 127.0.0.1 with curl or fetch when the network is off', async () => {
    const seen = connections
    const result = await run(`curl -s -m 3 http://127.0.0.1:${port}/; echo curl-exit=$?; node -e "fetch('http://127.0.0.1:${port}/').then(r => r.text()).then(console.log, e => console.log('fetch failed:', e.cause?.code ?? e.message))"`)
    expect(result.output).toContain('curl-exit=7')
    expect(result.output).toContain('fetch failed')
    expect(result.output).not.toContain('hello from the host')
    expect(connections).toBe(seen)
  })

  claim('network', 'reaches the server when the config allows the network', async () => {
    const seen = connections
    const result = await run(`curl -s -m 3 http://127.0.0.1:${port}/; echo; node -e "fetch('http://127.0.0.1:${port}/').then(r => r.text()).then(console.log)"`, { network: true })
    expect(result.output.match(/hello from the host/g)).toHaveLength(2)
    expect(connections).toBeGreaterThanOrEqual(seen + 2)
  })

  claim('process-count', 'holds a fork bomb at its process limit, ends it, and leaves nothing running', async () => {
    const result = await run(`:(){ :|:& };:; sleep 1e9`, { processes: 32 }, 3_000)
    expect(['processes', 'time']).toContain(result.limit)
    expect(result.output).toMatch(/fork: .*(Resource temporarily unavailable|Cannot allocate memory)/)
    expect(survivors(token)).toEqual([])
  })

  claim('limits', 'ends sleep 1e9 at its time limit', async () => {
    const result = await run('sleep 1e9', {}, 1_000)
    expect(result.limit).toBe('time')
    expect(result.timedOut).toBe(true)
    expect(result.output).toContain('time limit of 1 s')
    expect(result.durationMs).toBeLessThan(8_000)
    expect(survivors(token)).toEqual([])
  })

  claim('limits', 'kills a process that ignores SIGTERM', async () => {
    const result = await run(`trap '' TERM; while :; do sleep 0.1; done`, {}, 1_000)
    expect(result.limit).toBe('time')
    expect(survivors(token)).toEqual([])
  })

  claim('limits', 'leaves no daemonized grandchild behind, whether the command ends on its own or at the time limit', async () => {
    const quick = await run(`setsid bash -c 'sleep 1e9' </dev/null >/dev/null 2>&1 & disown; echo started`)
    expect(quick.output).toContain('started')
    expect(quick.limit).toBeUndefined()
    expect(survivors(token)).toEqual([])
    const slow = await run(`(setsid nohup sleep 1e9 >/dev/null 2>&1 &); sleep 1e9`, {}, 1_000)
    expect(slow.limit).toBe('time')
    expect(survivors(token)).toEqual([])
  })

  claim('limits', 'ends an infinite output stream and keeps only the capped output', async () => {
    const result = await run('yes colony')
    expect(result.limit).toBe('output')
    expect(result.output.length).toBeLessThan(20_000 + 500)
    expect(result.output).toContain('bytes of output cut here')
  })

  claim('limits', 'ends a memory hog at its memory limit', async () => {
    const result = await run(`node -e "const a = []; for (;;) a.push(Buffer.alloc(1e6, 1))"`)
    expect(result.limit).toBe('memory')
    expect(result.output).toContain('more than 256 MB')
    expect(survivors(token)).toEqual([])
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
      await store.appendEvents([{ type: 'tool-call', data: { output: `Authorization: Bearer ${secrets.GITHUB_TOKEN}` } }])
      const stored = JSON.stringify([await store.getTranscript(1), await store.listEvents()])
      expect(stored).not.toContain(anthropicShaped)
      expect(stored).not.toContain(secrets.GITHUB_TOKEN)
      expect(stored).toContain('[redacted')
    } finally {
      await store.close()
    }
  })
})
