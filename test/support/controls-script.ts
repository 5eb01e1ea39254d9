import type { Script, ScriptedReply } from '../../src/model/scripted/index.ts'

/**
 * For steering a live run: the planner proposes five tasks (they wait for
 * approval); "Implement slugify" and "Implement wordCount" just work; "Add
 * truncate" breaks down on its first attempt (the same failing call, a stall)
 * and works on a retry; "Add titleCase" reads slowly forever (to be cancelled);
 * "Write a changelog" is to be rejected.
 */
export const controlsScript: Script = (request) => {
  const call = (name: string, input: unknown, delayMs = 300): ScriptedReply => ({ toolCalls: [{ name, input }], usage: { input: 1_000, output: 100 }, delayMs })
  const body = JSON.stringify(request.body)
  if (request.purpose === 'summary') return { text: 'summary' }
  if (request.role === 'planner') {
    if (!body.includes('This is turn 1 on this plan') || request.turn > 1) return call('finish', { summary: 'waiting for handoffs' })
    const task = (title: string, file: string, test: string) => ({ title, description: title, acceptance: [`node --test test/${test}.test.ts`], scope: [file, 'src/index.ts'] })
    return call('create_tasks', {
      tasks: [
        task('Implement slugify', 'src/slugify.ts', 'slugify'),
        task('Implement wordCount', 'src/word-count.ts', 'word-count'),
        { ...task('Add truncate', 'src/truncate.ts', 'truncate'), acceptance: ['test -s src/truncate.ts'], scope: ['src/truncate.ts'] },
        { ...task('Add titleCase', 'src/title-case.ts', 'title-case'), scope: ['src/title-case.ts'] },
        { title: 'Write a changelog', description: 'CHANGELOG.md', acceptance: ['test -f CHANGELOG.md'], scope: ['CHANGELOG.md'] },
      ],
    })
  }
  if (request.role === 'judge') return request.turn === 1 ? call('run_command', { command: 'node --test test/slugify.test.ts test/word-count.test.ts' }) : call('verdict', { decision: 'done', reason: 'the approved work is in' })
  const writes: Record<string, [string, string]> = {
    'Implement slugify': ['src/slugify.ts', "export function slugify(text: string): string {\n  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')\n}\n"],
    'Implement wordCount': ['src/word-count.ts', 'export function wordCount(text: string): number {\n  return text.split(/\\s+/).filter(Boolean).length\n}\n'],
    'Add truncate': ['src/truncate.ts', "export function truncate(text: string, max: number): string {\n  return text.length <= max ? text : `${text.slice(0, max - 1)}…`\n}\n"],
  }
  const title = Object.keys(writes).find((candidate) => body.includes(`Title: ${candidate}`))
  if (body.includes('Title: Add titleCase')) return call('read_file', { path: 'SPEC.md', start_line: request.turn }, 400)
  if (title === 'Add truncate' && !body.includes('From the board: retried')) return call('read_file', { path: 'no/such/file.ts' })
  if (!title) return call('finish', { summary: 'nothing to do' })
  const [file, content] = writes[title]!
  return request.turn === 1 ? call('write_file', { path: file, content }) : call('finish', { summary: `${title} done` })
}
