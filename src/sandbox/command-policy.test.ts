import { describe, expect, it } from 'vitest'
import { checkCommand, defaultCommandRules, simpleCommands } from './index.ts'

describe('command policy', () => {
  it('splits a shell line into simple commands, respecting quotes and dropping leading assignments', () => {
    expect(simpleCommands(`npm test && FOO=1 git   push origin | tee "a;b" ; echo 'x && y' $(sudo id)`)).toEqual([
      'npm test',
      'git push origin',
      'tee a;b',
      "echo x && y",
      'sudo id',
    ])
  })

  it('refuses, asks a person, or allows, by the first matching rule', () => {
    expect(checkCommand('npm test', defaultCommandRules)).toEqual({ verdict: 'allow' })
    expect(checkCommand('npm run build && git push --force origin main', defaultCommandRules)).toEqual({ verdict: 'refuse', rule: 'git push*', part: 'git push --force origin main' })
    expect(checkCommand('echo ok; sudo rm -rf /', defaultCommandRules)).toMatchObject({ verdict: 'refuse', rule: 'sudo *' })
    expect(checkCommand('NPM_TOKEN=x npm publish --access public', defaultCommandRules)).toMatchObject({ verdict: 'approve', rule: 'npm publish*' })
    expect(checkCommand('echo "git push is refused"', defaultCommandRules)).toEqual({ verdict: 'allow' })
    expect(checkCommand('rm -rf build', { approve: ['rm -rf *'], refuse: [] })).toMatchObject({ verdict: 'approve' })
  })
})
