import { readFileSync } from 'node:fs'

/**
 * Text a model reads (a role's instructions, a tool's description), kept in a
 * file beside the code that uses it and read once, when that module loads.
 * `{{name}}` in the file is replaced by `values.name`, so a limit the code
 * enforces is stated from the same constant. A placeholder without a value,
 * or a value the file never uses, throws: the model never reads a raw
 * `{{...}}`, and a limit dropped from the text is noticed. The file's final
 * newline is not part of the text.
 *
 * The build copies these files into dist/ at their paths under src/ and points
 * the URL there (scripts/bundle-cli.ts).
 *
 * @example
 *   const maxLines = 400
 *   const description = readModelText(new URL('./read-file.txt', import.meta.url), { maxLines })
 */
export function readModelText(url: URL, values: Record<string, string | number> = {}): string {
  const text = readFileSync(url, 'utf8').replace(/\n$/, '')
  const unused = new Set(Object.keys(values))
  const filled = text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!Object.hasOwn(values, name)) throw new Error(`${url.pathname} has a placeholder {{${name}}} that its code gives no value`)
    unused.delete(name)
    return String(values[name])
  })
  if (unused.size > 0) throw new Error(`${url.pathname} does not mention ${[...unused].map((name) => `{{${name}}}`).join(', ')}`)
  return filled
}
