/** Something waiting for its batch: settled by the batch's runner. */
export interface BatchItem {
  resolve: () => void
  reject: (error: Error) => void
}

/**
 * Hands items to `runBatch` in batches of at most `most`, at most `lanes`
 * batches running at once: an item that finds a lane free is run at once,
 * and those that arrive while every lane is busy wait and go together in
 * the next batch a lane takes (group commit). `runBatch` settles its items;
 * when it throws, those it left are rejected with its error.
 */
export function takeTurnsInBatches<Item extends BatchItem>(runBatch: (batch: Item[]) => Promise<void>, most: number, lanes = 1): (item: Item) => void {
  let waiting: Item[] = []
  let running = 0

  async function runWaiting(): Promise<void> {
    running++
    while (waiting.length > 0) {
      const batch = waiting.slice(0, most)
      waiting = waiting.slice(batch.length)
      // A settled promise ignores a second settling: rejecting every item rejects only those runBatch left.
      await runBatch(batch).catch((error: Error) => batch.forEach((item) => item.reject(error)))
    }
    running--
  }

  return (item) => {
    waiting.push(item)
    if (running < lanes) void runWaiting()
  }
}
