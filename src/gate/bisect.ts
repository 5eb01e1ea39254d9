/**
 * The first bad commit of `commits` (oldest first) when the commit before
 * them is good and the last one is bad: a binary search that asks `isGood`
 * about log2(n) commits. Assumes one transition from good to bad, as `git bisect` does.
 */
export async function firstBadCommit(commits: readonly string[], isGood: (commit: string) => Promise<boolean>): Promise<{ commit: string; tested: string[] }> {
  let good = -1
  let bad = commits.length - 1
  const tested: string[] = []
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2)
    const commit = commits[middle]!
    tested.push(commit)
    if (await isGood(commit)) good = middle
    else bad = middle
  }
  return { commit: commits[bad]!, tested }
}
