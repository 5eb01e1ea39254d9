import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { z } from 'zod'
import { confinePath } from '../../sandbox/index.ts'
import { readModelText } from '../model-text.ts'
import { capText, defineTool } from './tool.ts'

const execFileAsync = promisify(execFile)
const maxMatches = 200
const description = readModelText(new URL('./search.txt', import.meta.url), { maxMatches })

export const searchTool = defineTool({
  name: 'search',
  description,
  inputSchema: z.object({ pattern: z.string().min(1), path: z.string().optional().describe('directory or file to search in') }),
  async execute(input, context) {
    const scope = confinePath(context.workspace, input.path ?? '.')
    try {
      const { stdout } = await execFileAsync('git', ['grep', '--untracked', '-n', '-I', '-E', '--max-count', String(maxMatches), '-e', input.pattern, '--', scope], {
        cwd: context.workspace,
        maxBuffer: 16 * 1024 * 1024,
      })
      const lines = stdout.split('\n').filter(Boolean)
      const shown = lines.slice(0, maxMatches).join('\n')
      return capText(shown + (lines.length > maxMatches ? `\n[${lines.length - maxMatches} more matches not shown; narrow the pattern or path]` : ''), 20_000, 'narrow the pattern or path')
    } catch (error) {
      const failure = error as { code?: number; stderr?: string }
      if (failure.code === 1) return `no matches for ${input.pattern}`
      throw new Error(`search failed: ${(failure.stderr ?? String(error)).trim()}; check the regular expression (extended syntax, as grep -E)`, { cause: error })
    }
  },
})
