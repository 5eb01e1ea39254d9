import type { Run, Store } from '../store/index.ts'
import { NoRunYetError } from './errors.ts'

/** The run the API speaks about: the store's latest. Before the first, NoRunYetError (404). */
export async function latestRun(store: Store): Promise<Run> {
  const run = await store.latestRun()
  if (!run) throw new NoRunYetError()
  return run
}
