/** Something waiting for its batch: settled by the batch's runner. */
export interface BatchItem {
  resolve: () => void
  reject: (error: Error) => void
}

/**
 * Hands items to `runBatch` in batches of at most `most`: the first is run at
 * once, and those that arrive while a batch runs wait and go together in the
 * next (group commit). `runBatch` settles its items; when it throws, those it
 * left are rejected with its error.
 */
export function takeTurnsInBatches<Item extends BatchItem>(runBatch: (batch: Item[]) => Promise<void>, most: number): (item: Item) => void {
  let waiting: Item[] = []
  let running = false

  async function runWaiting(): Promise<void> {
    running = true
    while (waiting.length > 0) {
      const batch = waiting.slice(0, most)
      waiting = waiting.slice(batch.length)
      // A settled promise ignores a second settling: rejecting every item rejects only those runBatch left.
      await runBatch(batch).catch((error: Error) => batch.forEach((item) => item.reject(error)))
    }
    running = false
  }

  return (item) => {
    waiting.push(item)
    if (!running) void runWaiting()
  }
}
