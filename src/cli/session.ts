import { createBoard, type Board } from '../board/index.ts'
import { loadConfig, type ColonyConfig } from '../config/index.ts'
import { createGit, createTaskLandingGate } from '../git/index.ts'
import { assertInitialized, findRepository, type RepositoryLayout } from '../repository/index.ts'
import { environmentWithSecrets } from '../secrets/index.ts'
import { openStore, type Run, type Store } from '../store/index.ts'

/** Everything a command needs about the repository it runs in. */
export interface Session {
  layout: RepositoryLayout
  config: ColonyConfig
  store: Store
  board: Board
  run: Run
  close(): Promise<void>
}

/**
 * Where the state lives: `COLONY_STORE` (a file path or a postgres:// URL, for
 * several machines sharing one board) or the repository's `.colony/colony.db`.
 */
export function storeLocation(layout: RepositoryLayout): string {
  return environmentWithSecrets().COLONY_STORE ?? layout.databasePath
}

/** `COLONY_BUSY_TIMEOUT_MS`: how long a command waits on another process's write lock. */
export function openSessionStore(layout: RepositoryLayout): Promise<Store> {
  const busyTimeoutMs = Number(process.env.COLONY_BUSY_TIMEOUT_MS) || undefined
  return openStore(storeLocation(layout), { ...(busyTimeoutMs && { busyTimeoutMs }) })
}

export async function openSession(cwd: string): Promise<Session> {
  const layout = await findRepository(cwd)
  if (!environmentWithSecrets().COLONY_STORE) assertInitialized(layout)
  const config = await loadConfig(layout.root)
  const store = await openSessionStore(layout)
  try {
    const run = (await store.latestRun()) ?? (await store.createRun({ target: config.target }, [{ type: 'run-created', data: { target: config.target } }]))
    const landings = createTaskLandingGate(createGit(layout.root), config)
    return { layout, config, store, board: createBoard({ store, landings }), run, close: () => store.close() }
  } catch (error) {
    await store.close()
    throw error
  }
}

/** Opens a session, runs `action` with it and always closes the store. */
export async function withSession<T>(cwd: string, action: (session: Session) => Promise<T>): Promise<T> {
  const session = await openSession(cwd)
  try {
    return await action(session)
  } finally {
    await session.close()
  }
}
