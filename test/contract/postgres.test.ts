import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { describe, it } from 'vitest'
import { describeStoreContract } from './store-contract.ts'

// scripts/start-test-postgres.sh (run by .ci/run) starts PostgreSQL and makes this role.
const adminUrl = process.env.COLONY_TEST_PG_URL ?? 'postgres://colony:colony@127.0.0.1:5432/postgres'

async function reachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.end()
    return undefined
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

const unreachable = await reachable()

if (unreachable && !process.env.CI) {
  describe('store contract: postgres', () => {
    it.skip(`not covered: PostgreSQL unreachable at ${adminUrl} (${unreachable}); run scripts/start-test-postgres.sh`, () => {})
  })
} else {
  describeStoreContract({
    name: 'postgres',
    async createLocation() {
      const name = `colony_test_${randomBytes(6).toString('hex')}`
      const admin = new pg.Client({ connectionString: adminUrl })
      await admin.connect()
      await admin.query(`create database ${name}`)
      await admin.end()
      const url = new URL(adminUrl)
      url.pathname = `/${name}`
      return {
        location: url.toString(),
        async dispose() {
          const cleanup = new pg.Client({ connectionString: adminUrl })
          await cleanup.connect()
          await cleanup.query(`drop database if exists ${name} with (force)`)
          await cleanup.end()
        },
      }
    },
  })
}
