import type { Kysely, Transaction } from 'kysely'
import type { Tables } from '../tables.ts'

export type StoreKind = 'sqlite' | 'postgres'

/**
 * What every record module of the Kysely store shares: the database, which
 * backend it is (SQLite and PostgreSQL differ in event ordering and full-text
 * search), and the clock.
 */
export interface StoreContext {
  readonly db: Kysely<Tables>
  readonly kind: StoreKind
  readonly now: () => number
}

/** The database itself, or a transaction open on it: helpers that write inside a caller's transaction take either. */
export type Database = Kysely<Tables> | Transaction<Tables>
