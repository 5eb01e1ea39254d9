/**
 * Keeps the first quarter and the last three quarters of a command's output
 * within a byte cap (the end is where errors usually are) and counts what was
 * cut, so a person or a model knows output is missing and how much.
 */
export class OutputCapture {
  private readonly headLimit: number
  private readonly tailLimit: number
  private head: Buffer[] = []
  private headBytes = 0
  private tail: Buffer[] = []
  private tailBytes = 0
  total = 0

  constructor(limitBytes: number) {
    this.headLimit = Math.floor(limitBytes / 4)
    this.tailLimit = limitBytes - this.headLimit
  }

  add(chunk: Buffer): void {
    this.total += chunk.length
    if (this.headBytes < this.headLimit) {
      const taken = chunk.subarray(0, this.headLimit - this.headBytes)
      this.head.push(taken)
      this.headBytes += taken.length
      chunk = chunk.subarray(taken.length)
      if (chunk.length === 0) return
    }
    this.tail.push(chunk)
    this.tailBytes += chunk.length
    while (this.tailBytes - (this.tail[0]?.length ?? 0) >= this.tailLimit) this.tailBytes -= this.tail.shift()!.length
  }

  get cutBytes(): number {
    return Math.max(0, this.total - this.headBytes - Math.min(this.tailBytes, this.tailLimit))
  }

  text(): string {
    const tail = Buffer.concat(this.tail)
    const kept = tail.subarray(Math.max(0, tail.length - this.tailLimit))
    const head = Buffer.concat(this.head).toString('utf8')
    if (this.cutBytes === 0) return head + kept.toString('utf8')
    return `${head}\n[... ${this.cutBytes} bytes of output cut here; to see all of it, redirect it to a file and read the part you need ...]\n${kept.toString('utf8')}`
  }
}
