import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { Kysely, Migrator, PostgresDialect, sql, type MigrationProvider } from 'kysely'
import pg from 'pg'
import { environmentWithSecrets } from '../secrets/index.ts'
import { createKyselyStore } from './kysely/index.ts'
import type { StoreKind } from './kysely/context.ts'
import { createMigrationProvider } from './migrations.ts'
import { createNodeSqliteDialect } from './node-sqlite-dialect.ts'
import { StoreCorruptError, StoreLockedError, StoreUnavailableError } from './errors.ts'
import type { Store } from './store.ts'
import type { Tables } from './tables.ts'
import { isColonyError } from '../errors/index.ts'

export interface OpenStoreOptions {
  /** How long a write waits for another process's lock before failing (SQLite). */
  busyTimeoutMs?: number
  /** The clock, for tests of leases. */
  now?: () => number
  /** Create the database file when it does not exist (SQLite). Default true. */
  create?: boolean
}

const defaultBusyTimeoutMs = 10_000

/**
 * Opens the store at `location`, a SQLite file path or a `postgres://` URL, and
 * brings its schema up to date. Several processes may open the same location.
 *
 * @example
 *   const store = await openStore('.colony/colony.db')
 *   const store = await openStore('postgres://colony@localhost/colony')
 */
export async function openStore(location: string, options: OpenStoreOptions = {}): Promise<Store> {
  return isPostgresUrl(location) ? openPostgresStore(location, options) : openSqliteStore(location, options)
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//.test(location)
}

async function openSqliteStore(path: string, options: OpenStoreOptions): Promise<Store> {
  if (options.create !== false) mkdirSync(dirname(path), { recursive: true })
  const busyTimeoutMs = options.busyTimeoutMs ?? defaultBusyTimeoutMs
  const translateError = (error: unknown) => translateSqliteError(error, path, busyTimeoutMs)
  let database: DatabaseSync
  try {
    database = new DatabaseSync(path, { open: true })
    database.exec(`pragma busy_timeout = ${busyTimeoutMs}`)
    database.exec('pragma journal_mode = wal')
    database.exec('pragma synchronous = normal')
    database.exec('pragma foreign_keys = on')
  } catch (error) {
    throw translateError(error)
  }
  const db = new Kysely<Tables>({ dialect: createNodeSqliteDialect(database, { translateError }) })
  return migrateAndCreate(db, 'sqlite', path, options)
}

async function openPostgresStore(url: string, options: OpenStoreOptions): Promise<Store> {
  const location = redactPassword(url)
  const pool = new pg.Pool({
    connectionString: url,
    // Colony holds PGPASSWORD in memory, out of process.env where pg would look for it.
    password: environmentWithSecrets().PGPASSWORD,
    max: 4,
    // bigint columns (times) come back as numbers rather than strings.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
        oid === 20 ? Number : (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
    },
  })
  // A connection the server ends while it sits idle in the pool (a restart, an administrator, a dropped database) is
  // discarded by the pool, which opens another for the next query; a query that fails reaches its caller as an error.
  // Without a listener, pg raises it as an uncaught exception that would end Colony.
  pool.on('error', () => undefined)
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) })
  try {
    return await migrateAndCreate(db, 'postgres', location, options)
  } catch (error) {
    if (isColonyError(error)) throw error
    throw new StoreUnavailableError(location, error instanceof Error ? error.message : String(error), error)
  }
}

async function migrateAndCreate(db: Kysely<Tables>, kind: StoreKind, location: string, options: OpenStoreOptions): Promise<Store> {
  const provider = createMigrationProvider(kind)
  try {
    // A plain read first: Kysely's migrator takes the write lock (SQLite's BEGIN
    // IMMEDIATE, PostgreSQL's migration advisory lock) even when nothing is pending,
    // and a read-only command must not wait for, or fail on, another process's writes.
    if (!(await schemaIsCurrent(db, kind, provider))) {
      const migrator = new Migrator({ db, provider, migrationTableName, migrationLockTableName: 'colony_migration_lock' })
      const { error } = await migrator.migrateToLatest()
      if (error) throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`)
    }
  } catch (error) {
    await db.destroy()
    throw error
  }
  return createKyselyStore({ db, kind, location, ...(options.now && { now: options.now }) })
}

const migrationTableName = 'colony_migrations'

/** Whether every migration Colony knows has been applied, found out without taking any lock. */
async function schemaIsCurrent(db: Kysely<Tables>, kind: StoreKind, provider: MigrationProvider): Promise<boolean> {
  const tableFound =
    kind === 'sqlite'
      ? sql<{ found: number }>`select count(*) as found from sqlite_master where type = 'table' and name = ${migrationTableName}`
      : sql<{ found: number }>`select count(*)::int as found from information_schema.tables where table_schema = current_schema() and table_name = ${migrationTableName}`
  const { rows } = await tableFound.execute(db)
  if (Number(rows[0]?.found ?? 0) === 0) return false
  const applied = await sql<{ name: string }>`select name from ${sql.table(migrationTableName)}`.execute(db)
  const appliedNames = new Set(applied.rows.map((row) => row.name))
  return Object.keys(await provider.getMigrations()).every((name) => appliedNames.has(name))
}

function redactPassword(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    // Nothing is lost: this string is only the store's `location` for display.
    // pg connects with the original URL and reports its own error if it cannot
    // use it; echoing the raw URL here could print its password.
    return 'postgres://(unparseable url)'
  }
}

interface SqliteError {
  errcode?: number
  errstr?: string
  message?: string
}

// SQLite result codes: 5 BUSY, 6 LOCKED, 11 CORRUPT, 14 CANTOPEN, 26 NOTADB.
// Only a plain BUSY comes after waiting out the busy timeout (extended codes
// such as 517 BUSY_SNAPSHOT fail at once).
function translateSqliteError(error: unknown, path: string, busyTimeoutMs: number): Error {
  if (isColonyError(error)) return error
  if (typeof error !== 'object' || error === null) return new Error(String(error))
  const { errcode, errstr, message } = error as SqliteError
  const primary = errcode === undefined ? undefined : errcode & 0xff
  const detail = errstr ?? message ?? 'unknown error'
  if (primary === 5 || primary === 6) return new StoreLockedError(path, error, errcode === 5 ? busyTimeoutMs : undefined)
  if (primary === 11 || primary === 26) return new StoreCorruptError(path, detail, error)
  if (primary === 14) return new StoreUnavailableError(path, detail, error)
  return error instanceof Error ? error : new Error(detail)
}
