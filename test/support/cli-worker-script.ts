import { demoScript } from '../../src/demo/index.ts'
import type { Script, ScriptedReply, ScriptedRequest } from '../../src/model/scripted/index.ts'

/** How one agent CLI's model asks for its own tools, and for Colony's (finish, note, recall) over MCP. */
export interface CliVocabulary {
  /** Writes a whole file; `exists` says whether it is there already (some CLIs must read a file before they overwrite it). */
  write(path: string, content: string, exists: boolean): ToolCall | ToolCall[]
  shell(command: string): ToolCall
  /** One of Colony's tools, as the CLI's MCP client names it. */
  colony(tool: string, input: Record<string, unknown>): ToolCall
}

/** A scripted tool call; on OpenAI Responses it may be a custom (freeform) call or one inside a namespace, as Codex's are. */
type ToolCall = NonNullable<ScriptedReply['toolCalls']>[number]

const implementations = {
  slugify: "export function slugify(text: string): string {\n  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')\n}\n",
  wordCountWrong: "export function wordCount(text: string): number {\n  return text.split(' ').length\n}\n",
  wordCount: 'export function wordCount(text: string): number {\n  return text.split(/\\s+/).filter(Boolean).length\n}\n',
  truncate: "export function truncate(text: string, max: number): string {\n  return text.length <= max ? text : `${text.slice(0, max - 1)}…`\n}\n",
  titleCase:
    "const minor = new Set(['a', 'an', 'and', 'of', 'the'])\n\nexport function titleCase(text: string): string {\n  return text\n    .split(' ')\n    .map((word, index) => (index > 0 && minor.has(word) ? word : word.charAt(0).toUpperCase() + word.slice(1)))\n    .join(' ')\n}\n",
}
/** What the slugify worker notes through Colony's MCP note tool, and finds again with recall. */
export const cliWorkerNote = 'slugify separates words with a single dash; test/slugify.test.ts depends on it'

const twoExports = "export { slugify } from './slugify.ts'\nexport { wordCount } from './word-count.ts'\n"
const allExports = `${twoExports}export { truncate } from './truncate.ts'\nexport { titleCase } from './title-case.ts'\n`

/** The text of the conversation's last message when a person (or Colony) wrote it; '' when it carries tool results. */
export function lastMessageText(request: ScriptedRequest): string {
  const body = request.body as { messages?: { role: string; content: unknown }[]; input?: unknown }
  const items = (body.messages ?? (Array.isArray(body.input) ? body.input : [])) as { role?: string; type?: string; content?: unknown }[]
  const last = items.at(-1)
  if (!last || last.role !== 'user') return ''
  if (typeof last.content === 'string') return last.content
  if (!Array.isArray(last.content)) return ''
  return (last.content as { type?: string; text?: unknown }[]).map((part) => (part.type !== 'tool_result' && typeof part.text === 'string' ? part.text : '')).join('')
}

/** How Colony begins the message that resumes a CLI after its change did not land (src/roles/cli-worker.ts). */
const resumePhrase = 'Colony tried to integrate your change and it did not land'

/** Whether Colony resumed this conversation after a change that did not land, and what it said. */
function resumedFor(request: ScriptedRequest): string {
  const body = JSON.stringify(request.body)
  return body.includes(resumePhrase) ? body : ''
}

/**
 * The demo's plan (Colony's own planner and judge), with each work task done
 * by an agent CLI through its own tools: slugify lands through finish over
 * MCP; wordCount's first change fails its gate, Colony integrates it when the
 * CLI ends its turn, and the CLI fixes it after a resume; truncate and
 * titleCase both add to src/index.ts, so whichever lands second meets a
 * conflict and resolves it after a resume. A stateless script: it answers
 * from the task, the turn and what the CLI was last told.
 */
export function cliWorkerScript(tools: CliVocabulary, options: { workerDelayMs?: number } = {}): Script {
  const act = (text: string, call: ToolCall | ToolCall[], extra: Partial<ScriptedReply> = {}): ScriptedReply => ({ text, toolCalls: [call].flat(), usage: { input: 1_200, output: 90 }, delayMs: options.workerDelayMs ?? 100, ...extra })
  const end = (text: string, extra: Partial<ScriptedReply> = {}): ScriptedReply => ({ text, usage: { input: 1_300, output: 40 }, delayMs: options.workerDelayMs ?? 100, ...extra })

  function newUtility(request: ScriptedRequest, name: 'truncate' | 'titleCase', module: string): ScriptedReply {
    if (lastMessageText(request).includes(resumePhrase)) return act('Another task added its export at the same place: keeping both.', tools.write('src/index.ts', allExports, true))
    if (resumedFor(request)) return end('Resolved the conflict in src/index.ts by keeping both exports.')
    switch (request.turn) {
      case 1:
        return act(`Adding ${name}.`, tools.write(`src/${module}.ts`, implementations[name], false))
      case 2:
        return act('Exporting it.', tools.write('src/index.ts', `${twoExports}export { ${name} } from './${module}.ts'\n`, true))
      case 3:
        return act('Running its test.', tools.shell(`node --test test/${module}.test.ts`))
      default:
        // titleCase ends a little later, so that truncate usually lands first and titleCase meets the conflict.
        return end(`Added ${name} and exported it.`, name === 'titleCase' ? { delayMs: 1_500 } : {})
    }
  }

  function worker(request: ScriptedRequest): ScriptedReply {
    switch (request.task) {
      case '2':
        return [
          act('Writing slugify.', tools.write('src/slugify.ts', implementations.slugify, true)),
          act('Running its test.', tools.shell('node --test test/slugify.test.ts')),
          act('Remembering what I learned.', tools.colony('note', { text: cliWorkerNote, files: ['src/slugify.ts'] })),
          act('Checking memory finds it.', tools.colony('recall', { query: 'separators dashes' })),
          act('Finishing through Colony.', tools.colony('finish', { summary: 'slugify lower-cases and joins runs of other characters with one dash.' })),
          // The last reply comes after a heartbeat or two: a task its holder merged is not a lost lease that kills the CLI.
        ][request.turn - 1] ?? end('Merged.', { delayMs: 3_000 })
      case '3': {
        if (lastMessageText(request).includes(resumePhrase)) return act('The gate shows runs of spaces count wrong: splitting on whitespace runs.', tools.write('src/word-count.ts', implementations.wordCount, true))
        if (request.turn === 1) return act('Splitting on spaces should do.', tools.write('src/word-count.ts', implementations.wordCountWrong, true))
        return end(request.turn === 2 ? 'wordCount splits on spaces.' : 'wordCount now counts runs of non-space characters.')
      }
      case '5':
        return newUtility(request, 'truncate', 'truncate')
      case '6':
        return newUtility(request, 'titleCase', 'title-case')
      default:
        return end('nothing scripted for this task')
    }
  }

  return (request) => (request.role === 'worker' ? worker(request) : demoScript(request))
}
