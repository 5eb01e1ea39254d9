/** The longest target branch name Colony takes: git's own limit is the file system's (255 bytes a path part). */
export const maxBranchNameLength = 200

export interface BranchNameProblem {
  problem: string
  hint: string
}

/**
 * Why `name` cannot be a target branch, or undefined when it can. A target is
 * a short branch name (`colony/main`, not `refs/heads/colony/main`) that
 * follows git's rules for branch names (`git check-ref-format --branch`),
 * written out here so that colony.json can be checked without running git.
 *
 * @example
 *   branchNameProblem('refs/heads/agents') // { problem: '"refs/heads/agents" is a full ref name, ...', hint: 'write "agents"' }
 */
export function branchNameProblem(name: string): BranchNameProblem | undefined {
  const example = 'use a name like colony/main (see `git check-ref-format --help`)'
  const shown = name.length > 60 ? `${JSON.stringify(name.slice(0, 60)).slice(0, -1)}…"` : JSON.stringify(name)
  const invalid = (why: string): BranchNameProblem => ({ problem: `${shown} is not a valid branch name: ${why}`, hint: example })
  if (name === '') return invalid('it is empty')
  if (name.length > maxBranchNameLength) return { problem: `the branch name ${shown} is ${name.length} characters long; at most ${maxBranchNameLength} are allowed`, hint: 'choose a shorter name, such as colony/main' }
  if (name.startsWith('refs/')) {
    const short = name.replace(/^refs\/(heads\/)?/, '')
    return { problem: `${shown} is a full ref name; Colony wants the short branch name`, hint: `drop the "refs/${name.startsWith('refs/heads/') ? 'heads/' : ''}" prefix: ${JSON.stringify(short)}` }
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(name)) return invalid('it contains a space, a control character, or one of ~ ^ : ? * [ \\')
  if (name === '@' || name === 'HEAD') return invalid(`"${name}" means the checked-out commit to git`)
  if (name.startsWith('-')) return invalid('it starts with "-"')
  if (name.includes('..')) return invalid('it contains ".."')
  if (name.includes('@{')) return invalid('it contains "@{"')
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return invalid('it has an empty part between slashes')
  if (name.endsWith('.')) return invalid('it ends with "."')
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return invalid(`the part "${part}" starts with "."`)
    if (part.endsWith('.lock')) return invalid(`the part "${part}" ends with ".lock"`)
  }
  return undefined
}
