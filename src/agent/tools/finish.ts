import { z } from 'zod'
import { readModelText } from '../model-text.ts'
import { defineTool, type ToolOutcome } from './tool.ts'

const description = readModelText(new URL('./finish.txt', import.meta.url))

export const finishInput = z.object({ summary: z.string().min(1, 'say what was done'), concerns: z.string().optional() })

/**
 * `finish {summary, concerns?}`. What finishing means is the role's: a worker
 * integrates (and goes on if the change did not land), a planner hands its
 * plan in. `onFinish` decides; by default finishing ends the loop.
 */
export function createFinishTool(onFinish: (input: z.infer<typeof finishInput>) => Promise<ToolOutcome> = async (input) => ({ output: input.summary, done: true })) {
  return defineTool({
    name: 'finish',
    description,
    inputSchema: finishInput,
    execute: (input) => onFinish(input),
  })
}
