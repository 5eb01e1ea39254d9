import { describe, it } from 'vitest'
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
}
