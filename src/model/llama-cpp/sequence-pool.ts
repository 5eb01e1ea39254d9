import type { LlamaContextSequence } from 'node-llama-cpp'

/** Context sequences handed to one call at a time, in the order calls asked. */
export class SequencePool {
  readonly #free: LlamaContextSequence[]
  readonly #waiting: ((sequence: LlamaContextSequence) => void)[] = []

  constructor(sequences: LlamaContextSequence[]) {
    this.#free = sequences
  }

  acquire(signal?: AbortSignal): Promise<LlamaContextSequence> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error)
    const sequence = this.#free.pop()
    if (sequence) return Promise.resolve(sequence)
    return new Promise((resolve, reject) => {
      const grant = (granted: LlamaContextSequence) => {
        signal?.removeEventListener('abort', abandon)
        resolve(granted)
      }
      const abandon = () => {
        this.#waiting.splice(this.#waiting.indexOf(grant), 1)
        reject(signal!.reason as Error)
      }
      signal?.addEventListener('abort', abandon, { once: true })
      this.#waiting.push(grant)
    })
  }

  release(sequence: LlamaContextSequence): void {
    const next = this.#waiting.shift()
    if (next) next(sequence)
    else this.#free.push(sequence)
  }
}
