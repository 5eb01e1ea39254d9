import { z } from 'zod'
import { capText, defineTool, readModelText } from '../agent/index.ts'
import { memoryKinds } from '../store/index.ts'
import { describeMemory } from './describe-memory.ts'

const description = readModelText(new URL('./recall.txt', import.meta.url))

export const recallTool = defineTool({
  name: 'recall',
  description,
  inputSchema: z.object({
    query: z.string().min(1).max(1_000).describe('words to look for'),
    kind: z.enum(memoryKinds).optional(),
    files: z.array(z.string().min(1)).max(50).optional().describe('only memories about these paths (a directory ends in /)'),
    task: z.int().positive().optional().describe('only memories of this task'),
    limit: z.int().min(1).max(20).optional().describe('at most this many (8 unless told)'),
  }),
  async execute(input, context) {
    const hits = await context.store.recallMemories(input.query, {
      ...(input.kind && { kinds: [input.kind] }),
      ...(input.files && { files: input.files }),
      ...(input.task !== undefined && { taskId: input.task }),
      limit: input.limit ?? 8,
    })
    if (hits.length === 0) return `Nothing in memory matches "${input.query}"${input.kind || input.files || input.task ? ' with those filters' : ''}. Try other words, or fewer filters.`
    const found = hits.map((hit) => describeMemory(hit)).join('\n\n')
    return capText(`${hits.length} ${hits.length === 1 ? 'memory' : 'memories'}, best match first:\n\n${found}`, 12_000, 'recall with more specific words or a smaller limit')
  },
})
