import { changedFiles, type Git } from '../git/index.ts'
import type { Store } from '../store/index.ts'

/**
 * Changes that reached the target while Colony was not landing (a person's
 * commit on it, a reset, a run on a machine whose store this is not): the
 * files that differ between the last landing memory knows of and the tip
 * make the memories about them stale. Run once as a run starts; returns the
 * files, none when memory knows of no landing or the tip is that landing.
 */
export async function catchUpStaleness(store: Store, git: Git, tip: string): Promise<string[]> {
  // Handoffs of merged tasks name the commit that landed; plan and give-up handoffs name none.
  const handoffs = await store.listMemories({ kinds: ['handoff'], includeForgotten: true, limit: 50 })
  const landed = handoffs.find((handoff) => handoff.commit !== null)?.commit
  if (!landed || landed === tip) return []
  // A landing this clone does not have (a store shared with another machine's clone) tells nothing about this tip.
  if (!(await git.resolveRef(landed))) return []
  const files = await changedFiles(git, landed, tip)
  await store.markMemoriesStale({ files, commit: tip })
  return files
}
