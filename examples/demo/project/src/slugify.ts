export function slugify(_text: string): string {
  throw new Error('not implemented')
}
