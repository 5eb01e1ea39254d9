import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Git } from './git.ts'

export interface ConflictedFile {
  path: string
  /** The file with git's conflict markers, or the regions around them when the file is large. */
  content: string
  /** 1-based lines where a `<<<<<<<` marker starts. */
  markerLines: number[]
}

const markerPattern = /^(<{7}|={7}|>{7})( |$)/
const wholeFileLimit = 16_000
const regionContext = 12

/** Paths git reports as unmerged in a worktree. */
export async function unmergedPaths(git: Git): Promise<string[]> {
  return git.lines(['diff', '--name-only', '--diff-filter=U'])
}

export function markerLines(text: string): number[] {
  const lines: number[] = []
  text.split('\n').forEach((line, index) => {
    if (markerPattern.test(line)) lines.push(index + 1)
  })
  return lines
}

function conflictStarts(text: string): number[] {
  const starts: number[] = []
  text.split('\n').forEach((line, index) => {
    if (line.startsWith('<<<<<<<')) starts.push(index + 1)
  })
  return starts
}

function excerpt(text: string): string {
  if (text.length <= wholeFileLimit) return text
  const lines = text.split('\n')
  const keep = new Set<number>()
  lines.forEach((line, index) => {
    if (!markerPattern.test(line)) return
    for (let near = index - regionContext; near <= index + regionContext; near++) if (near >= 0 && near < lines.length) keep.add(near)
  })
  const parts: string[] = []
  let previous = -2
  for (const index of [...keep].sort((a, b) => a - b)) {
    if (index !== previous + 1) parts.push(`... (line ${index + 1})`)
    parts.push(lines[index] ?? '')
    previous = index
  }
  return parts.join('\n')
}

/** The conflicted files of a stopped rebase, with their markers, for the worker to resolve. */
export async function readConflicts(git: Git, paths: string[]): Promise<ConflictedFile[]> {
  const files: ConflictedFile[] = []
  for (const path of paths) {
    const text = await readFile(join(git.cwd, path), 'utf8').catch(() => '(deleted on one side: decide whether the file should exist)')
    files.push({ path, content: excerpt(text), markerLines: conflictStarts(text) })
  }
  return files
}

/** Files among `paths` that still contain conflict markers. */
export async function filesWithMarkers(root: string, paths: string[]): Promise<string[]> {
  const marked: string[] = []
  for (const path of paths) {
    const text = await readFile(join(root, path), 'utf8').catch(() => '')
    if (markerLines(text).length > 0) marked.push(path)
  }
  return marked
}
