import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite'
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely'

/**
 * A Kysely dialect over Node's built-in `node:sqlite`, so Colony needs no native
 * addon. Kysely's own SqliteDialect expects better-sqlite3's statement API;
 * this one speaks node:sqlite's, and opens write transactions with
 * `BEGIN IMMEDIATE` so that concurrent processes queue on the busy timeout
 * instead of failing on a read-to-write lock upgrade.
 */
export function createNodeSqliteDialect(
  database: DatabaseSync,
  options: { translateError?: (error: unknown) => Error } = {},
): Dialect {
  const translateError = options.translateError ?? ((error: unknown) => (error instanceof Error ? error : new Error(String(error))))
  return {
    createAdapter: () => new TransactionalDdlSqliteAdapter(),
    createDriver: () => new NodeSqliteDriver(database, translateError),
    createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  }
}

// SQLite does run DDL inside transactions. Saying so makes Kysely's migrator
// migrate inside `BEGIN IMMEDIATE`, so processes opening a new database at the
// same moment take turns instead of both creating the same tables.
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true
  }
}

class NodeSqliteDriver implements Driver {
  readonly #connection: NodeSqliteConnection
  #queue: Promise<void> = Promise.resolve()
  #release: (() => void) | undefined

  constructor(database: DatabaseSync, translateError: (error: unknown) => Error) {
    this.#connection = new NodeSqliteConnection(database, translateError)
  }

  async init(): Promise<void> {}

  // SQLite has one connection per handle: callers take turns.
  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#queue
    let release!: () => void
    this.#queue = new Promise((resolve) => (release = resolve))
    await previous
    this.#release = release
    return this.#connection
  }

  async releaseConnection(): Promise<void> {
    const release = this.#release
    this.#release = undefined
    release?.()
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async destroy(): Promise<void> {
    this.#connection.close()
  }
}

const statementCacheSize = 256

class NodeSqliteConnection implements DatabaseConnection {
  readonly #database: DatabaseSync
  // PERF: preparing dominates small queries; the same few hundred statements repeat.
  readonly #statements = new Map<string, StatementSync>()
  readonly #translateError: (error: unknown) => Error

  constructor(database: DatabaseSync, translateError: (error: unknown) => Error) {
    this.#database = database
    this.#translateError = translateError
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const statement = this.#prepare(compiledQuery.sql)
      const parameters = compiledQuery.parameters.map(toSqlValue)
      if (statement.columns().length > 0) {
        return Promise.resolve({ rows: statement.all(...parameters) as R[] })
      }
      const { changes, lastInsertRowid } = statement.run(...parameters)
      return Promise.resolve({
        numAffectedRows: BigInt(changes),
        insertId: BigInt(lastInsertRowid),
        rows: [],
      })
    } catch (error) {
      return Promise.reject(this.#translateError(error))
    }
  }

  // eslint-disable-next-line require-yield
  async *streamQuery(): AsyncIterableIterator<QueryResult<never>> {
    throw new Error('streaming queries are not supported by the node:sqlite dialect')
  }

  close(): void {
    this.#statements.clear()
    if (this.#database.isOpen) this.#database.close()
  }

  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql)
    if (!statement) {
      statement = this.#database.prepare(sql)
      if (this.#statements.size >= statementCacheSize) {
        const oldest = this.#statements.keys().next().value
        if (oldest !== undefined) this.#statements.delete(oldest)
      }
      this.#statements.set(sql, statement)
    }
    return statement
  }
}

function toSqlValue(value: unknown): SQLInputValue {
  if (value === undefined) return null
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value instanceof Date) return value.toISOString()
  return value as SQLInputValue
}
