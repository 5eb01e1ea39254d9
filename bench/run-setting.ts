import { createBoard } from '../src/board/index.ts'
import { loadConfig } from '../src/config/index.ts'
import { ensureTargetBranch, findRepository, prepareColonyDirectory } from '../src/repository/index.ts'
import { openStore } from '../src/store/index.ts'

/** What a bench needs to call launchRun on the repository at `root` (its colony.json written): as `colony run` opens it. */
export async function openRunSetting(root: string, leaseMs: number) {
  const layout = await findRepository(root)
  const config = await loadConfig(root)
  await ensureTargetBranch(layout, config.target)
  await prepareColonyDirectory(layout)
  const store = await openStore(layout.databasePath)
  const board = createBoard({ store, leaseMs })
  return { layout, config, store, board }
}
