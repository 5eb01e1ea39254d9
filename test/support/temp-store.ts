import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openStore, type Store } from '../../src/store/index.ts'

/** A real SQLite store in its own temporary directory; `dispose` closes it and removes the directory. */
export async function createTempStore(): Promise<{ store: Store; dispose: () => Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), 'colony-store-'))
  const store = await openStore(join(directory, 'colony.db'))
  return {
    store,
    dispose: async () => {
      await store.close()
      await rm(directory, { recursive: true, force: true })
    },
  }
}
