import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'

/**
 * Owner names say which process holds a task: `host:pid:nonce/slot`. After a
 * crash, a new supervisor on the same host can tell that the old holder is gone
 * and take its tasks back at once instead of waiting for their leases.
 */
export function createInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
}

/** Whether the process that holds `owner` is known to be gone (same host, pid not running). */
export function ownerIsGone(owner: string, instanceId: string): boolean {
  const [host, pidText, nonce] = owner.split('/')[0]!.split(':')
  const [myHost, , myNonce] = instanceId.split(':')
  if (host !== myHost || pidText === undefined) return false
  if (nonce === myNonce) return false
  try {
    process.kill(Number(pidText), 0)
    return Number(pidText) === process.pid
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}
