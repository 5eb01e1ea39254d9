import { describe, expect, it } from 'vitest'
import { compareUrl, hostedRepository } from './hosted-repository.ts'

describe('the forge page where a pull request is opened, from a remote URL', () => {
  it.each([
    ['git@github.com:acme/textkit.git', 'https://github.com/acme/textkit/compare/main...colony/run-3?expand=1'],
    ['https://github.com/acme/textkit', 'https://github.com/acme/textkit/compare/main...colony/run-3?expand=1'],
    ['https://x-access-token:ghs_secret@github.com/acme/textkit.git', 'https://github.com/acme/textkit/compare/main...colony/run-3?expand=1'],
    ['ssh://git@github.example.com:2222/acme/textkit.git', 'https://github.example.com/acme/textkit/compare/main...colony/run-3?expand=1'],
    ['git@gitlab.com:acme/tools/textkit.git', 'https://gitlab.com/acme/tools/textkit/-/merge_requests/new?merge_request%5Bsource_branch%5D=colony%2Frun-3&merge_request%5Btarget_branch%5D=main'],
    ['https://bitbucket.org/acme/textkit.git', 'https://bitbucket.org/acme/textkit/pull-requests/new?source=colony%2Frun-3&dest=main'],
  ])('%s', (url, page) => {
    const repository = hostedRepository(url)
    expect(repository && compareUrl(repository, 'main', 'colony/run-3')).toBe(page)
  })

  it.each(['/srv/git/textkit.git', 'file:///srv/git/textkit.git', 'https://git.example.com/acme/textkit.git', 'git@github.com:textkit'])('has none for %s', (url) => {
    expect(hostedRepository(url)).toBeUndefined()
  })
})
