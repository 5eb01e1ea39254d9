import { randomBytes } from 'node:crypto'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { environmentWithSecrets } from '../../secrets/index.ts'
import { createApp, listen } from '../../server/index.ts'
import { withSession } from '../session.ts'

/** `colony serve`: the HTTP API (and live event stream) over this repository's run, until Ctrl-C. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the run over HTTP: status, tasks, agents, transcripts, a live event stream and the controls (see docs/api.md); Ctrl-C stops it')
    // Refused by commander itself, so a bad value is a usage error (exit 2) before anything opens.
    .addOption(new Option('--port <n>', 'port to listen on (0 picks a free one)').default(4317).argParser(parsePort))
    .addOption(new Option('--host <address>', 'address to listen on; anything but 127.0.0.1 exposes the controls to the network').default('127.0.0.1').argParser(parseHost))
    .action(async (options: { port: number; host: string }) => {
      // A *_TOKEN variable is a credential: Colony moved it out of process.env at start (src/secrets).
      const chosenToken = environmentWithSecrets().COLONY_SERVER_TOKEN
      const token = chosenToken || randomBytes(18).toString('base64url')
      await withSession(process.cwd(), async ({ layout, store, board, config, run }) => {
        const app = createApp({ store, board, config, token, repository: layout })
        const { server, origin, loopback } = await listen(app.fetch, options.host, options.port)
        // Listening before anything is printed: whoever reads "Ctrl-C stops the server" may press it at once.
        const stopped = new Promise<void>((resolve) => {
          const stop = () => {
            server.close(() => resolve())
            // Event streams stay open until their clients leave: end them so the server can stop now.
            if ('closeAllConnections' in server) server.closeAllConnections()
          }
          process.once('SIGINT', stop)
          process.once('SIGTERM', stop)
        })
        const shownToken = chosenToken ? '$COLONY_SERVER_TOKEN' : token
        process.stdout.write(
          `colony serve: run ${run.id}\n` +
            `  dashboard: ${origin}/#token=${shownToken}\n` +
            `  API:       ${origin}/api (docs/api.md), with Authorization: Bearer ${shownToken}\n` +
            '  Ctrl-C stops the server (not the run)\n',
        )
        if (!loopback) {
          process.stderr.write(
            `colony serve: warning: listening on ${origin}, which other machines can reach: anyone who can reach this address and has the token controls the run (pause, stop, steer, approve, cancel).\n` +
              '  Keep the token secret, or use --host 127.0.0.1 (the default) to serve this machine only.\n',
          )
        }
        await stopped
      })
    })
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text.trim()) || Number(text) > 65_535) throw new InvalidArgumentError('--port must be a whole number from 0 to 65535 (0 picks a free one), for example --port 4317.')
  return Number(text)
}

function parseHost(text: string): string {
  const host = text.trim()
  if (host === '' || /[\s/@]/.test(host) || host.length > 253) {
    throw new InvalidArgumentError('--host takes an address or host name, not a URL, for example --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every network interface).')
  }
  // [::1] as in a URL: listen wants the bare address.
  return host.replace(/^\[(.*)\]$/, '$1')
}
