// Webhooks from Node: the handshake, signatures, typed events, deduplication, the
// subscribed_apps calls, and a real receiver fed signed deliveries by the sandbox.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { ig as instagraph } from './package.mjs'

const { Sandbox, Client, AccountManager, Webhooks, Deduper, WebhookError, InstagraphError, NotFoundError } = instagraph

const REDIRECT = 'https://agency.example/instagram/oauth2callback'
const IG = '17841405726653026'
let sandbox
let accounts
let ig

before(async () => {
  sandbox = await Sandbox.start()
  const client = new Client({
    appId: sandbox.appId,
    appSecret: sandbox.appSecret,
    mode: 'sandbox',
    sandboxUrl: sandbox.baseUrl,
    redirectUri: REDIRECT,
  })
  accounts = new AccountManager(client, 'memory:')
  const start = await accounts.startConnect({ companyId: 'acme' })
  const connection = await accounts.finishConnect(await sandbox.consent(start.url, sandbox.seedUsers[0].id, true))
  ig = connection.accounts[0].igUserId
  await accounts.add('acme', [ig])
})

after(async () => {
  await sandbox?.stop()
})

function webhookError(status, code) {
  return (e) => {
    assert.ok(e instanceof WebhookError, `${e.name}: ${e.message}`)
    assert.ok(e instanceof InstagraphError)
    assert.equal(e.httpStatus, status)
    assert.equal(e.code, code)
    return true
  }
}

test('verifyChallenge answers the handshake or says which status to answer', () => {
  const query = 'hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=s3cret'
  assert.equal(Webhooks.verifyChallenge(query, 's3cret'), '1158201444')
  assert.equal(Webhooks.verifyChallenge(`?${query}`, 's3cret'), '1158201444')
  // Express's req.query.
  const parsed = { 'hub.mode': 'subscribe', 'hub.challenge': '42', 'hub.verify_token': 's3cret' }
  assert.equal(Webhooks.verifyChallenge(parsed, 's3cret'), '42')
  assert.throws(() => Webhooks.verifyChallenge(parsed, 'other'), (e) => {
    webhookError(403, 'VERIFY_TOKEN_MISMATCH')(e)
    assert.ok(!e.message.includes('s3cret'), 'the token is not quoted')
    return true
  })
  assert.throws(() => Webhooks.verifyChallenge({ ...parsed, 'hub.mode': 'unsubscribe' }, 's3cret'), webhookError(403, 'NOT_SUBSCRIBE'))
  assert.throws(() => Webhooks.verifyChallenge('hub.mode=subscribe&hub.verify_token=s3cret', 's3cret'), webhookError(400, 'INVALID_PARAMETER'))
  assert.throws(() => Webhooks.verifyChallenge(42, 's3cret'), (e) => e instanceof TypeError && e.argument === 'query')
})

test('signatures: the header, a correct one, a tampered body, malformed headers', () => {
  // HMAC-SHA256(key="secret", msg="token").
  const header = Webhooks.signatureHeader('secret', 'token')
  assert.equal(header, 'sha256=e941110e3d2bfe82621f0e3e1434730d7305d106c5f68c87165d0b27a4611a4a')
  assert.equal(Webhooks.signatureHeader('secret', Buffer.from('token')), header)
  assert.equal(Webhooks.verifySignature('secret', Buffer.from('token'), header), true)
  assert.equal(Webhooks.verifySignature('secret', 'token', header.toUpperCase().replace('SHA256=', 'sha256=')), true)
  assert.throws(() => Webhooks.verifySignature('secret', Buffer.from('tokeN'), header), webhookError(403, 'SIGNATURE_MISMATCH'))
  assert.throws(() => Webhooks.verifySignature('other-secret', 'token', header), webhookError(403, 'SIGNATURE_MISMATCH'))
  assert.throws(() => Webhooks.verifySignature('secret', 'token', ''), webhookError(403, 'MISSING_SIGNATURE'))
  assert.throws(() => Webhooks.verifySignature('secret', 'token', undefined), webhookError(403, 'MISSING_SIGNATURE'))
  assert.throws(() => Webhooks.verifySignature('secret', 'token', 'sha1=abc'), webhookError(400, 'MALFORMED_SIGNATURE'))
  assert.throws(() => Webhooks.verifySignature('secret', 'token', `sha256=${'z'.repeat(64)}`), webhookError(400, 'MALFORMED_SIGNATURE'))
  assert.throws(() => Webhooks.verifySignature('', 'token', header), (e) => e instanceof TypeError && e.argument === 'appSecret')
  assert.throws(() => Webhooks.signatureHeader('secret', 42), TypeError)
})

