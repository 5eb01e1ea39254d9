import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { demoProject } from '../src/demo/index.ts'
import { createGit, targetLog } from '../src/git/index.ts'
import { startScriptedServer } from '../src/model/scripted/index.ts'
import { openStore } from '../src/store/index.ts'
import { colony, git } from './support/cli.ts'
import { createTestDatabase, postgresUnreachable } from './support/postgres.ts'
import { startColony } from './support/run-fixture.ts'
import { steadyScript } from './support/steady-script.ts'

const stores = [
  { name: 'one SQLite file', unreachable: undefined as string | undefined },
  { name: 'PostgreSQL, as across machines', unreachable: process.env.CI ? undefined : await postgresUnreachable() },
]

describe('a run across clones with the target on a git remote', () => {
  it('refuses a remote the repository does not have, saying how to add it', async ({ onTestFinished }) => {
    const base = await mkdtemp(join(tmpdir(), 'colony-remote-'))
    onTestFinished(() => rm(base, { recursive: true, force: true }))
    await git(base, ['init', '-q', '-b', 'main', 'repo'])
    const repo = join(base, 'repo')
    await writeFile(join(repo, 'README.md'), 'hi\n')
    await git(repo, ['add', '-A'])
    await git(repo, ['commit', '-q', '-m', 'start'])
    await writeFile(join(repo, 'colony.json'), JSON.stringify({ remote: 'upstream' }))
    const init = await colony(repo, ['init'])
    expect(init.code).toBe(1)
    expect(init.stderr).toContain('"remote" in colony.json names upstream, which is not a git remote of this repository')
    expect(init.stderr).toContain('git remote add upstream URL')
  })

  for (const { name, unreachable } of stores) {
    const title = `colony run in one clone and colony worker in another, sharing ${name}, land on the remote by push with lease; every task once`
    if (unreachable) {
      it.skip(`${title} [not covered: ${unreachable}; run scripts/start-test-postgres.sh]`, () => undefined)
      continue
    }
    // PERF: the SQLite and the PostgreSQL runs share nothing, and each mostly waits on its scripted model and gates: they run at once.
    it.concurrent(title, async ({ onTestFinished }) => {
      const database = name.startsWith('PostgreSQL') ? await createTestDatabase() : undefined
      onTestFinished(async () => database?.dispose())
      const base = await mkdtemp(join(tmpdir(), 'colony-remote-'))
      onTestFinished(() => rm(base, { recursive: true, force: true }))
      const server = await startScriptedServer({ script: steadyScript({ planner: 300, worker: 300 }) })
      onTestFinished(() => server.close())
      const remote = join(base, 'remote.git')
      const [a, b] = [join(base, 'a'), join(base, 'b')]
      await git(base, ['init', '-q', '--bare', '-b', 'main', remote])
      await git(base, ['clone', '-q', remote, a])
      await cp(demoProject, a, { recursive: true })
      await git(a, ['add', '-A'])
      await git(a, ['commit', '-q', '-m', 'textkit'])
      await git(a, ['push', '-q', 'origin', 'main'])
      await git(base, ['clone', '-q', remote, b])
      const config = (workers: number) =>
        JSON.stringify({
          models: { default: 'scripted:agent' },
          providers: { scripted: { type: 'openai-compatible', baseURL: server.url } },
          prices: { 'scripted:agent': { input: 3, output: 15 } },
          workers,
          remote: 'origin',
          checks: { fast: [], full: ['npm test'] },
          limits: { attemptMinutes: 5, leaseSeconds: 6 },
        })
      await writeFile(join(a, 'colony.json'), config(1))
      await writeFile(join(b, 'colony.json'), config(3))
      // One store for both clones (on one machine a file; across machines a postgres:// URL).
      const shared = { COLONY_STORE: database?.url ?? join(a, '.colony', 'colony.db') }
      const sharedEverywhere = database ? shared : {}

      expect((await colony(a, ['init'], sharedEverywhere)).stdout).toMatch(/target: {2}colony\/main on origin \(created from HEAD/)
      expect(await git(remote, ['rev-parse', 'colony/main'])).toBe(await git(a, ['rev-parse', 'HEAD']))
      const joined = await colony(b, ['init'], shared)
      expect(joined.stdout, joined.stderr).toMatch(/target: {2}colony\/main on origin \(exists at/)

      const run = startColony(a, ['run', '--goal', 'Implement textkit'], sharedEverywhere)
      const worker = startColony(b, ['worker'], shared)
      expect(await run.exited, run.output()).toBe(0)
      expect(run.stdout()).toContain('done: npm test passes')
      expect(await worker.exited, worker.output()).toBe(0)

      const onRemote = await targetLog(createGit(remote), 'colony/main')
      expect(onRemote.map((commit) => commit.taskId).filter((id) => id !== undefined).sort()).toEqual([2, 3, 5, 6])
      expect(await git(a, ['rev-parse', 'colony/main'])).toBe(onRemote[0]!.commit)
      const store = await openStore(shared.COLONY_STORE)
      try {
        const joinedAs = String((await store.listEvents({ types: ['workers-joined'] }))[0]!.data.instance)
        const merges = await store.listEvents({ types: ['task-merged'] })
        expect(merges.filter((event) => typeof event.data.owner === 'string' && event.data.owner.startsWith(`${joinedAs}/`)).length).toBeGreaterThan(0)
      } finally {
        await store.close()
      }
      // The users' own branches are where they were.
      expect(await git(a, ['symbolic-ref', 'HEAD'])).toBe('refs/heads/main')
      expect(await git(remote, ['rev-parse', 'main'])).toBe(await git(a, ['rev-parse', 'main']))
    }, 200_000)
  }
})
