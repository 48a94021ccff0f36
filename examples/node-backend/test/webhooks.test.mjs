// The webhook endpoint: verification, signatures over the raw body, deduplication, and the
// sandbox delivering real signed webhooks to it.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { startBackend, VERIFY_TOKEN } from './support.mjs'

const require = createRequire(import.meta.url)
const { Webhooks } = require('instagraph')

let t
let bakery

before(async () => {
  t = await startBackend()
  const acme = await t.connect('acme', 0)
  await t.connect('globex', 1)
  const found = await t.api('GET', `/instagram/get-accounts-businesses?tokenId=${acme.tokenId}`)
  const accounts = found.body.data.accounts
  await t.api('POST', '/instagram/add-instagram-account', { body: { instagramAccounts: accounts } })
  bakery = accounts.find((a) => a.username === 'alice.bakery').id
})

after(async () => {
  await t?.stop()
})

const envelope = (text) =>
  JSON.stringify({
    object: 'instagram',
    entry: [
      {
        id: bakery,
        time: 1767225600,
        changes: [{ field: 'comments', value: { id: `c-${text}`, text, from: { id: '42', username: 'fan' }, media: { id: '1' } } }],
      },
    ],
  })

test('GET /instagram/webhooks answers the challenge only with the verify token', async () => {
  const ok = await t.api('GET', `/instagram/webhooks?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${VERIFY_TOKEN}`, {
    as: null,
  })
  assert.equal(ok.status, 200)
  assert.equal(ok.text, '1158201444')
  t.assertError(await t.api('GET', '/instagram/webhooks?hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong', { as: null }), 403)
  t.assertError(await t.api('GET', '/instagram/webhooks', { as: null }), 403)
})

test('POST /instagram/webhooks checks the signature over the raw bytes and drops redeliveries', async () => {
  // Whitespace matters: the signature is over the bytes as sent, not re-serialised JSON.
  const body = `  ${envelope('hello')}\n`
  const signature = Webhooks.signatureHeader(t.sandbox.appSecret, body)
  const post = (raw, sig) =>
    t.api('POST', '/instagram/webhooks', {
      as: null,
      raw,
      headers: { 'content-type': 'application/json', ...(sig ? { 'x-hub-signature-256': sig } : {}) },
    })
  const first = await post(body, signature)
  assert.equal(first.status, 200, first.text)
  assert.deepEqual(first.body, { success: true, received: 1, new: 1 })
  const again = await post(body, signature)
  assert.deepEqual(again.body, { success: true, received: 1, new: 0 })

  t.assertError(await post(body), 401, { code: 'BAD_SIGNATURE' })
  t.assertError(await post(body, 'sha256=00'), 401, { code: 'BAD_SIGNATURE' })
  t.assertError(await post(body.trim(), signature), 401, { code: 'BAD_SIGNATURE' })
  t.assertError(await post(body, Webhooks.signatureHeader('not-the-secret', body)), 401)
  const junk = 'not json at all'
  t.assertError(await post(junk, Webhooks.signatureHeader(t.sandbox.appSecret, junk)), 400)
})

test('the sandbox delivers signed webhooks; each company sees its own events once', async () => {
  const register = await fetch(`${t.sandbox.baseUrl}/__sandbox/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ callback_url: `${t.base}/instagram/webhooks`, verify_token: VERIFY_TOKEN }),
  })
  assert.equal(register.status, 200, await register.text())
  const media = (await t.api('GET', `/instagram/media?igUserId=${bakery}`)).body.data[0].id
  const out = await t.sandbox.event({ type: 'comment', media_id: media, text: 'Lovely bread', redeliver: 2 })
  assert.equal(out.delivered, true, JSON.stringify(out))

  const events = await t.api('GET', '/instagram/webhooks/events')
  assert.equal(events.status, 200, events.text)
  const mine = events.body.data.filter((e) => e.field === 'comments' && e.entryId === bakery && JSON.stringify(e).includes('Lovely bread'))
  assert.equal(mine.length, 1, JSON.stringify(events.body.data))
  const theirs = await t.api('GET', '/instagram/webhooks/events', { as: 'globex' })
  assert.deepEqual(theirs.body.data, [])
  t.assertError(await t.api('GET', '/instagram/webhooks/events', { as: null }), 401)
})
