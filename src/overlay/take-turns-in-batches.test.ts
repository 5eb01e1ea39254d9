import { describe, expect, it } from 'vitest'
import { takeTurnsInBatches, type BatchItem } from './take-turns-in-batches.ts'

interface Numbered extends BatchItem {
  value: number
}

/** A runBatch whose batches end when the test says so, recording what each was given. */
function heldBatches() {
  const batches: number[][] = []
  const ends: (() => void)[] = []
  let running = 0
  let mostRunning = 0
  const runBatch = async (batch: Numbered[]) => {
    batches.push(batch.map((item) => item.value))
    running++
    mostRunning = Math.max(mostRunning, running)
    await new Promise<void>((resolve) => ends.push(resolve))
    running--
    for (const item of batch) item.resolve()
  }
  return { runBatch, batches, endNext: () => ends.shift()!(), mostRunning: () => mostRunning }
}

function ask(take: (item: Numbered) => void, value: number): Promise<void> {
  const { promise, resolve, reject } = Promise.withResolvers<void>()
  take({ value, resolve, reject })
  return promise
}

const turns = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('batches taking turns in lanes', () => {
  it('runs the first items at once in free lanes, and those that arrive meanwhile together in the next free lane', async () => {
    const held = heldBatches()
    const take = takeTurnsInBatches(held.runBatch, 3, 2)
    const asked = [1, 2, 3, 4, 5, 6, 7, 8].map((value) => ask(take, value))
    await turns()
    expect(held.batches).toEqual([[1], [2]])
    held.endNext()
    await turns()
    expect(held.batches).toEqual([[1], [2], [3, 4, 5]])
    held.endNext()
    await turns()
    expect(held.batches).toEqual([[1], [2], [3, 4, 5], [6, 7, 8]])
    held.endNext()
    held.endNext()
    await Promise.all(asked)
    expect(held.mostRunning()).toBe(2)
  })

  it('takes one batch at a time with one lane, and rejects what a failed batch left', async () => {
    const batches: number[][] = []
    const take = takeTurnsInBatches(async (batch: Numbered[]) => {
      batches.push(batch.map((item) => item.value))
      batch[0]!.resolve()
      if (batch.length > 1) throw new Error('mount failed')
    }, 10)
    const asked = [1, 2, 3].map((value) => ask(take, value))
    const settled = await Promise.allSettled(asked)
    expect(batches).toEqual([[1], [2, 3]])
    expect(settled.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected'])
  })
})
