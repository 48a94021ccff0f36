// What the benches share: the sandbox (in its own process when the release binary is built,
// else inside this process) and the consent page's scripted shortcut.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const { Sandbox } = require('../index.js')

// The sandbox runs in its own process when the release binary is built (cargo build --release -p instagraph-sandbox
// --bin instagraph-sandbox): then no variant shares a thread or a tokio runtime with it.
// Otherwise (or with BENCH_SANDBOX=in-process) it runs inside this process, on the package's
// tokio runtime.
const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../../target/release/instagraph-sandbox')

/** Starts the sandbox with `config`: `{ sandbox: { baseUrl, appId, appSecret, hosts, alice },
 * stop, where }`. */
export async function startSandbox(config) {
  if (process.env.BENCH_SANDBOX !== 'in-process' && existsSync(BIN)) {
    const dir = mkdtempSync(join(tmpdir(), 'instagraph-bench-'))
    const file = join(dir, 'config.json')
    writeFileSync(file, JSON.stringify(config))
    const child = spawn(BIN, ['--config', file], { stdio: ['ignore', 'pipe', 'inherit'] })
    const baseUrl = await new Promise((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (chunk) => {
        out += chunk
        const found = out.match(/listening on (http:\/\/\S+)/)
        if (found) resolve(found[1])
      })
      child.on('exit', (code) => reject(new Error(`instagraph-sandbox exited with ${code}`)))
    })
    const described = await (await fetch(`${baseUrl}/__sandbox/config`)).json()
    return {
      sandbox: { baseUrl, appId: described.app.id, appSecret: described.app.secret, hosts: described.hosts, alice: described.users[0].id },
      stop: async () => {
        child.kill('SIGTERM')
        rmSync(dir, { recursive: true, force: true })
      },
      where: `sandbox in its own process (${BIN})`,
    }
  }
  const inProcess = await Sandbox.start({ config })
  const hosts = (await (await fetch(`${inProcess.baseUrl}/__sandbox/config`)).json()).hosts
  return {
    sandbox: { baseUrl: inProcess.baseUrl, appId: inProcess.appId, appSecret: inProcess.appSecret, hosts, alice: inProcess.seedUsers[0].id },
    stop: () => inProcess.stop(),
    where: 'sandbox in this process (build target/release/instagraph-sandbox to run it apart)',
  }
}

/** Plays the user on the consent page through its scripted shortcut: resolves to the
 * callback URL with the code (the same for every variant). */
export async function consent(url, user) {
  const res = await fetch(`${url}&sandbox_user=${user}&sandbox_approve=1`, { redirect: 'manual' })
  const location = res.headers.get('location')
  if (!location) throw new Error(`no redirect from the consent page (HTTP ${res.status})`)
  return location
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}
