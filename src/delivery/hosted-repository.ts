/** A repository on a forge whose pull request page Colony knows how to link to. */
export interface HostedRepository {
  forge: 'github' | 'gitlab' | 'bitbucket'
  host: string
  /** `owner/name` (GitLab: `group/subgroup/name`). */
  path: string
}

/**
 * The forge repository a remote URL points at, when its host looks like
 * GitHub, GitLab or Bitbucket (their own sites and hosts named after them):
 * `git@github.com:owner/name.git`, `https://github.com/owner/name`,
 * `ssh://git@gitlab.example.com/group/name.git`. Credentials in the URL are
 * dropped; anything else (a path, `file://`, another host) is undefined.
 */
export function hostedRepository(url: string): HostedRepository | undefined {
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(url)
  const standard = /^(?:https?|ssh|git):\/\/(?:[^@/\s]+@)?([^:/\s]+)(?::\d+)?\/(.+)$/.exec(url)
  const match = standard ?? scp
  if (!match) return undefined
  const host = match[1]!.toLowerCase()
  const path = match[2]!.replace(/\/+$/, '').replace(/\.git$/, '')
  const forge = host.includes('github') ? 'github' : host.includes('gitlab') ? 'gitlab' : host.includes('bitbucket') ? 'bitbucket' : undefined
  if (!forge || !/^[\w.-]+(\/[\w.-]+)+$/.test(path)) return undefined
  return { forge, host, path }
}

/** The web page where a person opens the pull (merge) request of `branch` into `base`. */
export function compareUrl(repository: HostedRepository, base: string, branch: string): string {
  const site = `https://${repository.host}/${repository.path}`
  const encode = (name: string) => name.split('/').map(encodeURIComponent).join('/')
  switch (repository.forge) {
    case 'github':
      return `${site}/compare/${encode(base)}...${encode(branch)}?expand=1`
    case 'gitlab':
      return `${site}/-/merge_requests/new?${new URLSearchParams({ 'merge_request[source_branch]': branch, 'merge_request[target_branch]': base }).toString()}`
    case 'bitbucket':
      return `${site}/pull-requests/new?${new URLSearchParams({ source: branch, dest: base }).toString()}`
  }
}
