import type { Command } from 'commander'
import { messageLimits, scopeProblem, textProblem } from '../../board/index.ts'
import { describeMemory } from '../../memory/index.ts'
import { memoryKinds, memoryToJson, type Memory, type MemoryKind } from '../../store/index.ts'
import { terminalText } from '../../terminal/index.ts'
import { formatTime, printJson } from '../format.ts'
import { withSession } from '../session.ts'
import { UsageError, parseId, parseTaskId, parseWholeNumber } from '../usage-error.ts'

/** Who a command typed at this terminal acts as, as every other command records it (createControls' default actor). */
const actor = 'person'

const maxQueryLength = 1_000
const maxFiles = 100
const collect = (value: string, previous: string[]) => [...previous, value]

interface FilterOptions {
  kind?: string
  task?: string
  file: string[]
  limit?: string
}

function parseKinds(text: string): MemoryKind[] {
  return text.split(',').map((kind) => {
    const trimmed = kind.trim() as MemoryKind
    if (!memoryKinds.includes(trimmed)) throw new UsageError('--kind', `unknown memory kind "${kind}"`, `use one of: ${memoryKinds.join(', ')}`)
    return trimmed
  })
}

function parseMemoryId(text: string): number {
  return parseId(text, 'ID', 'memory ids are whole numbers such as 3; see them with `colony memory`')
}

/** Paths relative to the repository root that stay inside it, as scopes are (`src/date/`, `README.md`). */
function parseFiles(files: readonly string[]): string[] {
  if (files.length > maxFiles) throw new UsageError('--file', `${files.length} files; at most ${maxFiles} are allowed`, 'name the directory that holds them instead, e.g. --file src/date/')
  for (const file of files) {
    const problem = scopeProblem(file)
    if (problem) throw new UsageError('--file', `the file ${JSON.stringify(file.length > 80 ? `${file.slice(0, 80)}…` : file)} ${problem}`, 'write a path relative to the repository root, e.g. --file src/date/parse.ts or --file src/date/')
  }
  return files.map((file) => file.trim())
}

/** The store filter the options ask for, checked before anything is opened. */
function parseFilter(options: FilterOptions, defaultLimit: number): { kinds?: MemoryKind[]; taskId?: number; files?: string[]; limit: number } {
  const files = parseFiles(options.file)
  return {
    ...(options.kind !== undefined && { kinds: parseKinds(options.kind) }),
    ...(options.task !== undefined && { taskId: parseTaskId(options.task, '--task') }),
    ...(files.length > 0 && { files }),
    limit: options.limit === undefined ? defaultLimit : parseWholeNumber(options.limit, '--limit', 1, 100_000, defaultLimit),
  }
}

/** Memories as people read them: each with its provenance header, a blank line between; shown by terminalText. */
function formatMemories(memories: readonly Memory[]): string {
  return memories.map((memory) => terminalText(describeMemory(memory), { multiline: true })).join('\n\n')
}

const filterOptions = (command: Command, limitNote: string) =>
  command
    .option('--kind <kinds>', `only these kinds, comma-separated: ${memoryKinds.join(', ')}`)
    .option('--task <id>', 'only memories written about this task')
    .option('--file <path>', 'only memories about this path, a directory holding it or, for a directory, a path inside it (repeatable)', collect, [])
    .option('--limit <n>', limitNote)

/**
 * `colony memory`: what Colony remembers about this repository (agents'
 * notes, handoffs, failures, verdicts, people's instructions), searched,
 * shown, added to and forgotten by a person.
 */
