import { lineDiff } from '../line-diff.ts'
import { DiffLines } from './DiffLines.tsx'

/** What a tool answered, as text, and whether it was a failure the model was told about. */
export interface ToolOutcome {
  text: string
  failed: boolean
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)
const firstLine = (text: string) => text.split('\n').find((line) => line.trim() !== '')?.trim() ?? ''
const lineCount = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0)

/**
 * One tool call in a transcript, readable: edit_file as a diff of the text it
 * replaced, write_file as the file it wrote, run_command as the command and
 * what it printed, any other tool as its arguments laid out (strings as
 * text, never JSON with `\n` escapes); then what the tool answered.
 */
export function ToolCall({ name, input, outcome }: { name: string; input: unknown; outcome: ToolOutcome | undefined }) {
  const fields = isRecord(input) ? input : {}
  const text = (key: string) => (typeof fields[key] === 'string' ? fields[key] : undefined)
  const path = text('path')
  const [oldString, newString, content, command] = [text('old_string'), text('new_string'), text('content'), text('command')]

  if (name === 'edit_file' && oldString !== undefined && newString !== undefined) {
    return (
      <div className="tool-call" data-tool={name}>
        <header>
          edit_file <code>{path}</code>
          {fields.replace_all === true && <span className="quiet"> every occurrence</span>}
        </header>
        <DiffLines lines={lineDiff(oldString, newString)} />
        <Outcome outcome={outcome} open={outcome?.failed === true} />
      </div>
    )
  }
  if (name === 'write_file' && content !== undefined) {
    return (
      <div className="tool-call" data-tool={name}>
        <header>
          write_file <code>{path}</code> <span className="quiet">{lineCount(content)} lines</span>
        </header>
        <pre className="file-content">{content}</pre>
        <Outcome outcome={outcome} open={outcome?.failed === true} />
      </div>
    )
  }
  if (name === 'run_command' && command !== undefined) {
    return (
      <div className="tool-call" data-tool={name}>
        <pre className="command">$ {command}</pre>
        <Outcome outcome={outcome} open />
      </div>
    )
  }
  return (
    <div className="tool-call" data-tool={name}>
      <header>{name}</header>
      <Value value={input} />
      <Outcome outcome={outcome} open={outcome?.failed === true} />
    </div>
  )
}

function Outcome({ outcome, open }: { outcome: ToolOutcome | undefined; open: boolean }) {
  if (!outcome) return <p className="quiet">no answer recorded</p>
  return (
    <details className={outcome.failed ? 'tool-outcome failed' : 'tool-outcome'} open={open}>
      <summary>
        {outcome.failed ? 'failed' : 'answered'}: {firstLine(outcome.text)}
      </summary>
      <pre className="output">{outcome.text}</pre>
    </details>
  )
}

/** Any JSON value laid out to read: objects as fields, lists as lists, text with its line breaks. */
export function Value({ value }: { value: unknown }) {
  if (typeof value === 'string') return value.includes('\n') ? <pre className="value">{value}</pre> : <span className="value">{value}</span>
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="quiet">none</span>
    return (
      <ol className="value-list">
        {(value as unknown[]).map((item, index) => (
          <li key={index}>
            <Value value={item} />
          </li>
        ))}
      </ol>
    )
  }
  if (isRecord(value)) {
    return (
      <dl className="value-fields">
        {Object.entries(value).map(([key, field]) => (
          <div key={key}>
            <dt>{key}</dt>
            <dd>
              <Value value={field} />
            </dd>
          </div>
        ))}
      </dl>
    )
  }
  return <code>{String(value)}</code>
}