test('parse: typed events with a type, unknown fields kept as sent', () => {
  // Meta's documented comment example, with fields this version does not model.
  const body = JSON.stringify({
    object: 'instagram',
    entry: [
      {
        id: IG,
        time: 1520622968,
        changes: [
          {
            field: 'comments',
            value: {
              from: { id: '232323232', username: 'test', self_ig_scoped_id: '99' },
              media: { id: '123123123', media_product_type: 'FEED', ad_id: '1' },
              id: '17865799348089039',
              parent_id: '1231231234',
              text: 'This is an example.',
              new_in_v27: { a_b: 1 },
            },
          },
          { field: 'mentions', value: { comment_id: '17894227972186120', media_id: '17918195224117851' } },
          { field: 'story_insights', value: { media_id: '17887498072083520', reach: 44, exits: 1, navigation: 9 } },
          { field: 'brand_new_field', value: { some_key: true } },
        ],
      },
      {
        id: IG,
        time: 1569262486134,
        messaging: [
          {
            sender: { id: 'IGSID1' },
            recipient: { id: IG },
            timestamp: 1569262485349,
            message: { mid: 'MID1', text: 'Hello', attachments: [{ type: 'image', payload: { url: 'https://cdn.example/a.jpg' } }] },
          },
          { sender: { id: 'IGSID1' }, recipient: { id: IG }, timestamp: 4, reaction: { mid: 'MID1', action: 'react', reaction: 'love' } },
        ],
      },
    ],
    extra_top: 1,
  })
  const payload = Webhooks.parse(Buffer.from(body))
  assert.equal(payload.object, 'instagram')
  assert.deepEqual(payload.extra, { extra_top: 1 })
  assert.deepEqual(
    payload.events.map((e) => e.type),
    ['comment', 'mention', 'storyInsights', 'unknown', 'message', 'reaction'],
  )
  const [comment, mention, story, unknown, message, reaction] = payload.events
  assert.equal(comment.entryId, IG)
  assert.equal(comment.field, 'comments')
  assert.equal(comment.time, 1520622968)
  assert.equal(comment.id, '17865799348089039')
  assert.equal(comment.parentId, '1231231234')
  assert.equal(comment.text, 'This is an example.')
  assert.equal(comment.from.username, 'test')
  assert.deepEqual(comment.from.extra, { self_ig_scoped_id: '99' })
  assert.equal(comment.media.mediaProductType, 'FEED')
  assert.deepEqual(comment.extra, { new_in_v27: { a_b: 1 } }, 'kept as sent, keys untouched')
  assert.equal(comment.dedupKey, `comments:${IG}:17865799348089039`)
  assert.equal(mention.commentId, '17894227972186120')
  assert.equal(mention.field, 'mentions')
  assert.equal(story.reach, 44)
  assert.deepEqual(story.extra, { navigation: 9 })
  assert.equal(unknown.field, 'brand_new_field')
  assert.deepEqual(unknown.value, { some_key: true })
  assert.equal(message.senderId, 'IGSID1')
  assert.equal(message.text, 'Hello')
  assert.equal(message.attachments[0].kind, 'image')
  assert.deepEqual(message.attachments[0].payload, { url: 'https://cdn.example/a.jpg' })
  assert.equal(message.isEcho, false)
  assert.equal(message.dedupKey, `messages:${IG}:MID1`)
  assert.equal(reaction.reaction, 'love')
  assert.equal(reaction.field, 'message_reactions')

  assert.deepEqual(Webhooks.parse('{"object":"instagram"}').events, [])
  assert.throws(() => Webhooks.parse('not json'), webhookError(400, 'MALFORMED_BODY'))
  assert.throws(() => Webhooks.parse('[1,2]'), webhookError(400, 'MALFORMED_BODY'))
})