export function registerMemory(program: Command): void {
  const memory = filterOptions(
    program
      .command('memory')
      .description('what Colony remembers about this repository, newest first; search it, show one, add a standing instruction, forget one')
      .usage('[options] [command]')
      .argument('[command]', 'search, show, add or forget (none lists memories)')
      .allowExcessArguments(),
    'how many, newest first (default 20)',
  )
    .option('--all', 'include forgotten memories')
    .option('--json', 'a JSON array of memories (see docs/cli.md)')
    .action(async (name: string | undefined, options: FilterOptions & { all?: boolean; json?: boolean }) => {
      if (name !== undefined) {
        throw new UsageError('COMMAND', `unknown command ${JSON.stringify(`colony memory ${name}`)}`, 'colony memory [search|show|add|forget] (see `colony memory --help`)')
      }
      const filter = parseFilter(options, 20)
      await withSession(process.cwd(), async ({ store }) => {
        // One more than asked for says whether there are more, without a count over the whole table.
        const found = await store.listMemories({ ...filter, includeForgotten: options.all === true, limit: filter.limit + 1 })
        const memories = found.slice(0, filter.limit)
        if (options.json) return printJson(memories.map(memoryToJson))
        if (memories.length === 0) {
          const filtered = filter.kinds !== undefined || filter.taskId !== undefined || filter.files !== undefined
          return void process.stdout.write(filtered ? 'no memories match these options\n' : 'Colony remembers nothing yet; add a standing instruction with `colony memory add TEXT`\n')
        }
        const more = found.length > filter.limit ? `\n\nthe newest ${filter.limit} are shown; see more with --limit ${Math.min(filter.limit * 2, 100_000)}` : ''
        process.stdout.write(`${formatMemories(memories)}${more}\n`)
      })
    })

  filterOptions(
    memory
      .command('search')
      .description('recall memories by words, best match first (words match their other forms: "configured" finds "configuration")')
      .argument('<query...>', 'words to look for'),
    'how many, best first (default 10)',
  )
    .option('--json', 'a JSON array of memories, each with its score (see docs/cli.md)')
    .action(async (words: string[], options: FilterOptions & { json?: boolean }) => {
      const query = words.join(' ').trim()
      const problem = textProblem(query, { maxLength: maxQueryLength, multiline: false, required: true })
      if (problem) throw new UsageError('QUERY', `the query ${problem}`, 'give a few words to look for, e.g. colony memory search date parser')
      const filter = parseFilter(options, 10)
      await withSession(process.cwd(), async ({ store }) => {
        const hits = await store.recallMemories(query, filter)
        if (options.json) return printJson(hits.map((hit) => ({ ...memoryToJson(hit), score: hit.score })))
        if (hits.length === 0) {
          return void process.stdout.write(terminalText(`no memory matches "${query}"; try other words (a name, a file, what failed), fewer options, or list the newest with \`colony memory\``) + '\n')
        }
        process.stdout.write(`${formatMemories(hits)}\n`)
      })
    })

  memory
    .command('show')
    .description('one memory with its provenance and its whole text')
    .argument('<id>', 'memory id')
    .option('--json', 'the memory as JSON (see docs/cli.md)')
    .action(async (idText: string, options: { json?: boolean }) => {
      const id = parseMemoryId(idText)
      await withSession(process.cwd(), async ({ store }) => {
        const shown = await store.getMemory(id)
        if (options.json) return printJson(memoryToJson(shown))
        process.stdout.write(`${terminalText(describeMemory(shown, Number.POSITIVE_INFINITY), { multiline: true })}\n`)
      })
    })

  memory
    .command('add')
    .description('a standing instruction: planners and workers see it in every request until it is forgotten')
    .argument('<text...>', 'what agents should always know or do')
    .option('--file <path>', 'a path it is about (repeatable)', collect, [])
    .option('--json', 'the new memory as JSON (see docs/cli.md)')
    .action(async (words: string[], options: { file: string[]; json?: boolean }) => {
      const text = words.join(' ').trim()
      const problem = textProblem(text, { maxLength: messageLimits.steeringLength, multiline: true, required: true })
      if (problem) throw new UsageError('TEXT', `the instruction ${problem}`, 'say in a few sentences what agents should always know, e.g. colony memory add "dates are UTC everywhere"')
      const files = parseFiles(options.file)
      // Checked before the store is opened: a refused instruction leaves no trace.
      await withSession(process.cwd(), async ({ store, run }) => {
        const added = await store.addMemory({ kind: 'steer', role: 'person', author: actor, standing: true, text, files, runId: run.id }, (saved) => [
          { runId: run.id, type: 'memory-added', data: { memory: saved.id, kind: saved.kind, actor, text: saved.text } },
        ])
        if (options.json) return printJson(memoryToJson(added))
        process.stdout.write(`memory ${added.id} added: planners and workers see it until you forget it with \`colony memory forget ${added.id}\`\n`)
      })
    })

  memory
    .command('forget')
    .description('agents stop seeing a memory; it stays in the record, shown with `colony memory --all`')
    .argument('<id>', 'memory id')
    .action(async (idText: string) => {
      const id = parseMemoryId(idText)
      await withSession(process.cwd(), async ({ store, run }) => {
        const existing = await store.getMemory(id)
        if (existing.forgotten) {
          const { by, at } = existing.forgotten
          return void process.stdout.write(`${terminalText(`memory ${id} was already forgotten by ${by} at ${formatTime(at)}; nothing changed`)}\n`)
        }
        await store.forgetMemory(id, actor, [{ runId: run.id, type: 'memory-forgotten', data: { memory: id, actor } }])
        process.stdout.write(`memory ${id} forgotten: agents no longer see it; it stays in the record (\`colony memory show ${id}\`)\n`)
      })
    })
}
