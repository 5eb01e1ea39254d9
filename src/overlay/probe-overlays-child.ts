// The overlay probe as a script (see probeInChild): restarts in Colony's namespace, probes, prints the answer as one JSON line.
import { restartInNamespace } from './namespace.ts'
import { probeOverlays } from './probe-overlays.ts'

const entered = restartInNamespace(process.argv)
process.stdout.write(`${JSON.stringify(entered.inside ? probeOverlays(process.argv[2]!) : { available: false, reason: entered.reason })}\n`)
