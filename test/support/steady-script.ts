import type { Script, ScriptedReply, ScriptedRequest } from '../../src/model/scripted/index.ts'

/**
 * A scripted run of textkit whose every step takes a moment and whose result
 * does not depend on timing (titleCase waits for truncate), so a run killed
 * anywhere and resumed must end exactly as an uninterrupted one.
 */
const twoExports = "export { slugify } from './slugify.ts'\nexport { wordCount } from './word-count.ts'"
const code: Record<string, string> = {
  'src/slugify.ts': "export function slugify(text: string): string {\n  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')\n}\n",
  'src/word-count.ts': 'export function wordCount(text: string): number {\n  return text.split(/\\s+/).filter(Boolean).length\n}\n',
  'src/truncate.ts': "export function truncate(text: string, max: number): string {\n  return text.length <= max ? text : `${text.slice(0, max - 1)}…`\n}\n",
  'src/title-case.ts': "const minor = new Set(['a', 'an', 'and', 'of', 'the'])\n\nexport function titleCase(text: string): string {\n  return text.split(' ').map((word, index) => (index > 0 && minor.has(word) ? word : word.charAt(0).toUpperCase() + word.slice(1))).join(' ')\n}\n",
}
const edits: Record<string, [string, string]> = {
  '5': [twoExports, `${twoExports}\nexport { truncate } from './truncate.ts'`],
  '6': ["export { truncate } from './truncate.ts'", "export { truncate } from './truncate.ts'\nexport { titleCase } from './title-case.ts'"],
}
const files: Record<string, string> = { '2': 'src/slugify.ts', '3': 'src/word-count.ts', '5': 'src/truncate.ts', '6': 'src/title-case.ts' }

export function steadyScript(delays: { planner: number; worker: number } = { planner: 800, worker: 300 }): Script {
  const call = (name: string, input: unknown, delayMs: number): ScriptedReply => ({ toolCalls: [{ name, input }], usage: { input: 1_000, output: 100 }, delayMs })
  return (request: ScriptedRequest) => {
    if (request.purpose === 'summary') return { text: 'summary' }
    if (request.role === 'planner') {
      const first = JSON.stringify(request.body).includes('This is turn 1 on this plan') && request.turn === 1
      if (!first) return call('finish', { summary: 'planned' }, delays.planner)
      const work = (title: string, file: string, test: string, extra: Record<string, unknown> = {}) => ({ title, description: title, acceptance: [`sleep 1 && node --test test/${test}.test.ts`], scope: [file], ...extra })
      if (request.task === '1') {
        return call('create_tasks', { tasks: [work('Implement slugify', 'src/slugify.ts', 'slugify'), work('Implement wordCount', 'src/word-count.ts', 'word-count'), { title: 'New utilities', description: 'truncate and titleCase', acceptance: [], kind: 'plan' }] }, delays.planner)
      }
      return call('create_tasks', {
        tasks: [
          work('Add truncate', 'src/truncate.ts', 'truncate', { scope: ['src/truncate.ts', 'src/index.ts'] }),
          work('Add titleCase', 'src/title-case.ts', 'title-case', { scope: ['src/title-case.ts', 'src/index.ts'], depends_on: ['Add truncate'] }),
        ],
      }, delays.planner)
    }
    if (request.role === 'judge') {
      return request.turn === 1 ? call('run_command', { command: 'npm test' }, delays.worker) : call('verdict', { decision: 'done', reason: 'npm test passes' }, delays.worker)
    }
    const task = request.task ?? ''
    const file = files[task]!
    const steps: ScriptedReply[] = [call('read_file', { path: 'SPEC.md' }, delays.worker), call('write_file', { path: file, content: code[file] }, delays.worker)]
    const edit = edits[task]
    if (edit) steps.push(call('edit_file', { path: 'src/index.ts', old_string: edit[0], new_string: edit[1] }, delays.worker))
    steps.push(call('finish', { summary: `done ${file}` }, delays.worker))
    // A resumed attempt starts its conversation over: the script simply replays from the top.
    return steps[Math.min(request.turn, steps.length) - 1]!
  }
}
