// The comparison's baseline: the same workload written by hand in plain JavaScript, the way
// an Express service would (Node's global fetch, node:crypto for appsecret_proof), against
// the same sandbox endpoints. No SDK code is used here.
import { createHmac } from 'node:crypto'

const VERSION = 'v26.0'

// The metrics valid per media kind (the same lists the SDK asks for by default).
const FEED = 'reach,views,likes,comments,shares,saved,total_interactions,follows,profile_visits,profile_activity'
const REEL = 'reach,views,likes,comments,shares,saved,total_interactions,ig_reels_avg_watch_time,ig_reels_video_view_total_time'
const STORY = 'reach,views,replies,navigation,shares,total_interactions,follows,profile_visits,profile_activity'
export const MEDIA_FIELDS =
  'id,caption,media_type,media_product_type,media_url,permalink,shortcode,thumbnail_url,timestamp,username,like_count,comments_count,is_comment_enabled'

function metricsFor(media) {
  if (media.media_product_type === 'STORY') return STORY
  if (media.media_product_type === 'REELS') return REEL
  return FEED
}

class GraphError extends Error {
  constructor(status, body) {
    const e = body?.error ?? {}
    super(`Graph error ${status}: ${e.message ?? JSON.stringify(body)}`)
    this.code = e.code
    this.subcode = e.error_subcode
  }
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
async function pool(items, limit, fn) {
  const out = new Array(items.length)
  let next = 0
  async function worker() {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

/** A tiny Graph client: token + appsecret_proof on every call, JSON errors thrown. */
export function graph(base, appSecret) {
  const proof = (token) => createHmac('sha256', appSecret).update(token).digest('hex')
  async function call(url, init) {
    const res = await fetch(url, init)
    const body = await res.json()
    if (!res.ok || body.error) throw new GraphError(res.status, body)
    return body
  }
  return {
    get(path, params, token) {
      const url = new URL(path.startsWith('http') ? path : `${base}/${VERSION}/${path}`)
      for (const [k, v] of Object.entries(params ?? {})) url.searchParams.set(k, v)
      if (token) {
        url.searchParams.set('access_token', token)
        url.searchParams.set('appsecret_proof', proof(token))
      }
      return call(url)
    },
    post(path, form, token) {
      const body = new URLSearchParams(form)
      body.set('access_token', token)
      body.set('appsecret_proof', proof(token))
      return call(`${base}/${VERSION}/${path}`, { method: 'POST', body })
    },
  }
}

/** Every item of a paged edge, following `paging.next`. */
async function all(g, path, params, token) {
  const items = []
  let page = await g.get(path, params, token)
  for (;;) {
    items.push(...page.data)
    const next = page.paging?.next
    if (!next) return items
    // Meta's next URLs carry the token; add it (and the proof) when they do not.
    const url = new URL(next)
    page = url.searchParams.has('access_token') ? await g.get(next) : await g.get(next, {}, token)
  }
}

/**
 * Connects Alice (consent, code exchange, long-lived token) and discovers her IG accounts
 * through her Pages: `{ g, accounts, account }`, `account` the one named `username` (with its
 * Page token).
 */
export async function plainConnect({ hosts, appId, appSecret, redirectUri, consent, userId, username }) {
  const g = graph(hosts.graph_facebook, appSecret)
  // 1. Connect: authorize URL, consent, code → token → long-lived token.
  const state = Math.random().toString(36).slice(2)
  const scope = 'instagram_basic,instagram_manage_insights,pages_show_list,pages_read_engagement,business_management'
  const authorize = new URL(`${hosts.facebook_dialog}/${VERSION}/dialog/oauth`)
  for (const [k, v] of Object.entries({ client_id: appId, redirect_uri: redirectUri, state, scope, response_type: 'code' })) {
    authorize.searchParams.set(k, v)
  }
  const callback = new URL(await consent(authorize.toString(), userId))
  if (callback.searchParams.get('state') !== state) throw new Error('state mismatch')
  const code = callback.searchParams.get('code')
  const short = await g.get('oauth/access_token', { client_id: appId, client_secret: appSecret, redirect_uri: redirectUri, code })
  const long = await g.get('oauth/access_token', {
    grant_type: 'fb_exchange_token',
    client_id: appId,
    client_secret: appSecret,
    fb_exchange_token: short.access_token,
  })
  const userToken = long.access_token

  // 2. Discover: the user, then her Pages with their linked IG accounts and Page tokens.
  await g.get('me', { fields: 'id,name,email' }, userToken)
  const pages = await all(
    g,
    'me/accounts',
    { fields: 'id,name,access_token,instagram_business_account{id,username,name,profile_picture_url,followers_count}', limit: '100' },
    userToken,
  )
  const accounts = pages
    .filter((p) => p.instagram_business_account)
    .map((p) => ({ ...p.instagram_business_account, pageId: p.id, token: p.access_token }))
  const account = accounts.find((a) => a.username === username)
  if (!account) throw new Error(`account ${username} not discovered`)
  return { g, accounts, account }
}

/**
 * The workload: connect Alice and discover her IG accounts (`plainConnect`), list every media
 * of `username`, read every media's insights.
 *
 * `insights`: `batch` (50 operations per POST, `concurrency` batches in flight, as the SDK
 * does) or `per-media` (one GET per media, `concurrency` in flight). `stage(name)` is called
 * after each step (`connect`, `media`, `insights`).
 */
export async function plainWorkload({ hosts, appId, appSecret, redirectUri, consent, userId, username, concurrency, insights, stage = () => {} }) {
  const { g, accounts, account } = await plainConnect({ hosts, appId, appSecret, redirectUri, consent, userId, username })
  stage('connect')

  // 3. Every media, 100 per page.
  const media = await all(g, `${account.id}/media`, { fields: MEDIA_FIELDS, limit: '100' }, account.token)
  stage('media')

  // 4. Every media's insights.
  let results
  if (insights === 'per-media') {
    results = await pool(media, concurrency, (m) => g.get(`${m.id}/insights`, { metric: metricsFor(m) }, account.token))
  } else {
    const chunks = []
    for (let i = 0; i < media.length; i += 50) chunks.push(media.slice(i, i + 50))
    const answers = await pool(chunks, concurrency, (chunk) =>
      g.post(
        '',
        {
          include_headers: 'false',
          batch: JSON.stringify(
            chunk.map((m) => ({ method: 'GET', relative_url: `${VERSION}/${m.id}/insights?metric=${metricsFor(m)}` })),
          ),
        },
        account.token,
      ),
    )
    results = answers.flat().map((a) => {
      const body = a && JSON.parse(a.body)
      if (!a || a.code !== 200) throw new GraphError(a?.code ?? 0, body)
      return body
    })
  }
  stage('insights')
  return { accounts: accounts.length, media: media.length, insights: results.filter((r) => r.data.length > 0).length }
}
