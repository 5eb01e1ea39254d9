/** A queue that runs one landing at a time, in arrival order (see IntegrateOptions.landing). */
export function createLandingLock(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve()
  return <T>(work: () => Promise<T>) => {
    const turn = tail.then(work)
    tail = turn.catch(() => undefined)
    return turn
  }
}
