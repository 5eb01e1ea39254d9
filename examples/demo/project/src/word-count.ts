export function wordCount(_text: string): number {
  throw new Error('not implemented')
}
