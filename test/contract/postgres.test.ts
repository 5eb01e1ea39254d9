import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { openStore } from '../../src/store/index.ts'
import { createTestDatabase, postgresAdminUrl, postgresUnreachable } from '../support/postgres.ts'
import { describeStoreContract } from './store-contract.ts'

const unreachable = await postgresUnreachable()

if (unreachable && !process.env.CI) {
  describe('store contract: postgres', () => {
    it.skip(`not covered: PostgreSQL unreachable at ${postgresAdminUrl} (${unreachable}); run scripts/start-test-postgres.sh`, () => {})
  })
} else {
  describeStoreContract({
    name: 'postgres',
    async createLocation() {
      const database = await createTestDatabase()
      return { location: database.url, dispose: () => database.dispose() }
    },
  })

  describe('a PostgreSQL store whose connections the server ends', () => {
    it('goes on with new connections: an idle connection ended by the server (a restart, an administrator) does not end Colony', async () => {
      const database = await createTestDatabase()
      const store = await openStore(database.url)
      try {
        const run = await store.createRun({ goal: 'survive', target: 'colony/main' })
        const admin = new pg.Client({ connectionString: postgresAdminUrl })
        await admin.connect()
        const name = new URL(database.url).pathname.slice(1)
        const ended = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name])
        await admin.end()
        expect(ended.rowCount).toBeGreaterThan(0)
        // The pool hears of the ended connections; the next call opens a new one.
        await new Promise((resolve) => setTimeout(resolve, 200))
        expect((await store.getRun(run.id)).goal).toBe('survive')
      } finally {
        await store.close()
        await database.dispose()
      }
    })
  })
}
