import type { PatchLine } from '../patch-files.ts'

/** Lines of a patch, each coloured by what it is: added, removed, context, a hunk header. */
export function DiffLines({ lines }: { lines: PatchLine[] }) {
  return (
    <pre className="diff-lines">
      {lines.map((line, index) => (
        <span key={index} className={`line-${line.kind}`}>
          {line.text}
          {'\n'}
        </span>
      ))}
    </pre>
  )
}
