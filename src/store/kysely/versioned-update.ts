import type { Selectable, Transaction, Updateable } from 'kysely'
import { AgentNotFoundError, ApprovalNotFoundError, RunNotFoundError, TaskNotFoundError, VersionConflictError } from '../errors.ts'
import type { Tables } from '../tables.ts'

/** The tables whose rows carry a `version` and change only by compare-and-swap. */
export type VersionedTable = 'runs' | 'tasks' | 'agents' | 'approvals'

const versionedRecords: Record<VersionedTable, { name: string; notFound: (id: number) => Error }> = {
  runs: { name: 'run', notFound: (id) => new RunNotFoundError(id) },
  tasks: { name: 'task', notFound: (id) => new TaskNotFoundError(id) },
  agents: { name: 'agent', notFound: (id) => new AgentNotFoundError(id) },
  approvals: { name: 'approval', notFound: (id) => new ApprovalNotFoundError(id) },
}

// The columns every versioned table has. Kysely cannot resolve column names on
// a table chosen by a type parameter, so the query below is written against this
// common shape and its row is handed back as the caller's table's row.
interface VersionedColumns {
  id: number
  status: string
  version: number
  updated_at: number
}
type VersionedTables = Record<VersionedTable, VersionedColumns>

/**
 * Changes one row by compare-and-swap, inside the caller's transaction:
 * `update <table> set <change>, version = expected + 1 where id = ? and version = ?`.
 * When no row matched, reads the row's version to say why: the record's
 * NotFound error when it does not exist, otherwise VersionConflictError
 * (also when `onlyWhenStatus` did not hold, though the version did).
 *
 * @example
 *   const row = await versionedUpdate(trx, { table: 'runs', id, expectedVersion, change, updatedAt: now() })
 */
export async function versionedUpdate<T extends VersionedTable>(
  trx: Transaction<Tables>,
  update: {
    table: T
    id: number
    expectedVersion: number
    change: Omit<Updateable<Tables[T]>, 'id' | 'version' | 'updated_at'>
    updatedAt: number
    /** Only a row in this status may change (a decided approval stays decided). */
    onlyWhenStatus?: string
  },
): Promise<Selectable<Tables[T]>> {
  const { id, expectedVersion } = update
  const table: VersionedTable = update.table
  const versioned = trx as unknown as Transaction<VersionedTables>
  let query = versioned
    .updateTable(table)
    .set({ ...update.change, version: expectedVersion + 1, updated_at: update.updatedAt })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
  if (update.onlyWhenStatus !== undefined) query = query.where('status', '=', update.onlyWhenStatus)
  const row = await query.returningAll().executeTakeFirst()
  if (row) return row as unknown as Selectable<Tables[T]>
  const current = await versioned.selectFrom(table).select('version').where('id', '=', id).executeTakeFirst()
  if (!current) throw versionedRecords[table].notFound(id)
  throw new VersionConflictError(versionedRecords[table].name, id, expectedVersion, Number(current.version))
}
