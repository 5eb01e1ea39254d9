import { readFile, writeFile } from 'node:fs/promises'
import { z } from 'zod'
import { confinePath } from '../../sandbox/index.ts'
import { readModelText } from '../model-text.ts'
import { closestCandidates } from './closest-match.ts'
import { defineTool } from './tool.ts'

const description = readModelText(new URL('./edit-file.txt', import.meta.url))

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length
}

function occurrences(text: string, needle: string): number[] {
  const found: number[] = []
  for (let index = text.indexOf(needle); index !== -1; index = text.indexOf(needle, index + needle.length)) found.push(index)
  return found
}

function explainMiss(path: string, text: string, needle: string): string {
  const squeeze = (value: string) => value.replace(/\s+/g, ' ').trim()
  const candidates = closestCandidates(text, needle).filter((candidate) => candidate.score > 0.3)
  const whitespaceOnly = candidates.find((candidate) => squeeze(candidate.text) === squeeze(needle))
  const lead = whitespaceOnly
    ? `old_string matches lines ${whitespaceOnly.line}-${whitespaceOnly.line + whitespaceOnly.text.split('\n').length - 1} of ${path} only if whitespace is ignored: copy the exact text (indentation included) from read_file.`
    : `old_string was not found in ${path}.`
  if (candidates.length === 0) return `${lead} Nothing in the file resembles it; read_file the file to see its current content.`
  const shown = candidates.map((candidate) => `line ${candidate.line} (${Math.round(candidate.score * 100)}% similar):\n${candidate.text.slice(0, 600)}`).join('\n---\n')
  return `${lead} The closest passages:\n${shown}`
}

/**
 * The edit in the file's own line endings: models write `\n`, while a file
 * checked out with CRLF (`.gitattributes` eol=crlf, or committed so) has
 * `\r\n`. Such a file keeps its CRLF endings, new lines included.
 */
function inLineEndingsOf(text: string, oldString: string, newString: string): { oldString: string; newString: string } {
  const crlf = text.includes('\r\n') && !/(^|[^\r])\n/.test(text)
  if (!crlf || oldString.includes('\r')) return { oldString, newString }
  const toCrlf = (value: string) => value.replace(/\r?\n/g, '\r\n')
  return { oldString: toCrlf(oldString), newString: toCrlf(newString) }
}

export const editFileTool = defineTool({
  name: 'edit_file',
  description,
  inputSchema: z.object({
    path: z.string().describe('path relative to the workspace root'),
    old_string: z.string().min(1, 'old_string cannot be empty; use write_file to create a file'),
    new_string: z.string(),
    replace_all: z.boolean().optional(),
  }),
  async execute(input, context) {
    const path = confinePath(context.workspace, input.path)
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`${input.path} does not exist; create it with write_file`, { cause: error })
      throw error
    }
    if (input.old_string === input.new_string) throw new Error('old_string and new_string are the same; nothing would change')
    const { oldString, newString } = inLineEndingsOf(text, input.old_string, input.new_string)
    const found = occurrences(text, oldString)
    if (found.length === 0) throw new Error(explainMiss(input.path, text, input.old_string))
    if (found.length > 1 && !input.replace_all) {
      throw new Error(`old_string occurs ${found.length} times in ${input.path} (lines ${found.map((offset) => lineOf(text, offset)).join(', ')}); add surrounding lines to make it unique, or set replace_all to true`)
    }
    const updated = input.replace_all ? text.replaceAll(oldString, newString) : text.replace(oldString, () => newString)
    await writeFile(path, updated)
    return `edited ${input.path}: ${found.length} replacement${found.length === 1 ? '' : 's'} at line${found.length === 1 ? '' : 's'} ${found.map((offset) => lineOf(text, offset)).join(', ')}`
  },
})
