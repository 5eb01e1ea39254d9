export type PatchLineKind = 'added' | 'removed' | 'context' | 'hunk' | 'note'

export interface PatchLine {
  kind: PatchLineKind
  text: string
}

/** One file of a unified patch, as `git diff` writes it. */
export interface PatchFile {
  /** The file's path after the change (before it, for a deleted file). */
  path: string
  /** Its path before, when the change moved it. */
  from?: string
  /** What git says about the file besides its lines: new, deleted, renamed, mode changed, binary. */
  notes: string[]
  lines: PatchLine[]
}

/**
 * A `git diff` patch split into its files (at each `diff --git` line), each
 * line classed as added, removed, context or a hunk header. Paths come from
 * the `---`/`+++` lines, `rename from/to`, or else the `diff --git` line.
 *
 * @example
 *   patchFiles('diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n')
 *   // [{ path: 'x', notes: [], lines: [{ kind: 'hunk', ... }, { kind: 'removed', text: '-a' }, { kind: 'added', text: '+b' }] }]
 */
export function patchFiles(patch: string): PatchFile[] {
  const files: PatchFile[] = []
  let file: PatchFile | undefined
  let inHunk = false
  for (const line of patch.split('\n')) {
    if (line.startsWith('diff --git ')) {
      // `diff --git a/PATH b/PATH`: right for every path without " b/" in it, and overwritten below when git says more.
      const paths = /^diff --git a\/(.*) b\/(.*)$/.exec(line)
      file = { path: paths?.[2] ?? line.slice('diff --git '.length), notes: [], lines: [] }
      files.push(file)
      inHunk = false
      continue
    }
    if (!file || line === '') continue
    if (line.startsWith('@@')) {
      inHunk = true
      file.lines.push({ kind: 'hunk', text: line })
    } else if (inHunk && line.startsWith('+')) file.lines.push({ kind: 'added', text: line })
    else if (inHunk && line.startsWith('-')) file.lines.push({ kind: 'removed', text: line })
    else if (inHunk && line.startsWith(' ')) file.lines.push({ kind: 'context', text: line })
    else if (inHunk && line.startsWith('\\')) file.lines.push({ kind: 'note', text: line })
    // A deleted file's `+++` is /dev/null: its path is the `---` one.
    else if (line.startsWith('--- a/')) file.path = line.slice('--- a/'.length)
    else if (line.startsWith('+++ b/')) file.path = line.slice('+++ b/'.length)
    else if (line === '--- /dev/null' || line === '+++ /dev/null') continue
    else if (line.startsWith('rename from ')) file.from = line.slice('rename from '.length)
    else if (line.startsWith('rename to ')) file.path = line.slice('rename to '.length)
    else if (!line.startsWith('index ') && !line.startsWith('similarity index ')) file.notes.push(line)
  }
  return files
}
