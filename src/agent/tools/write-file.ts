import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'
import { confinePath } from '../../sandbox/index.ts'
import { readModelText } from '../model-text.ts'
import { defineTool } from './tool.ts'

const description = readModelText(new URL('./write-file.txt', import.meta.url))

export const writeFileTool = defineTool({
  name: 'write_file',
  description,
  inputSchema: z.object({ path: z.string().describe('path relative to the workspace root'), content: z.string() }),
  async execute(input, context) {
    const path = confinePath(context.workspace, input.path)
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, input.content)
    const lines = input.content.split('\n').length
    return `wrote ${input.path} (${lines} ${lines === 1 ? 'line' : 'lines'})`
  },
})
