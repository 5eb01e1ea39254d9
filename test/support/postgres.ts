import { randomBytes } from 'node:crypto'
import pg from 'pg'

// scripts/start-test-postgres.sh (run by .ci/run) starts PostgreSQL and makes this role.
export const postgresAdminUrl = process.env.COLONY_TEST_PG_URL ?? 'postgres://colony:colony@127.0.0.1:5432/postgres'

/** Why PostgreSQL cannot be used here, or undefined when it can. */
export async function postgresUnreachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.end()
    return undefined
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

/** A fresh database for one test, dropped by dispose. */
export async function createTestDatabase(): Promise<{ url: string; dispose(): Promise<void> }> {
  const name = `colony_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: postgresAdminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(postgresAdminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async dispose() {
      const cleanup = new pg.Client({ connectionString: postgresAdminUrl })
      await cleanup.connect()
      await cleanup.query(`drop database if exists ${name} with (force)`)
      await cleanup.end()
    },
  }
}
