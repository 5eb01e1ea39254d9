import { z } from 'zod'
import { defineTool } from './tool.ts'

export const noteTool = defineTool({
  name: 'note',
  description: 'Keep a note for later turns and other agents (a finding, a decision, a pitfall). Notes are searchable by every agent of the run.',
  inputSchema: z.object({ text: z.string().min(1) }),
  async execute(input, context) {
    const note = await context.store.addNote({ text: input.text, runId: context.runId, taskId: context.taskId, agentId: context.agentId })
    return `noted (${note.id})`
  },
})
