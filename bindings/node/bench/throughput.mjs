// The Node throughput bench, the counterpart of the Rust benches/client_overhead.rs: requests
// per second of ONE request — GET one media page (25 media, the fields the SDK asks for by
// default) — sequentially and 16 at a time, (a) through this package (`Media.list`) and (b) by
// plain JavaScript with Node's fetch (`appsecret_proof` with node:crypto, `res.json()`).
// Both answer fully decoded JS objects.
//
//   node bench/throughput.mjs           (after `npm run build`: the release build)
//   BENCH_ROUNDS=9 BENCH_REQUESTS=800 node bench/throughput.mjs
import { createRequire } from 'node:module'
import { consent, median, startSandbox } from './sandbox.mjs'
import { MEDIA_FIELDS, plainConnect } from './plain-fetch.mjs'

const require = createRequire(import.meta.url)
const { Client, AccountManager, Media } = require('../index.js')

// Rounds (interleaved between the variants; the table shows medians) and requests per round
// and mode.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7)
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 400)
const CONCURRENT = 16
const PAGE = 25
const REDIRECT = 'https://agency.example/instagram/oauth2callback'
const COMPANY = 'bench-co'
const ACCOUNT = 'load.01'
const SCOPES = ['instagram_basic', 'instagram_manage_insights', 'pages_show_list', 'pages_read_engagement', 'business_management']

const { sandbox, stop, where } = await startSandbox({
  app_call_budget_per_hour: 0,
  business_call_budget_per_day: 0,
  extra_instagram_accounts: 1,
  load_account_media: 100,
})

let results
try {
  const client = new Client({
    appId: sandbox.appId,
    appSecret: sandbox.appSecret,
    mode: 'sandbox',
    sandboxUrl: sandbox.baseUrl,
    redirectUri: REDIRECT,
  })
  const accounts = new AccountManager(client, 'memory:')
  const start = await accounts.startConnect({ companyId: COMPANY, scopes: SCOPES })
  const connection = await accounts.finishConnect(await consent(start.url, sandbox.alice))
  const igUserId = connection.accounts.find((a) => a.username === ACCOUNT)?.igUserId
  if (!igUserId) throw new Error(`${ACCOUNT} not discovered`)
  const media = new Media(accounts)

  const plain = await plainConnect({
    hosts: sandbox.hosts,
    appId: sandbox.appId,
    appSecret: sandbox.appSecret,
    redirectUri: REDIRECT,
    consent,
    userId: sandbox.alice,
    username: ACCOUNT,
  })

  // Each call resolves to the page's items; both are checked to hold PAGE media.
  const variants = [
    ['instagraph (Media.list)', async () => (await media.list(COMPANY, igUserId, { limit: PAGE })).data],
    [
      'plain fetch',
      async () => (await plain.g.get(`${plain.account.id}/media`, { fields: MEDIA_FIELDS, limit: String(PAGE) }, plain.account.token)).data,
    ],
  ]

  // Requests per second of `n` calls: one after the other, or in waves of CONCURRENT
  // (`Promise.all`, as the Rust bench's `join_all`).
  async function sequential(call, n) {
    const t0 = performance.now()
    for (let i = 0; i < n; i++) await call()
    return (n * 1000) / (performance.now() - t0)
  }
  async function concurrent(call, n) {
    const waves = Math.ceil(n / CONCURRENT)
    const t0 = performance.now()
    for (let w = 0; w < waves; w++) await Promise.all(Array.from({ length: CONCURRENT }, call))
    return (waves * CONCURRENT * 1000) / (performance.now() - t0)
  }
  const modes = [
    ['sequential', sequential],
    [`${CONCURRENT} concurrent`, concurrent],
  ]

  for (const [name, call] of variants) {
    const items = await call()
    if (items.length !== PAGE) throw new Error(`${name}: expected ${PAGE} media, got ${items.length}`)
    // Warm-up: JIT, connection pools.
    for (const [, run] of modes) await run(call, REQUESTS / 4)
  }
  results = variants.map(() => modes.map(() => []))
  for (let r = 0; r < ROUNDS; r++) {
    for (const [m, [, run]] of modes.entries()) {
      for (const [v, [, call]] of variants.entries()) results[v][m].push(await run(call, REQUESTS))
    }
  }

  console.log(`GET one media page (${PAGE} media, the SDK's default fields): requests/s, median of ${ROUNDS} rounds of ${REQUESTS}`)
  console.log(`node ${process.version}; ${where}\n`)
  console.log(`${'variant'.padEnd(26)}${modes.map(([n]) => n.padStart(16)).join('')}`)
  for (const [v, [name]] of variants.entries()) {
    const cells = modes.map((_, m) => {
      const rps = median(results[v][m])
      const ratio = v === 0 ? '' : ` (${(median(results[0][m]) / rps).toFixed(2)}×)`
      return `${rps.toFixed(0)}${ratio}`.padStart(16)
    })
    console.log(`${name.padEnd(26)}${cells.join('')}`)
  }
  console.log('\n(×: instagraph\'s requests/s over this variant\'s: above 1, instagraph is faster.)')
} finally {
  await stop()
}
