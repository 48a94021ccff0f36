// The Node clients of the peer harness (benches/peers/run.sh):
//
//   node client.mjs VARIANT MODE N     VARIANT fetch | instagraph | fb-sdk | fb-sdk-typed,
//                                      MODE seq (one after another) | c16 (16 in flight)
//   node client.mjs setup              connects the instagraph store once (see below)
//
// Environment: PEERS_BASE_URL (nginx), PEERS_CACHE (the cache folder: the packages are in
// $PEERS_CACHE/node/node_modules, the store in $PEERS_CACHE/stores), PEERS_WARMUP (default 50).
//
// Every call GETs the one media page (25 media, the 13 fields), turns it into the library's own
// objects, checks it holds 25 media and adds up their like_count (the checksum run.sh checks).
// Prints one JSON line: client, mode, requests, wall_s, cpu_s (process.cpuUsage over the
// measured part: the whole process, every thread), max_rss_kb, checksum.
import { createHmac } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const VERSION = 'v26.0'
const APP_ID = '123'
const APP_SECRET = 'secret'
const IG_USER_ID = '17841400000000001'
const TOKEN =
  'EAAGu8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFRIBXuDL7DxtpYlSXpfKtHF4vUCsMehGAkWvj7FAc9QeWJKY40uvSwMFLZDe1f8rESQedUStPKR0CsTy4Qwb8DwkNhFdnXsiVpzz63FfkCzJr4i0B3JrTAwR4y9ojf'
const FIELD_LIST = [
  'id', 'caption', 'media_type', 'media_product_type', 'media_url', 'permalink', 'shortcode',
  'thumbnail_url', 'timestamp', 'username', 'like_count', 'comments_count', 'is_comment_enabled',
]
const FIELDS = FIELD_LIST.join(',')
const ITEMS = 25
const CONCURRENCY = 16
// The store's sealing key: a fixed bench key (the store holds sandbox tokens only).
const SEALING_KEY = 'cGVlcnMtYmVuY2gtc2VhbGluZy1rZXktMzItYnl0ZXM='
const COMPANY = 'peers-co'
const REDIRECT = 'https://agency.example/instagram/oauth2callback'
const SCOPES = ['instagram_basic', 'instagram_manage_insights', 'pages_show_list', 'pages_read_engagement', 'business_management']

