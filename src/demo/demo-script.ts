import type { Script, ScriptedReply, ScriptedRequest } from '../model/scripted/index.ts'

/**
 * The scripted agents of `colony demo`, for the bundled textkit project. The
 * script is stateless (it answers from the caller's role, task and turn and
 * from the tool results in the request), so a run killed and resumed gets the
 * same answers. Task ids follow from the order the planners create tasks:
 * 1 is the root plan, 2–4 the root planner's tasks (4 is a plan for a
 * sub-planner), 5–6 the sub-planner's.
 */
const implementations: Record<string, string> = {
  slugify: "export function slugify(text: string): string {\n  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')\n}\n",
  wordCountWrong: "export function wordCount(text: string): number {\n  return text.split(' ').length\n}\n",
  wordCount: 'export function wordCount(text: string): number {\n  return text.split(/\\s+/).filter(Boolean).length\n}\n',
  truncate: "export function truncate(text: string, max: number): string {\n  return text.length <= max ? text : `${text.slice(0, max - 1)}…`\n}\n",
  titleCase:
    "const minor = new Set(['a', 'an', 'and', 'of', 'the'])\n\nexport function titleCase(text: string): string {\n  return text\n    .split(' ')\n    .map((word, index) => (index > 0 && minor.has(word) ? word : word.charAt(0).toUpperCase() + word.slice(1)))\n    .join(' ')\n}\n",
}

const twoExports = "export { slugify } from './slugify.ts'\nexport { wordCount } from './word-count.ts'"
const allExports = `${twoExports}\nexport { truncate } from './truncate.ts'\nexport { titleCase } from './title-case.ts'\n`

const call = (name: string, input: unknown, extra: Partial<ScriptedReply> = {}): ScriptedReply => ({ toolCalls: [{ name, input }], usage: { input: 2_400, output: 180 }, delayMs: 250, ...extra })
const say = (text: string, name: string, input: unknown, extra: Partial<ScriptedReply> = {}): ScriptedReply => ({ ...call(name, input, extra), text })

function lastResult(request: ScriptedRequest): string {
  return request.toolResults.at(-1) ?? ''
}

function planner(request: ScriptedRequest): ScriptedReply {
  const body = JSON.stringify(request.body)
  const firstTurnOnPlan = body.includes('This is turn 1 on this plan')
  if (!firstTurnOnPlan || request.turn > 1) return call('finish', { summary: firstTurnOnPlan ? 'Tasks created; waiting for their handoffs.' : 'Handoffs read; nothing left to plan here.' })
  if (request.task === '1') {
    return say('Two utilities exist as stubs; two are new and both touch src/index.ts, so a sub-planner gets them.', 'create_tasks', {
      tasks: [
        { title: 'Implement slugify', description: 'Implement slugify in src/slugify.ts as SPEC.md says.', acceptance: ['node --test test/slugify.test.ts'], scope: ['src/slugify.ts'] },
        { title: 'Implement wordCount', description: 'Implement wordCount in src/word-count.ts as SPEC.md says.', acceptance: ['node --test test/word-count.test.ts'], scope: ['src/word-count.ts'] },
        { title: 'New utilities: truncate and titleCase', description: 'Add truncate and titleCase (SPEC.md), each in its own module, both exported from src/index.ts.', acceptance: [], scope: ['src/truncate.ts', 'src/title-case.ts', 'src/index.ts'], kind: 'plan' },
      ],
    })
  }
  return say('Each utility is its own task; both add a line to src/index.ts.', 'create_tasks', {
    tasks: [
      { title: 'Add truncate', description: 'Add truncate in src/truncate.ts (SPEC.md) and export it from src/index.ts.', acceptance: ['node --test test/truncate.test.ts'], scope: ['src/truncate.ts', 'src/index.ts'] },
      { title: 'Add titleCase', description: 'Add titleCase in src/title-case.ts (SPEC.md) and export it from src/index.ts.', acceptance: ['node --test test/title-case.test.ts'], scope: ['src/title-case.ts', 'src/index.ts'] },
    ],
  })
}

/** truncate and titleCase: both append to src/index.ts, so whichever lands second resolves a conflict. */
function newUtility(request: ScriptedRequest, name: 'truncate' | 'titleCase', file: string): ScriptedReply {
  const last = lastResult(request)
  if (/conflict/i.test(last)) return say('Another task added its export at the same place: keeping both.', 'write_file', { path: 'src/index.ts', content: allExports })
  if (last.startsWith('wrote src/index.ts')) return call('finish', { summary: `Added ${name}; resolved the conflict in src/index.ts by keeping both exports.` })
  switch (request.turn) {
    case 1:
      return say(`Adding ${name}.`, 'write_file', { path: file, content: implementations[name] })
    case 2:
      return call('edit_file', { path: 'src/index.ts', old_string: twoExports, new_string: `${twoExports}\nexport { ${name} } from './${file.slice(4, -3)}.ts'` })
    case 3:
      return call('run_command', { command: `node --test test/${file.slice(4, -3)}.test.ts` })
    default:
      // titleCase finishes a little later, so that truncate usually lands first and titleCase meets the conflict.
      return call('finish', { summary: `Added ${name} and exported it.` }, name === 'titleCase' ? { delayMs: 1_500 } : {})
  }
}

function worker(request: ScriptedRequest): ScriptedReply {
  switch (request.task) {
    case '2':
      return [
        say('Reading the stub.', 'read_file', { path: 'src/slugify.ts' }),
        call('write_file', { path: 'src/slugify.ts', content: implementations.slugify }),
        call('run_command', { command: 'node --test test/slugify.test.ts' }),
        call('finish', { summary: 'slugify lower-cases and joins runs of other characters with one dash.' }),
      ][Math.min(request.turn, 4) - 1]!
    case '3': {
      // The first version splits on single spaces: its gate fails, and the worker fixes it.
      if (request.turn === 1) return say('Splitting on spaces should do.', 'write_file', { path: 'src/word-count.ts', content: implementations.wordCountWrong })
      if (request.turn === 2) return call('finish', { summary: 'wordCount splits on spaces.' })
      if (request.turn === 3) return say('The gate shows runs of spaces and tabs count wrong: split on whitespace runs instead.', 'write_file', { path: 'src/word-count.ts', content: implementations.wordCount })
      return call('finish', { summary: 'wordCount counts runs of non-space characters (fixed after the gate caught splitting on single spaces).' })
    }
    case '5':
      return newUtility(request, 'truncate', 'src/truncate.ts')
    case '6':
      return newUtility(request, 'titleCase', 'src/title-case.ts')
    default:
      return call('finish', { summary: 'nothing scripted for this task' })
  }
}

function judge(request: ScriptedRequest): ScriptedReply {
  if (request.turn === 1) return say('Checking the target myself.', 'run_command', { command: 'npm test' })
  const passed = /exit code 0/.test(lastResult(request))
  return call('verdict', passed ? { decision: 'done', reason: 'All four utilities are implemented and npm test passes on the target.' } : { decision: 'continue', reason: 'npm test still fails on the target.' })
}

export const demoScript: Script = (request) => {
  if (request.purpose === 'summary') return { text: 'Earlier steps: read the code, changed it, ran the tests.' }
  if (request.role === 'planner') return planner(request)
  if (request.role === 'judge') return judge(request)
  return worker(request)
}
