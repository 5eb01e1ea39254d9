import type { TaskChange } from '../api.ts'
import { patchFiles } from '../patch-files.ts'
import { DiffLines } from './DiffLines.tsx'

type StatEntry = TaskChange['stat'][number]

const countsOf = (entry: StatEntry | undefined) =>
  entry === undefined ? null : entry.added === null ? <span className="quiet">binary</span> : (
    <>
      <span className="added">+{entry.added}</span> <span className="removed">−{entry.removed}</span>
    </>
  )

/** A change file by file, as a reviewer reads it: each file's lines added and removed, coloured, and each file foldable. */
export function DiffView({ change, taskId }: { change: TaskChange; taskId: number }) {
  const files = patchFiles(change.patch)
  const stat = new Map(change.stat.map((entry) => [entry.path, entry]))
  const added = change.stat.reduce((sum, entry) => sum + (entry.added ?? 0), 0)
  const removed = change.stat.reduce((sum, entry) => sum + (entry.removed ?? 0), 0)
  const notShown = change.stat.filter((entry) => !files.some((file) => file.path === entry.path))
  if (change.stat.length === 0) return <p className="quiet">No files changed yet.</p>
  return (
    <div className="diff">
      <p className="meta">
        {change.stat.length} {change.stat.length === 1 ? 'file' : 'files'} changed · <span className="added">+{added}</span> <span className="removed">−{removed}</span>
      </p>
      {files.map((file) => (
        <details open key={file.path} className="diff-file" data-path={file.path}>
          <summary>
            <code>{file.from === undefined ? file.path : `${file.from} → ${file.path}`}</code> {countsOf(stat.get(file.path))}
            {file.notes.length > 0 && <span className="quiet"> · {file.notes.join(' · ')}</span>}
          </summary>
          {file.lines.length > 0 && <DiffLines lines={file.lines} />}
        </details>
      ))}
      {change.truncated && (
        <p className="reason">
          The patch is too long to show whole here{notShown.length > 0 && `; not shown: ${notShown.map((entry) => entry.path).join(', ')}`}. <code>colony diff {taskId}</code> prints all of it.
        </p>
      )}
    </div>
  )
}
