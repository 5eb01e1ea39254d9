import { z } from 'zod'
import { readModelText } from '../model-text.ts'
import { defineTool } from './tool.ts'

const description = readModelText(new URL('./note.txt', import.meta.url))

export const noteTool = defineTool({
  name: 'note',
  description,
  inputSchema: z.object({
    text: z.string().min(1).max(4_000),
    files: z.array(z.string().min(1)).max(50).optional().describe('paths (relative to the repository root) this is about; a directory ends in /'),
  }),
  async execute(input, context) {
    const memory = await context.store.addMemory({
      kind: 'note',
      text: input.text,
      role: context.role,
      runId: context.runId,
      taskId: context.taskId,
      agentId: context.agentId,
      commit: context.commit,
      files: input.files ?? [],
    })
    return `remembered as memory ${memory.id}${memory.files.length > 0 ? ` (about ${memory.files.join(', ')})` : ''}`
  },
})
