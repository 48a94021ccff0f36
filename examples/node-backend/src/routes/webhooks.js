'use strict'
// Meta's webhooks: GET answers the verification challenge; POST checks X-Hub-Signature-256
// over the raw body, parses, drops redeliveries, keeps the new events and answers 200 fast.

const express = require('express')
const ig = require('instagraph')
const { ApiError } = require('../errors')
const input = require('../input')
const { orEmpty } = require('./accounts')

function router(ctx) {
  const { config } = ctx
  const r = express.Router()
  const deduper = new ig.Deduper(config.webhooks.dedupeCapacity)

  // GET /instagram/webhooks?hub.mode=subscribe&hub.challenge&hub.verify_token
  r.get('/', (req, res) => {
    if (!config.webhooks.verifyToken) throw new ApiError(403, 'FORBIDDEN', 'webhook verification is not configured')
    const at = req.originalUrl.indexOf('?')
    let challenge
    try {
      challenge = ig.Webhooks.verifyChallenge(at === -1 ? '' : req.originalUrl.slice(at + 1), config.webhooks.verifyToken)
    } catch (err) {
      const status = err.httpStatus >= 400 && err.httpStatus < 500 ? err.httpStatus : 403
      throw new ApiError(status, 'FORBIDDEN', 'webhook verification failed')
    }
    res.type('text/plain').send(String(challenge))
  })

  // POST /instagram/webhooks (signed by Meta with the app secret)
  r.post('/', express.raw({ type: () => true, limit: '2mb' }), (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
    const signature = req.get('x-hub-signature-256')
    if (!signature || !config.webhooks.appSecret) {
      throw new ApiError(401, 'BAD_SIGNATURE', 'missing X-Hub-Signature-256')
    }
    try {
      ig.Webhooks.verifySignature(config.webhooks.appSecret, body, signature)
    } catch {
      throw new ApiError(401, 'BAD_SIGNATURE', 'X-Hub-Signature-256 does not match the body')
    }
    let parsed
    try {
      parsed = ig.Webhooks.parse(body)
    } catch (err) {
      throw new ApiError(400, 'MALFORMED_PAYLOAD', `not a webhook payload: ${err.message}`)
    }
    const events = parsed.events ?? []
    const fresh = deduper.retainNew(events)
    const receivedAt = new Date().toISOString()
    for (const event of fresh) ctx.webhookEvents.push({ receivedAt, object: parsed.object, ...event })
    ctx.webhookEvents.splice(0, Math.max(0, ctx.webhookEvents.length - config.webhooks.keepEvents))
    if (fresh.length > 0) ctx.bus.emit('webhook', fresh.map((event) => ({ receivedAt, object: parsed.object, ...event })))
    res.json({ success: true, received: events.length, new: fresh.length })
  })
  return r
}

/**
 * GET /instagram/webhooks/events[?igUserId]: the recent events of the company's accounts
 * (API key).
 */
function eventsRouter({ sdk, webhookEvents }) {
  const r = express.Router()
  r.get('/webhooks/events', async (req, res) => {
    const only = input.id(req, 'igUserId', { required: false })
    const page = await orEmpty(sdk.accounts.accounts(req.company.id, { limit: 500 }), { items: [] })
    const mine = new Set(page.items.map((a) => a.igUserId))
    const data = webhookEvents.filter((e) => mine.has(String(e.entryId)) && (!only || String(e.entryId) === only))
    res.json({ success: true, data })
  })
  return r
}

module.exports = { router, eventsRouter }
