import { z } from 'zod'
import { readModelText } from '../model-text.ts'
import { defineTool } from './tool.ts'

const description = readModelText(new URL('./note.txt', import.meta.url))

export const noteTool = defineTool({
  name: 'note',
  description,
  inputSchema: z.object({ text: z.string().min(1) }),
  async execute(input, context) {
    const note = await context.store.addNote({ text: input.text, runId: context.runId, taskId: context.taskId, agentId: context.agentId })
    return `noted (${note.id})`
  },
})
