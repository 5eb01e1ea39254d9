import type { Node } from 'web-tree-sitter'

/** Node types that define a named thing, across the supported grammars. */
const definitionTypes = new Set([
  'function_declaration', 'generator_function_declaration', 'class_declaration', 'abstract_class_declaration',
  'method_definition', 'interface_declaration', 'type_alias_declaration', 'enum_declaration', 'module',
  'function_definition', 'class_definition', 'method_declaration', 'constructor_declaration', 'type_spec',
  'function_item', 'struct_item', 'enum_item', 'trait_item', 'mod_item', 'record_declaration',
  'class', 'method', 'singleton_method',
])
const referenceTypes = new Set(['identifier', 'type_identifier', 'property_identifier', 'field_identifier', 'constant', 'name'])
/** Containers whose variables are module-level (exported constants, arrow-function components). */
const topLevelContainers = new Set(['program', 'export_statement', 'lexical_declaration', 'variable_declaration'])

export interface Definition {
  name: string
  line: number
  /** The definition's first line, trimmed. */
  signature: string
}

export interface FileSymbols {
  definitions: Definition[]
  /** How often each identifier occurs in the file. */
  references: Map<string, number>
}

function isTopLevelVariable(node: Node): boolean {
  if (node.type !== 'variable_declarator') return false
  for (let parent = node.parent; parent; parent = parent.parent) {
    if (parent.type === 'program') return true
    if (!topLevelContainers.has(parent.type)) return false
  }
  return false
}

/** Definitions and identifier counts of one parsed file. */
export function fileSymbols(root: Node, source: string): FileSymbols {
  const definitions: Definition[] = []
  const references = new Map<string, number>()
  const lines = source.split('\n')
  const stack: Node[] = [root]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (definitionTypes.has(node.type) || isTopLevelVariable(node)) {
      const name = node.childForFieldName('name')?.text
      if (name && name !== 'constructor') {
        const line = node.startPosition.row + 1
        definitions.push({ name, line, signature: (lines[line - 1] ?? '').trim().slice(0, 160) })
      }
    }
    if (node.childCount === 0) {
      if (referenceTypes.has(node.type)) references.set(node.text, (references.get(node.text) ?? 0) + 1)
      continue
    }
    for (let index = node.childCount - 1; index >= 0; index--) stack.push(node.child(index)!)
  }
  return { definitions: definitions.sort((a, b) => a.line - b.line), references }
}
