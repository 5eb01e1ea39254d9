import { readdir } from 'node:fs/promises'
import { join, matchesGlob, relative } from 'node:path'
import { z } from 'zod'
import { confinePath } from '../../sandbox/index.ts'
import { readModelText } from '../model-text.ts'
import { defineTool } from './tool.ts'

const maxEntries = 500
const skipped = new Set(['.git', 'node_modules'])
const description = readModelText(new URL('./list-files.txt', import.meta.url), { maxEntries })

export const listFilesTool = defineTool({
  name: 'list_files',
  description,
  inputSchema: z.object({ path: z.string().optional(), pattern: z.string().optional().describe('glob relative to the workspace root') }),
  async execute(input, context) {
    const directory = confinePath(context.workspace, input.path ?? '.')
    const paths: string[] = []
    let total = 0
    const walk = async (current: string): Promise<void> => {
      let entries
      try {
        entries = await readdir(current, { withFileTypes: true })
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') throw new Error(`${input.path} is a file, not a directory; read it with read_file`, { cause: error })
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${input.path} does not exist`, { cause: error })
        throw error
      }
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (skipped.has(entry.name)) continue
        const full = join(current, entry.name)
        const path = relative(context.workspace, full)
        if (entry.isDirectory()) await walk(full)
        else if (!input.pattern || matchesGlob(path, input.pattern)) {
          total++
          if (paths.length < maxEntries) paths.push(path)
        }
      }
    }
    await walk(directory)
    if (total === 0) return input.pattern ? `no files match ${input.pattern}` : 'no files'
    return `${paths.join('\n')}${total > paths.length ? `\n[${total - paths.length} more files not shown; narrow with path or pattern]` : ''}`
  },
})
