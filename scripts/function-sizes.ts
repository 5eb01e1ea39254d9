/**
 * Lists the longest functions under src/ (tests excluded), longest first, so a
 * function that has grown into several concepts shows up before review does.
 * Every function-like node counts: declarations, methods, accessors, arrows and
 * function expressions; a nested function counts on its own and inside its parent.
 *
 * Usage: `node scripts/function-sizes.ts [count]` (default 5).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

interface FunctionSize {
  file: string
  name: string
  line: number
  lines: number
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
}

/** The name a reader would search for: the declaration's own, or the variable or property it is assigned to. */
function nameOf(node: ts.FunctionLikeDeclaration): string {
  if (node.name && !ts.isComputedPropertyName(node.name)) return node.name.getText()
  const parent = node.parent
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && !ts.isComputedPropertyName(parent.name)) return parent.name.getText()
  return '(anonymous)'
}

function functionSizes(file: string): FunctionSize[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
  const sizes: FunctionSize[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line
      sizes.push({ file: relative(process.cwd(), file), name: nameOf(node), line: start + 1, lines: end - start + 1 })
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return sizes
}

const count = Number(process.argv[2] ?? 5)
const sizes = sourceFiles('src').flatMap(functionSizes).sort((a, b) => b.lines - a.lines)
for (const size of sizes.slice(0, count)) console.log(`${String(size.lines).padStart(5)}  ${size.name}  ${size.file}:${size.line}`)