test('Deduper drops redeliveries', () => {
  const body = JSON.stringify({
    object: 'instagram',
    entry: [{ id: IG, time: 1, changes: [{ field: 'comments', value: { id: 'C1', text: 'a' } }, { field: 'comments', value: { id: 'C2', text: 'b' } }] }],
  })
  const events = Webhooks.parse(body).events
  const dedup = new Deduper()
  assert.equal(dedup.firstDelivery(events[0]), true)
  assert.equal(dedup.firstDelivery(events[0]), false)
  assert.equal(dedup.size, 1)
  // A redelivery of the whole batch: only the new one is kept.
  const again = Webhooks.parse(body).events
  assert.deepEqual(dedup.retainNew(again).map((e) => e.id), ['C2'])
  assert.deepEqual(dedup.retainNew(again), [])
  assert.equal(dedup.firstDelivery('my-own-key'), true)
  assert.equal(dedup.firstDelivery('my-own-key'), false)

  // Bounded: capacity 1 forgets the oldest.
  const small = new Deduper(1, 3600)
  assert.equal(small.firstDelivery('a'), true)
  assert.equal(small.firstDelivery('b'), true)
  assert.equal(small.firstDelivery('a'), true)
  assert.equal(small.size, 1)

  assert.throws(() => new Deduper(0), (e) => e instanceof TypeError && e.argument === 'capacity')
  assert.throws(() => new Deduper(10, -1), (e) => e instanceof TypeError && e.argument === 'windowSeconds')
  assert.throws(() => dedup.firstDelivery({ type: 'comment' }), (e) => e instanceof TypeError && e.argument === 'event')
  // index.js's type check may name the array itself before the Rust side names the element.
  assert.throws(() => dedup.retainNew([events[0], 7]), (e) => e instanceof TypeError && ['events', 'events[1]'].includes(e.argument))
  assert.throws(() => dedup.retainNew([events[0], { type: 'comment' }]), (e) => e instanceof TypeError && e.argument === 'events[1]')
  assert.equal(dedup.size, 3, 'a refused list remembers nothing')
})

test('subscribeApp / subscribedApps and a receiver fed by the sandbox', async () => {
  const hooks = new Webhooks(accounts)
  assert.deepEqual(await hooks.subscribeApp('acme', ig, ['comments', 'messages']), { success: true })
  const apps = await hooks.subscribedApps('acme', ig)
  assert.equal(apps.length, 1)
  assert.deepEqual([...apps[0].subscribedFields].sort(), ['comments', 'messages'])
  await assert.rejects(hooks.subscribeApp('acme', ig, []), (e) => e instanceof TypeError && e.argument === 'fields')
  await assert.rejects(hooks.subscribeApp('', ig, ['comments']), (e) => e instanceof TypeError && e.argument === 'companyId')
  await assert.rejects(hooks.subscribedApps('acme', ''), (e) => e instanceof TypeError && e.argument === 'igUserId')
  await assert.rejects(hooks.subscribeApp('acme', ig, ['comments,messages']), (e) => {
    assert.equal(e.name, 'InvalidInputError')
    assert.equal(e.field, 'subscribed_fields')
    return true
  })
  await assert.rejects(hooks.subscribedApps('other-company', ig), NotFoundError)

  // A receiver as an Express app would write it, on node:http.
  const secret = sandbox.appSecret
  const dedup = new Deduper()
  const received = []
  let deliveries = 0
  let refused = 0
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      try {
        if (req.method === 'GET') {
          const challenge = Webhooks.verifyChallenge(req.url.split('?')[1] ?? '', 'vt-node')
          res.writeHead(200, { 'content-type': 'text/plain' }).end(challenge)
          return
        }
        const raw = Buffer.concat(chunks)
        deliveries++
        Webhooks.verifySignature(secret, raw, req.headers['x-hub-signature-256'])
        received.push(...dedup.retainNew(Webhooks.parse(raw).events))
        res.writeHead(200).end('ok')
      } catch (e) {
        refused++
        res.writeHead(e.httpStatus ?? 500).end(e.message)
      }
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const callback = `http://127.0.0.1:${server.address().port}/webhooks`
    const reg = await fetch(`${sandbox.baseUrl}/__sandbox/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ callback_url: callback, verify_token: 'vt-node' }),
    })
    assert.equal(reg.status, 200, await reg.text())

    const answer = await sandbox.event({ type: 'message', from_user_id: '6912345678901234', to_ig_id: ig, text: 'Cake for Saturday?', redeliver: 2 })
    assert.equal(answer.delivered, true, JSON.stringify(answer))
    assert.equal(deliveries, 3, 'the first delivery and two redeliveries')
    assert.equal(refused, 0)
    assert.equal(received.length, 1, JSON.stringify(received))
    assert.equal(received[0].type, 'message')
    assert.equal(received[0].text, 'Cake for Saturday?')
    assert.equal(received[0].entryId, ig)
    assert.equal(received[0].senderId, '6912345678901234')

    // A delivery signed with another secret is refused with 403.
    const raw = JSON.stringify(answer.event)
    const forged = await fetch(callback, {
      method: 'POST',
      headers: { 'x-hub-signature-256': Webhooks.signatureHeader('not-the-secret', raw) },
      body: raw,
    })
    assert.equal(forged.status, 403)
    assert.equal(received.length, 1)
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
})
