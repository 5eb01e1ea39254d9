import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { confinePath } from '../../sandbox/index.ts'
import { readModelText } from '../model-text.ts'
import { defineTool } from './tool.ts'

const maxLines = 400
const maxCharacters = 24_000
const description = readModelText(new URL('./read-file.txt', import.meta.url), { maxLines })

export const readFileTool = defineTool({
  name: 'read_file',
  description,
  inputSchema: z.object({
    path: z.string().describe('path relative to the workspace root'),
    start_line: z.number().int().min(1).optional(),
    end_line: z.number().int().min(1).optional(),
  }),
  async execute(input, context) {
    const path = confinePath(context.workspace, input.path, { alsoInside: context.readableLinks })
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') throw new Error(`${input.path} does not exist; use list_files or search to find the right path`, { cause: error })
      if (code === 'EISDIR') throw new Error(`${input.path} is a directory; use list_files with path "${input.path}"`, { cause: error })
      throw error
    }
    if (text.includes('\0')) throw new Error(`${input.path} is a binary file; it cannot be shown as text`)
    const lines = text.split('\n')
    if (lines.at(-1) === '') lines.pop()
    const start = input.start_line ?? 1
    if (start > Math.max(lines.length, 1)) throw new Error(`${input.path} has ${lines.length} lines; start_line ${start} is past the end`)
    const end = Math.min(input.end_line ?? start + maxLines - 1, start + maxLines - 1, lines.length)
    let shown = ''
    let last = start - 1
    for (let number = start; number <= end; number++) {
      const line = `${String(number).padStart(5)}  ${lines[number - 1]}\n`
      if (shown.length + line.length > maxCharacters) break
      shown += line
      last = number
    }
    const more = last < lines.length ? `\n[lines ${start}-${last} of ${lines.length}; call read_file with start_line ${last + 1} to see more]` : ''
    return `${shown}${more}` || '(empty file)'
  },
})
