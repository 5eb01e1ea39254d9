import { createInstanceId, ownerIsGone } from '../board/index.ts'
import type { ColonyConfig } from '../config/index.ts'
import type { SharedLock } from '../git/index.ts'
import type { Store } from '../store/index.ts'

/**
 * Whose turn it is to land on this target, through the store, so that every
 * process landing on it (other `colony worker`s, other machines with the same
 * remote) takes turns instead of racing for the compare-and-swap. A holder on
 * this host whose process is gone is passed over at once.
 */
export function sharedLandingTurn(store: Store, repositoryRoot: string, config: Pick<ColonyConfig, 'remote' | 'target'>): SharedLock {
  const name = config.remote === undefined ? `landing:${repositoryRoot}:${config.target}` : `landing:remote ${config.remote}:${config.target}`
  const owner = createInstanceId()
  return {
    async tryLock(ttlMs) {
      if (await store.tryLock(name, owner, ttlMs)) return true
      // A holder on this host whose process is gone (killed mid-landing) will never let go: do not wait out its time.
      const holder = await store.lockHolder(name)
      if (holder === undefined || !ownerIsGone(holder, owner)) return false
      await store.unlock(name, holder)
      return store.tryLock(name, owner, ttlMs)
    },
    unlock: () => store.unlock(name, owner),
  }
}