function env(name) {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set`)
  return value
}

const cache = env('PEERS_CACHE')
const require = createRequire(join(cache, 'node', 'package.json'))
const storeFile = join(cache, 'stores', 'node.db')
const storeMeta = join(cache, 'stores', 'node.json')

/** The page's media, checked: their like_count summed. */
function checksum(items, likes) {
  if (!Array.isArray(items) || items.length !== ITEMS) {
    throw new Error(`expected ${ITEMS} media, got ${items?.length}`)
  }
  let sum = 0
  for (const m of items) sum += likes(m)
  return sum
}

/** Connects the sandbox's first user once, through the package's in-process Sandbox, into the
 * SQLite store the measured `instagraph` variant reads. */
async function setup() {
  const { Client, AccountManager, Sandbox } = require('instagraph')
  mkdirSync(join(cache, 'stores'), { recursive: true })
  for (const suffix of ['', '-shm', '-wal']) rmSync(storeFile + suffix, { force: true })
  const sandbox = await Sandbox.start({ config: { appCallBudgetPerHour: 0, businessCallBudgetPerDay: 0 } })
  try {
    const client = new Client({
      appId: sandbox.appId,
      appSecret: sandbox.appSecret,
      mode: 'sandbox',
      sandboxUrl: sandbox.baseUrl,
      redirectUri: REDIRECT,
    })
    const accounts = new AccountManager(client, `sqlite:${storeFile}`, { sealingKey: SEALING_KEY })
    const start = await accounts.startConnect({ companyId: COMPANY, scopes: SCOPES })
    const connection = await accounts.finishConnect(await sandbox.consent(start.url, sandbox.seedUsers[0].id, true))
    const igUserId = connection.accounts[0]?.igUserId
    if (!igUserId) throw new Error('the sandbox connection discovered no IG account')
    writeFileSync(storeMeta, JSON.stringify({ appId: sandbox.appId, appSecret: sandbox.appSecret, igUserId }))
    console.error(`node store: ${connection.accounts.length} accounts of ${COMPANY} in ${storeFile}`)
  } finally {
    await sandbox.stop()
  }
}

/** The variant's one call (resolves to its checksum). */
function variant(name, base) {
  switch (name) {
    case 'fetch': {
      // What an Express service writes by hand (as bindings/node/bench/plain-fetch.mjs).
      const proof = (token) => createHmac('sha256', APP_SECRET).update(token).digest('hex')
      return async () => {
        const url = new URL(`${base}/graph.facebook.com/${VERSION}/${IG_USER_ID}/media`)
        url.searchParams.set('fields', FIELDS)
        url.searchParams.set('limit', String(ITEMS))
        url.searchParams.set('access_token', TOKEN)
        url.searchParams.set('appsecret_proof', proof(TOKEN))
        const res = await fetch(url)
        const body = await res.json()
        if (!res.ok || body.error) throw new Error(`HTTP ${res.status}`)
        return checksum(body.data, (m) => m.like_count)
      }
    }
    case 'instagraph': {
      // A second Client, at nginx, and a second AccountManager over the store `setup` filled:
      // every call looks the token up in the store and opens its seal.
      const { Client, AccountManager, Media } = require('instagraph')
      const { appId, appSecret, igUserId } = JSON.parse(readFileSync(storeMeta, 'utf8'))
      const client = new Client({ appId, appSecret, mode: 'sandbox', sandboxUrl: base })
      const media = new Media(new AccountManager(client, `sqlite:${storeFile}`, { sealingKey: SEALING_KEY }))
      return async () => checksum((await media.list(COMPANY, igUserId, { limit: ITEMS })).data, (m) => m.likeCount)
    }
    case 'fb-sdk':
    case 'fb-sdk-typed': {
      const { FacebookAdsApi, IGUser } = require('facebook-nodejs-business-sdk')
      // The SDK has no host setting: every URL starts with the static getter GRAPH (calls and
      // axios's baseURL alike), so it is redefined to nginx's Graph host.
      Object.defineProperty(FacebookAdsApi, 'GRAPH', { get: () => `${base}/graph.facebook.com`, configurable: true })
      // crash_log false: the SDK's crash reporter would otherwise hook uncaught errors and
      // report them to Meta.
      const api = FacebookAdsApi.init(TOKEN, 'en_US', false)
      if (name === 'fb-sdk') {
        return async () =>
          checksum((await api.call('GET', [IG_USER_ID, 'media'], { fields: FIELDS, limit: ITEMS })).data, (m) => m.like_count)
      }
      // The typed call: a Cursor (an Array) of IGMedia objects, the first page fetched.
      return async () => checksum(await new IGUser(IG_USER_ID).getMedia(FIELD_LIST, { limit: ITEMS }), (m) => m.like_count)
    }
    default:
      throw new Error(`unknown VARIANT ${name} (fetch, instagraph, fb-sdk, fb-sdk-typed)`)
  }
}

/** `n` calls, one after another or CONCURRENCY in flight; the sum of their checksums. */
async function issue(call, mode, n) {
  if (mode === 'seq') {
    let sum = 0
    for (let i = 0; i < n; i++) {
      const one = await call()
      sum += one
    }
    return sum
  }
  let taken = 0
  let sum = 0
  const worker = async () => {
    while (taken++ < n) {
      // Not `sum += await call()`: that reads `sum` before awaiting and loses the others' adds.
      const one = await call()
      sum += one
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return sum
}

const [name, mode, count] = process.argv.slice(2)
if (name === 'setup') {
  await setup()
} else {
  if (mode !== 'seq' && mode !== 'c16') throw new Error('usage: client.mjs VARIANT seq|c16 N')
  const n = Number(count)
  if (!Number.isInteger(n) || n <= 0) throw new Error(`N must be a positive number of requests, not ${count}`)
  const warmup = Number(process.env.PEERS_WARMUP ?? 50)
  const call = variant(name, env('PEERS_BASE_URL').replace(/\/$/, ''))
  await issue(call, mode, warmup)
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const sum = await issue(call, mode, n)
  const wall = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  console.log(
    JSON.stringify({
      client: `node-${name}`,
      mode,
      requests: n,
      wall_s: wall,
      cpu_s: (cpu.user + cpu.system) / 1e6,
      max_rss_kb: process.resourceUsage().maxRSS,
      checksum: sum,
    }),
  )
}
// The package's native runtime keeps no reason to stay; end without waiting for idle sockets.
process.exit(0)
