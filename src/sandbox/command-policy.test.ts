import { describe, expect, it } from 'vitest'
import { checkCommand, defaultCommandRules, type CommandRules } from './index.ts'

describe('command policy', () => {
  it('refuses, asks a person, or allows, by the first matching rule', async () => {
    expect(await checkCommand('npm test', defaultCommandRules)).toEqual({ verdict: 'allow' })
    expect(await checkCommand('npm run build && git push --force origin main', defaultCommandRules)).toEqual({
      verdict: 'refuse',
      rule: 'git push*',
      part: 'git push --force origin main',
      runs: 'git push --force origin main',
    })
    expect(await checkCommand('echo ok; sudo rm -rf /', defaultCommandRules)).toMatchObject({ verdict: 'refuse', rule: 'sudo *' })
    expect(await checkCommand('NPM_TOKEN=x npm publish --access public', defaultCommandRules)).toMatchObject({ verdict: 'approve', rule: 'npm publish*', runs: 'npm publish --access public' })
    expect(await checkCommand('rm -rf build', { approve: ['rm -rf *'], refuse: [] })).toMatchObject({ verdict: 'approve' })
    // A refuse rule wins over an approve rule that also matches.
    expect(await checkCommand('npm publish', { approve: ['npm publish*'], refuse: ['npm *'] })).toMatchObject({ verdict: 'refuse', rule: 'npm *' })
  })

  it('matches the words the program receives: quotes and backslashes removed, assignments and redirections dropped, the path cut to its last part', async () => {
    for (const line of [`'git' "push"`, 'g\\it p\\ush', 'git pu""sh', `$'git' push`, 'FOO=1 >log git 2>&1 push', 'git >out push', '/usr/bin/git push', '~/bin/git push', '"$HOME/bin/git" push', 'git \\\npush']) {
      expect(await checkCommand(line, defaultCommandRules), line).toMatchObject({ verdict: 'refuse', rule: 'git push*', runs: 'git push' })
    }
    expect(await checkCommand('echo "git push" \'sudo x\'', defaultCommandRules)).toEqual({ verdict: 'allow' })
    expect(await checkCommand('git commit -m "git push"', defaultCommandRules)).toEqual({ verdict: 'allow' })
  })

  it('finds simple commands in every place the shell runs them', async () => {
    for (const line of [
      'true | git push | cat',
      'false || git push',
      'echo "$(git push)"',
      'echo `git push`',
      'diff <(git push) file',
      'X=$(git push)',
      '(cd sub && git push)',
      '{ git push; }',
      'if test -d .git; then git push; fi',
      'while true; do git push; break; done',
      'for remote in a b; do git push; done',
      'case x in x) git push;; esac',
      'publish() { git push; }',
      '! git push',
      'cat <<EOF\n$(git push)\nEOF',
    ]) {
      expect(await checkCommand(line, defaultCommandRules), line).toMatchObject({ verdict: 'refuse', rule: 'git push*', runs: 'git push' })
    }
  })

  it('follows wrappers to the command they run, and names the command as written', async () => {
    expect(await checkCommand('env -i -u HOME PATH=/bin /usr/bin/git -C . push', defaultCommandRules)).toEqual({
      verdict: 'refuse',
      rule: 'git push*',
      part: 'env -i -u HOME PATH=/bin /usr/bin/git -C . push',
      runs: 'git push',
    })
    for (const line of [
      'command git push',
      'builtin eval git push',
      'exec -a name git push',
      'time -p git push',
      'nice -n 5 git push',
      'nohup git push',
      'timeout -s KILL 5 git push',
      'stdbuf -oL git push',
      'ionice -c 3 git push',
      'setsid -f git push',
      'doas -u root git push',
      'sudo -u root FOO=1 git push',
      'env -S "git push"',
      `sh -c 'git push'`,
      `bash -lc "eval 'git push'"`,
      'zsh -o pipefail -c "git push"',
      'git --no-pager -c user.name=x --git-dir=.git --work-tree . push',
      'git -c alias.p=push p',
      `git -c alias.p='!git push' p`,
    ]) {
      // Without a sudo rule, so that only following the wrapper can find git push.
      expect(await checkCommand(line, { approve: [], refuse: ['git push*'] }), line).toMatchObject({ verdict: 'refuse', rule: 'git push*', runs: 'git push' })
    }
    expect(await checkCommand('sudo -u root git push', defaultCommandRules)).toMatchObject({ rule: 'sudo *' })
    expect(await checkCommand('command -v su', defaultCommandRules)).toEqual({ verdict: 'allow' })
    expect(await checkCommand('git -C sub status', defaultCommandRules)).toEqual({ verdict: 'allow' })
  })

  it('counts what the line cannot tell against it only where a rule could apply', async () => {
    expect(await checkCommand('git${IFS}push', defaultCommandRules)).toEqual({
      verdict: 'refuse',
      rule: 'git push*',
      part: 'git${IFS}push',
      runs: 'git…',
      undecided: '`${IFS}` is filled in only when the shell runs the line',
    })
    expect(await checkCommand('git $SUBCOMMAND origin', defaultCommandRules)).toMatchObject({ verdict: 'refuse', rule: 'git push*', undecided: '`$SUBCOMMAND` is filled in only when the shell runs the line' })
    expect(await checkCommand('gi? push', defaultCommandRules)).toMatchObject({ verdict: 'refuse', rule: 'git push*', undecided: '`gi?` is a file-name pattern the shell expands when it runs the line' })
    expect(await checkCommand('ls | xargs git', defaultCommandRules)).toMatchObject({ verdict: 'refuse', rule: 'git push*', undecided: 'xargs adds the arguments it reads from its input' })
    expect(await checkCommand('echo git push | bash', defaultCommandRules)).toMatchObject({ verdict: 'refuse', undecided: 'the shell reads the commands it runs from its input' })
    expect(await checkCommand('$EDITOR notes.md', defaultCommandRules)).toMatchObject({ verdict: 'refuse', undecided: '`$EDITOR` is filled in only when the shell runs the line' })
    expect(await checkCommand('echo (', defaultCommandRules)).toMatchObject({ verdict: 'refuse', undecided: 'the line does not parse as a shell command line' })
    const onlyPublish: CommandRules = { approve: ['npm publish*'], refuse: [] }
    expect(await checkCommand('npm $TASK', onlyPublish)).toMatchObject({ verdict: 'approve', rule: 'npm publish*', undecided: '`$TASK` is filled in only when the shell runs the line' })
    for (const line of ['ls $HOME', 'echo "$PWD" $(date)', 'git commit -m "$MESSAGE"', 'git -C "$DIR" status', 'env PATH="$PATH:/opt/bin" npm test', 'for file in src/*.ts; do wc -l "$file"; done']) {
      expect(await checkCommand(line, defaultCommandRules), line).toEqual({ verdict: 'allow' })
    }
    expect(await checkCommand('echo (', { approve: [], refuse: [] })).toEqual({ verdict: 'allow' })
  })
})
