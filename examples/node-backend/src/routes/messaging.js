'use strict'
// Direct messages: conversations, their messages, and replies.

const express = require('express')
const { checkCompany } = require('../auth')
const { badRequest } = require('../errors')
const input = require('../input')
const { richMessage } = require('./automation')

const strip = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))

function router({ sdk }) {
  const r = express.Router()
  const account = (req) => {
    checkCompany(req)
    return input.igUserId(req)
  }

  // GET /instagram/conversations?igUserId&limit&after&userId
  r.get('/conversations', async (req, res) => {
    const ig = account(req)
    const page = await sdk.messaging.conversations(
      req.company.id,
      ig,
      strip({
        limit: input.int(req, 'limit', { min: 1, max: 100 }),
        after: input.str(req, 'after', { max: 512 }),
        userId: input.id(req, 'userId', { required: false }),
        // Who each conversation is with, so that a list names people rather than ids.
        fields: ['id', 'updated_time', 'participants'],
      }),
    )
    res.json({ success: true, data: page.data ?? page, paging: page.paging ?? null })
  })

  // GET /instagram/conversations/:id/messages?igUserId&limit (Meta serves the 20 newest)
  r.get('/conversations/:id/messages', async (req, res) => {
    const ig = account(req)
    const limit = input.int(req, 'limit', { min: 1, max: 20 })
    const data = await sdk.messaging.messages(req.company.id, ig, input.pathId(req), strip({ limit }))
    res.json({ success: true, data: data.data ?? data })
  })

  // POST /instagram/conversations/:id/messages { igUserId, text | attachment | template, quickReplies?, recipientId? }
  // The reply goes to the other participant of the conversation (or recipientId among them).
  r.post('/conversations/:id/messages', async (req, res) => {
    const ig = account(req)
    const conversationId = input.pathId(req)
    const text = input.str(req, 'text', { max: 1000 })
    const attachment = req.body?.attachment
    const rich = richMessage(req)
    if ([text, attachment, rich.template].filter(Boolean).length !== 1) {
      throw badRequest('text', 'send exactly one of text, attachment and template')
    }
    let message = { text, ...rich }
    if (attachment) {
      const a = { body: attachment, query: {} }
      message = {
        ...rich,
        attachment: {
          type: input.oneOf(a, 'type', ['image', 'audio', 'video', 'file']) ?? 'image',
          url: input.url(a, 'url', { required: true }),
        },
      }
    }
    // Reading the conversation first proves it is this account's (another's answers 403/404).
    const messages = await sdk.messaging.messages(req.company.id, ig, conversationId, { limit: 20 })
    const people = new Set()
    for (const m of messages.data ?? messages) {
      for (const p of [m.from, ...(m.to?.data ?? [])]) if (p?.id && p.id !== ig) people.add(p.id)
    }
    const given = input.id(req, 'recipientId', { required: false })
    if (given && !people.has(given)) throw badRequest('recipientId', 'recipientId is not in this conversation')
    const recipientId = given ?? [...people][0]
    if (!recipientId) throw badRequest('recipientId', 'the conversation has no other participant')
    const tag = input.oneOf(req, 'tag', ['HUMAN_AGENT'])
    const out = await sdk.messaging.send(req.company.id, ig, strip({ recipient: { id: recipientId }, ...message, tag }))
    res.status(201).json({ success: true, conversationId, ...out })
  })
  return r
}

module.exports = { router }
