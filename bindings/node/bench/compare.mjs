// The Node comparison bench: ONE workload — connect an account holder and discover her
// accounts, list the 1,000 media of one account, read every media's insights — run against
// the sandbox (a) through this package and (b) by plain JavaScript with Node's
// fetch (plain-fetch.mjs). Same sandbox, same concurrency limit, medians of several runs.
//
//   npm run bench                       (after `npm run build`: the release build)
//   BENCH_RUNS=9 BENCH_MEDIA=1000 npm run bench
import { createRequire } from 'node:module'
import { consent, median, startSandbox } from './sandbox.mjs'
import { plainWorkload } from './plain-fetch.mjs'

const require = createRequire(import.meta.url)
const { Client, AccountManager, Media, Insights } = require('../index.js')

const RUNS = Number(process.env.BENCH_RUNS ?? 11)
const MEDIA = Number(process.env.BENCH_MEDIA ?? 1000)
// The SDK's batch requests in flight (instagraph's DEFAULT_BATCH_CONCURRENCY); the plain
// version gets the same limit.
const CONCURRENCY = 4
const REDIRECT = 'https://agency.example/instagram/oauth2callback'
const COMPANY = 'bench-co'
const ACCOUNT = 'load.01'
const SCOPES = ['instagram_basic', 'instagram_manage_insights', 'pages_show_list', 'pages_read_engagement', 'business_management']

const SANDBOX_CONFIG = {
  // Rate budgets off (0), as the Rust bulk tests do: the bench measures the client, not the
  // sandbox's imitation of Meta's throttling.
  app_call_budget_per_hour: 0,
  business_call_budget_per_day: 0,
  extra_instagram_accounts: 1,
  load_account_media: MEDIA,
}

const { sandbox, stop: stopSandbox, where } = await startSandbox(SANDBOX_CONFIG)
const alice = sandbox.alice
const hosts = sandbox.hosts

const client = new Client({
  appId: sandbox.appId,
  appSecret: sandbox.appSecret,
  mode: 'sandbox',
  sandboxUrl: sandbox.baseUrl,
  redirectUri: REDIRECT,
})

async function sdkWorkload(stage = () => {}) {
  const accounts = new AccountManager(client, 'memory:')
  const start = await accounts.startConnect({ companyId: COMPANY, scopes: SCOPES })
  const connection = await accounts.finishConnect(await consent(start.url, alice))
  const account = connection.accounts.find((a) => a.username === ACCOUNT)
  if (!account) throw new Error(`${ACCOUNT} not discovered`)
  stage('connect')
  const media = await new Media(accounts).listAll(COMPANY, account.igUserId)
  stage('media')
  // Media objects carry their kind: no extra call to tell which metrics apply.
  const insights = await new Insights(accounts).mediaBatch(COMPANY, account.igUserId, media)
  const failed = insights.filter((e) => e.error)
  if (failed.length) throw new Error(`${failed.length} insights failed: ${JSON.stringify(failed[0].error)}`)
  stage('insights')
  return { accounts: connection.accounts.length, media: media.length, insights: insights.filter((e) => e.metrics.length).length }
}

const plain = (insights) => (stage) =>
  plainWorkload({
    hosts,
    appId: sandbox.appId,
    appSecret: sandbox.appSecret,
    redirectUri: REDIRECT,
    consent,
    userId: alice,
    username: ACCOUNT,
    concurrency: CONCURRENCY,
    insights,
    stage,
  })

const variants = [
  ['instagraph (Media.listAll + Insights.mediaBatch)', sdkWorkload],
  ['plain fetch, batch insights (same shape)', plain('batch')],
  ['plain fetch, one GET per media', plain('per-media')],
]

const times = variants.map(() => [])
// Per-step times (ms) of each variant: connect + discover, list the media, read the insights.
const steps = variants.map(() => ({ connect: [], media: [], insights: [] }))
try {
  // One warm-up of each (JIT, connection pools, the sandbox's first allocations).
  for (const [name, run] of variants) {
    const out = await run()
    if (out.media !== MEDIA || out.insights !== MEDIA) {
      throw new Error(`${name}: expected ${MEDIA} media with insights, got ${JSON.stringify(out)}`)
    }
  }
  // Interleaved runs, so that drift (GC, CPU frequency) hits every variant alike.
  for (let r = 0; r < RUNS; r++) {
    for (const [i, [, run]] of variants.entries()) {
      const t0 = performance.now()
      let last = t0
      await run((name) => {
        const now = performance.now()
        steps[i][name].push(now - last)
        last = now
      })
      times[i].push(performance.now() - t0)
    }
  }
} finally {
  await stopSandbox()
}

const base = median(times[0])
console.log(`workload: connect + discover, list ${MEDIA} media, read their insights; ${RUNS} runs, concurrency ${CONCURRENCY}`)
console.log(`node ${process.version}; ${where}\n`)
for (const [i, [name]] of variants.entries()) {
  const m = median(times[i])
  const ratio = i === 0 ? '' : `  (${(m / base).toFixed(2)}× instagraph's time)`
  console.log(`${name.padEnd(50)} median ${m.toFixed(1).padStart(7)} ms  min ${Math.min(...times[i]).toFixed(1).padStart(7)} ms${ratio}`)
  const parts = Object.entries(steps[i]).map(([k, v]) => `${k} ${median(v).toFixed(1)}`)
  console.log(`${''.padEnd(50)}   medians of the steps (ms): ${parts.join(', ')}`)
}
console.log(`\nspeed-up of instagraph over plain fetch (same shape): ${(median(times[1]) / base).toFixed(2)}×`)
