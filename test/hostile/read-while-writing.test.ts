import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/index.ts'
import { colony, createTempRepository } from '../support/cli.ts'
import { expectCleanFailure, repositoryState } from '../support/hostile.ts'
import { createTestDatabase, postgresAdminUrl, postgresUnreachable } from '../support/postgres.ts'

/** Every command that only reads, with what its output must show. */
const readers: { args: string[]; shows: string }[] = [
  { args: ['status'], shows: 'run 1' },
  { args: ['status', '--json'], shows: '"run"' },
  { args: ['events'], shows: 'task-created' },
  { args: ['task', 'list'], shows: 'Parse dates' },
  { args: ['task', 'show', '1'], shows: 'Parse dates' },
  { args: ['log'], shows: 'initial' },
  { args: ['approvals'], shows: '' },
]

// A short wait, so the write below gives up quickly; the reads must not wait at all.
const busyTimeoutMs = 300

/**
 * Another OS process inside a write transaction on the SQLite store (as
 * `colony run` is whenever it records something), holding it until told to
 * stop on stdin.
 */
async function holdWriteLock(databasePath: string): Promise<{ release(): Promise<void> }> {
  const script = `
    import { DatabaseSync } from 'node:sqlite'
    const database = new DatabaseSync(process.env.HOLD_DATABASE)
    database.exec('BEGIN IMMEDIATE')
    database.prepare("INSERT INTO events (run_id, type, data, created_at) VALUES (1, 'uncommitted-write', '{}', 0)").run()
    process.stdout.write('holding\\n')
    process.stdin.once('data', () => {
      database.exec('ROLLBACK')
      database.close()
      process.stdout.write('released\\n')
    })`
  const child: ChildProcess = spawn(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
    env: { ...process.env, HOLD_DATABASE: databasePath },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  let output = ''
  const said = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => output.includes(text) && resolve()
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        check()
      })
      child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code} before saying "${text}": ${output}`)))
      check()
    })
  await said('holding')
  return {
    async release() {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.stdin!.end('stop\n')
      await said('released')
      expect(await exited).toBe(0)
    },
  }
}

describe('read-only commands while another process holds the write lock (SQLite)', () => {
  let repo: { root: string; dispose(): Promise<void> }
  beforeEach(async () => {
    repo = await createTempRepository()
    expect((await colony(repo.root, ['init'])).code).toBe(0)
    expect((await colony(repo.root, ['task', 'add', 'Parse dates', '--accept', 'npm test'])).code).toBe(0)
  })
  afterEach(() => repo.dispose())

  it('answer at once, change nothing, and a write waits, then says the store is locked and what to do', async () => {
    const env = { COLONY_BUSY_TIMEOUT_MS: String(busyTimeoutMs) }
    const before = repositoryState(repo.root)
    const holder = await holdWriteLock(join(repo.root, '.colony', 'colony.db'))
    try {
      const results = await Promise.all(readers.map(({ args }) => colony(repo.root, args, env)))
      results.forEach((result, index) => {
        expect(result.stderr, readers[index]!.args.join(' ')).toBe('')
        expect(result.code, readers[index]!.args.join(' ')).toBe(0)
        expect(result.stdout).toContain(readers[index]!.shows)
        // The holder's write is not committed: no reader may see it.
        expect(result.stdout).not.toContain('uncommitted-write')
      })

      const started = Date.now()
      const write = await colony(repo.root, ['task', 'add', 'Blocked', '--accept', 'npm test'], env)
      expect(Date.now() - started, 'the write gave up without waiting').toBeGreaterThanOrEqual(busyTimeoutMs)
      expectCleanFailure(write, { code: 1, mentions: ['is locked by another process', 'still locked after waiting 0.3 s', 'COLONY_BUSY_TIMEOUT_MS'] })
    } finally {
      await holder.release()
    }
    expect(repositoryState(repo.root), 'a read-only command wrote to the store').toBe(before)

    const after = await colony(repo.root, ['task', 'add', 'After the lock', '--accept', 'npm test'], env)
    expect(after.code, after.stderr).toBe(0)
  })
})

const unreachable = await postgresUnreachable()

describe.skipIf(unreachable && !process.env.CI)(`read-only commands while another session writes (PostgreSQL${unreachable ? `: unreachable at ${postgresAdminUrl}, run scripts/start-test-postgres.sh` : ''})`, () => {
  let database: { url: string; dispose(): Promise<void> }
  let repo: { root: string; dispose(): Promise<void> }
  beforeAll(async () => {
    database = await createTestDatabase()
    repo = await createTempRepository()
    const env = { COLONY_STORE: database.url }
    expect((await colony(repo.root, ['init'], env)).code).toBe(0)
    expect((await colony(repo.root, ['task', 'add', 'Parse dates', '--accept', 'npm test'], env)).code).toBe(0)
  })
  afterAll(async () => {
    await repo.dispose()
    await database.dispose()
  })

  it('opens without any lock: neither a writing transaction nor a migration lock held elsewhere makes it wait', async () => {
    const writer = new pg.Client({ connectionString: database.url })
    const migrating = new pg.Client({ connectionString: database.url })
    await Promise.all([writer.connect(), migrating.connect()])
    try {
      // What an appender holds mid-write: the event-order lock and uncommitted rows.
      await writer.query('begin')
      await writer.query('select pg_advisory_xact_lock(7325101)')
      await writer.query("insert into events (run_id, type, data, created_at) values (1, 'uncommitted-write', '{}', 0)")
      await writer.query("update tasks set title = 'uncommitted title' where id = 1")
      // Kysely's migration lock, as another process opening the store holds it while it migrates.
      await migrating.query('select pg_advisory_lock(3853314791062309107)')

      const opened = openStore(database.url)
      const waited = new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('opening the store waited on a lock')), 10_000).unref())
      const store = await Promise.race([opened, waited])
      try {
        expect((await store.listTasks()).map((task) => task.title)).toEqual(['Parse dates'])
      } finally {
        await store.close()
      }

      for (const { args, shows } of readers.filter(({ args }) => args[0] !== 'log')) {
        const result = await colony(repo.root, args, { COLONY_STORE: database.url })
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0)
        expect(result.stdout).toContain(shows)
        expect(result.stdout).not.toContain('uncommitted')
      }
    } finally {
      await writer.query('rollback')
      await migrating.query('select pg_advisory_unlock_all()')
      await Promise.all([writer.end(), migrating.end()])
    }
  })
})
