import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'
import { confinePath } from '../../sandbox/index.ts'
import { defineTool } from './tool.ts'

export const writeFileTool = defineTool({
  name: 'write_file',
  description: 'Create or overwrite a file of the workspace with the given content (parent directories are created). Prefer edit_file for changing part of an existing file.',
  inputSchema: z.object({ path: z.string().describe('path relative to the workspace root'), content: z.string() }),
  async execute(input, context) {
    const path = confinePath(context.workspace, input.path)
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, input.content)
    const lines = input.content.split('\n').length
    return `wrote ${input.path} (${lines} ${lines === 1 ? 'line' : 'lines'})`
  },
})
