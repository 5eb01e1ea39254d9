/**
 * Fails when two folders under src/ depend on each other, directly or through
 * others: every module is collapsed to its folder (`src/roles/worker.ts` is
 * `src/roles`) and the folder graph must have no cycle. dependency-cruiser's
 * `no-circular` (.dependency-cruiser.cjs) catches cycles between modules; a
 * folder cycle can exist without one (roles/worker.ts → orchestrator/index.ts,
 * orchestrator/launch-run.ts → roles/index.ts), and it is the one that makes
 * the layers (DESIGN.md, "Architecture") unreadable.
 *
 * Type-only imports count, as in the config (`tsPreCompilationDeps`). Tests
 * (`*.test.ts`) do not: a test is a consumer of its folder, and building a real
 * fixture (a repository layout for git, a sandbox for the agent's tools) may
 * take any folder, as test/ does; what ships must still point one way.
 *
 * Usage: `node scripts/check-folder-cycles.ts` (part of `npm run lint`).
 */
import { cruise, type ICruiseResult } from 'dependency-cruiser'
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options'
import extractTsConfig from 'dependency-cruiser/config-utl/extract-ts-config'

type Graph = Map<string, Map<string, string[]>>

/** `src/roles/worker.ts` → `src/roles`; a module outside src/ (or directly in it) and a test have no folder. */
function folderOf(source: string): string | undefined {
  if (/\.test\.tsx?$/.test(source)) return undefined
  return /^src\/[^/]+(?=\/)/.exec(source)?.[0]
}

/** Folder → folder it imports → one import that makes the edge, to show why. */
function folderGraph(result: ICruiseResult): Graph {
  const graph: Graph = new Map()
  for (const module of result.modules) {
    const from = folderOf(module.source)
    if (!from) continue
    const edges = graph.get(from) ?? new Map<string, string[]>()
    graph.set(from, edges)
    for (const dependency of module.dependencies) {
      const to = folderOf(dependency.resolved)
      if (!to || to === from) continue
      edges.set(to, [...(edges.get(to) ?? []), `${module.source} → ${dependency.resolved}${dependency.typeOnly ? ' (type only)' : ''}`])
    }
  }
  return graph
}

/** Tarjan's strongly connected components: each component of more than one folder is a cycle. */
function stronglyConnected(graph: Graph): string[][] {
  let counter = 0
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const components: string[][] = []
  const visit = (folder: string) => {
    index.set(folder, counter)
    low.set(folder, counter)
    counter++
    stack.push(folder)
    onStack.add(folder)
    for (const next of graph.get(folder)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next)
        low.set(folder, Math.min(low.get(folder)!, low.get(next)!))
      } else if (onStack.has(next)) {
        low.set(folder, Math.min(low.get(folder)!, index.get(next)!))
      }
    }
    if (low.get(folder) !== index.get(folder)) return
    const component: string[] = []
    for (;;) {
      const member = stack.pop()!
      onStack.delete(member)
      component.push(member)
      if (member === folder) break
    }
    components.push(component.sort())
  }
  for (const folder of [...graph.keys()].sort()) if (!index.has(folder)) visit(folder)
  return components.filter((component) => component.length > 1)
}

const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs')
const { output } = await cruise(['src'], { ...options, validate: false }, undefined, { tsConfig: extractTsConfig('tsconfig.json') })
if (typeof output === 'string') throw new Error('dependency-cruiser returned a report instead of a cruise result')
const graph = folderGraph(output)
const cycles = stronglyConnected(graph)
if (cycles.length === 0) {
  console.log(`no cycle between the ${graph.size} folders of src/`)
} else {
  for (const cycle of cycles) {
    console.error(`folder cycle: ${cycle.join(' ⇄ ')}`)
    for (const from of cycle) {
      for (const [to, imports] of graph.get(from) ?? []) {
        if (!cycle.includes(to)) continue
        console.error(`  ${from} → ${to}:`)
        for (const line of imports) console.error(`    ${line}`)
      }
    }
  }
  console.error(`${cycles.length} cycle${cycles.length > 1 ? 's' : ''} between folders of src/; imports must point down the layers (DESIGN.md, "Architecture")`)
  process.exitCode = 1
}
