import { useEffect, useState } from 'react'
import type { MemoryKind } from '../../store/index.ts'
import { answer, describeProblem, type Api, type Memory } from '../api.ts'

/**
 * The store's memoryKinds, restated: src/store/index.ts also opens databases,
 * which a browser bundle cannot hold. Every kind is listed, so one added to
 * the store fails this build until it is named here.
 */
const kindNames: Record<MemoryKind, string> = { note: 'notes', handoff: 'handoffs', failure: 'failures', verdict: 'verdicts', steer: 'steering' }
const kinds = Object.keys(kindNames) as MemoryKind[]
/** Long enough that a search waits for the person to stop typing, short enough to feel live. */
const searchDelayMs = 300

/**
 * What Colony remembers about the repository across runs: the newest
 * memories, or those matching a search (best first), each with who wrote it
 * and where, whether the files it is about changed since, and a Forget
 * button; and a form for a person's standing instruction, which planners and
 * workers see in every request until it is forgotten.
 */
export function MemoryPanel({ api, refreshKey }: { api: Api; refreshKey: number }) {
  const [typed, setTyped] = useState('')
  const [search, setSearch] = useState('')
  const [kind, setKind] = useState<MemoryKind | ''>('')
  const [memories, setMemories] = useState<Memory[]>()
  const [problem, setProblem] = useState<string>()
  const [changes, setChanges] = useState(0)
  const [instruction, setInstruction] = useState('')
  const [files, setFiles] = useState('')

  useEffect(() => {
    const timer = setTimeout(() => setSearch(typed.trim()), searchDelayMs)
    return () => clearTimeout(timer)
  }, [typed])

  useEffect(() => {
    // An answer to an older search can arrive after a newer one's: only the latest is shown.
    let current = true
    answer(api.routes.memory.$get({ query: { ...(search && { q: search }), ...(kind && { kind }) } }))
      .then((answered) => {
        if (!current) return
        setMemories(answered.memories)
        setProblem(undefined)
      })
      .catch((error: unknown) => current && setProblem(describeProblem(error)))
    return () => {
      current = false
    }
  }, [api, search, kind, refreshKey, changes])

  async function change(call: () => Promise<unknown>): Promise<boolean> {
    try {
      await call()
      setProblem(undefined)
      setChanges((count) => count + 1)
      return true
    } catch (error) {
      setProblem(describeProblem(error))
      return false
    }
  }

  async function remember() {
    const paths = files.split(/[\s,]+/).filter((path) => path.length > 0)
    const added = await change(() => answer(api.routes.memory.$post({ json: { text: instruction, ...(paths.length > 0 && { files: paths }) } })))
    // A refused instruction stays in the form, to be corrected rather than typed again.
    if (added) {
      setInstruction('')
      setFiles('')
    }
  }

  function forget(memory: Memory) {
    if (!confirm(`Forget memory ${memory.id}? Agents stop seeing it; it stays in the record.`)) return
    void change(() => answer(api.routes.memory[':id'].$delete({ param: { id: String(memory.id) }, json: {} })))
  }

  return (
    <section className="memory" aria-label="memory">
      <h2>
        Memory <span className="count">{memories === undefined ? '' : search ? `${memories.length} matching, best first` : `${memories.length} newest`}</span>
      </h2>
      <div className="memory-filters">
        <input type="search" aria-label="search memory" placeholder="Search what agents and people recorded, e.g. date parsing" value={typed} onChange={(event) => setTyped(event.target.value)} />
        <select aria-label="memory kind" value={kind} onChange={(event) => setKind(event.target.value as MemoryKind | '')}>
          <option value="">all kinds</option>
          {kinds.map((name) => (
            <option key={name} value={name}>
              {kindNames[name]}
            </option>
          ))}
        </select>
      </div>
      <form
        className="memory-add"
        onSubmit={(event) => {
          event.preventDefault()
          if (instruction.trim()) void remember()
        }}
      >
        <input aria-label="standing instruction" placeholder="A standing instruction for every planner and worker, e.g. dates are UTC everywhere" value={instruction} onChange={(event) => setInstruction(event.target.value)} />
        <input aria-label="instruction files" placeholder="about files (optional): src/dates/, README.md" value={files} onChange={(event) => setFiles(event.target.value)} />
        <button type="submit" disabled={!instruction.trim()}>
          Remember
        </button>
      </form>
      {problem && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
      {memories?.length === 0 && <p className="quiet">{search ? `Nothing in memory matches "${search}".` : 'Nothing remembered yet: agents record notes, handoffs, failures and verdicts as they work.'}</p>}
      <ol className="memories">
        {memories?.map((memory) => (
          <MemoryItem key={memory.id} memory={memory} forget={() => forget(memory)} />
        ))}
      </ol>
    </section>
  )
}

function MemoryItem({ memory, forget }: { memory: Memory; forget: () => void }) {
  return (
    <li className={`memory-item${memory.stale ? ' is-stale' : ''}${memory.standing ? ' is-standing' : ''}`} data-testid={`memory-${memory.id}`}>
      <header>
        <span className="id">#{memory.id}</span> <span className={`badge kind-${memory.kind}`}>{memory.kind}</span>
        {memory.standing && <span className="badge standing">standing instruction</span>}
        {memory.stale && (
          <span className="badge stale" title="the files it is about changed on the target after it was written: check it against the code">
            stale
          </span>
        )}
        <button type="button" className="quiet" onClick={forget}>
          Forget
        </button>
      </header>
      <p className="text">{memory.text}</p>
      {memory.stale && (
        <p className="stale-notice">
          {memory.stale.files.join(', ')} changed at <code>{shortCommit(memory.stale.commit)}</code> after this was written ({new Date(memory.stale.at).toLocaleString()}): check it against the code
        </p>
      )}
      <p className="meta">
        {provenance(memory)}
        {memory.files.length > 0 && (
          <>
            {' · about '}
            {memory.files.map((file) => (
              <code key={file}>{file}</code>
            ))}
          </>
        )}
      </p>
    </li>
  )
}

/** Who wrote it and where: `worker (agent 7) · task 4 · run 2 · 12/1/2026, 10:04 · at 3f2a9c1d0e · from handoff 3`. */
function provenance(memory: Memory): string {
  const who = memory.role === 'person' ? `person${memory.author ? ` ${memory.author}` : ''}` : `${memory.role}${memory.agentId !== null ? ` (agent ${memory.agentId})` : memory.author ? ` (${memory.author})` : ''}`
  const parts = [who]
  if (memory.taskId !== null) parts.push(`task ${memory.taskId}`)
  if (memory.runId !== null) parts.push(`run ${memory.runId}`)
  parts.push(new Date(memory.createdAt).toLocaleString())
  if (memory.commit) parts.push(`at ${shortCommit(memory.commit)}`)
  if (memory.source) parts.push(`from ${memory.source}`)
  return parts.join(' · ')
}

function shortCommit(commit: string): string {
  return commit.slice(0, 10)
}
