'use strict'
// Messaging automation: ice breakers, the persistent menu, the profile of a conversation's
// participant, sender actions, private replies to comments, comment search and template
// replies, and the account's webhook subscription. Meta's limits (4 ice breakers, 20 menu
// items, 13 quick replies, ...) are the SDK's: a value past one comes back as a 400 naming it.
// This file only checks shapes (a list of objects with string fields) and bounds sizes.

const express = require('express')
const ig = require('instagraph')
const { checkCompany } = require('../auth')
const { badRequest } = require('../errors')
const input = require('../input')

const strip = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))

// Bounds of what a request may hold (the SDK applies Meta's own limits, which are smaller).
const MAX_ITEMS = 50
const MAX_TEXT = 2048

/**
 * `value` as a list of objects whose fields are strings: `fields` maps each field to
 * `'required'` or `'optional'`, or to a nested shape `{ list: fields }`. Names the first
 * offending field as `name[i].field`.
 */
function shaped(value, name, fields) {
  if (!Array.isArray(value)) throw badRequest(name, `${name} must be an array`)
  if (value.length > MAX_ITEMS) throw badRequest(name, `${name} has more than ${MAX_ITEMS} items`)
  return value.map((item, i) => {
    const at = `${name}[${i}]`
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw badRequest(name, `${at} must be an object`)
    const out = {}
    for (const [key, rule] of Object.entries(fields)) {
      const v = item[key]
      if (rule && typeof rule === 'object') {
        if (v === undefined && rule.optional) continue
        out[key] = shaped(v, `${at}.${key}`, rule.list)
        continue
      }
      if (v === undefined || v === null) {
        if (rule === 'required') throw badRequest(name, `${at}.${key} is required`)
        continue
      }
      if (typeof v !== 'string' || v.length > MAX_TEXT) {
        throw badRequest(name, `${at}.${key} must be a string of at most ${MAX_TEXT} characters`)
      }
      out[key] = v
    }
    return out
  })
}

const BUTTON = { type: 'required', title: 'required', url: 'optional', payload: 'optional' }
const ICE_BREAKERS = { locale: 'required', callToActions: { list: { question: 'required', payload: 'required' } } }
const MENU = { locale: 'required', callToActions: { list: BUTTON } }
const QUICK_REPLY = { title: 'required', payload: 'required' }
const ELEMENT = {
  title: 'required',
  subtitle: 'optional',
  imageUrl: 'optional',
  defaultActionUrl: 'optional',
  buttons: { list: BUTTON, optional: true },
}

/** `quickReplies` and `template` of a message body, shape-checked (the SDK checks Meta's limits). */
function richMessage(req) {
  const body = req.body ?? {}
  return strip({
    quickReplies: body.quickReplies === undefined ? undefined : shaped(body.quickReplies, 'quickReplies', QUICK_REPLY),
    template: body.template === undefined ? undefined : shaped(body.template, 'template', ELEMENT),
  })
}

/** The other participants of a conversation, read through the account (which proves it is its). */
async function participants(sdk, company, ig, conversationId) {
  const messages = await sdk.messaging.messages(company, ig, conversationId, { limit: 20 })
  const people = new Set()
  for (const m of messages.data ?? messages) {
    for (const p of [m.from, ...(m.to?.data ?? [])]) if (p?.id && p.id !== ig) people.add(p.id)
  }
  return people
}

/** The participant a route acts on: `recipientId` among them, or the only other one. */
async function participant(sdk, req, ig, conversationId) {
  const people = await participants(sdk, req.company.id, ig, conversationId)
  const given = input.id(req, 'recipientId', { required: false })
  if (given && !people.has(given)) throw badRequest('recipientId', 'recipientId is not in this conversation')
  const id = given ?? [...people][0]
  if (!id) throw badRequest('recipientId', 'the conversation has no other participant')
  return id
}

function router({ sdk }) {
  const r = express.Router()
  const automation = new ig.Automation(sdk.accounts)
  const webhooks = new ig.Webhooks(sdk.accounts)
  const account = (req) => {
    checkCompany(req)
    return input.pathId(req, 'igUserId')
  }
  const queryAccount = (req) => {
    checkCompany(req)
    return input.igUserId(req)
  }

  // GET|PUT|DELETE /instagram/accounts/:igUserId/ice-breakers  (PUT { iceBreakers: [{ locale, callToActions: [{ question, payload }] }] })
  r.get('/accounts/:igUserId/ice-breakers', async (req, res) => {
    const data = await automation.iceBreakers(req.company.id, account(req))
    res.json({ success: true, data })
  })
  r.put('/accounts/:igUserId/ice-breakers', async (req, res) => {
    const ig = account(req)
    const iceBreakers = shaped(req.body?.iceBreakers, 'iceBreakers', ICE_BREAKERS)
    await automation.setIceBreakers(req.company.id, ig, iceBreakers)
    res.json({ success: true, data: iceBreakers })
  })
  r.delete('/accounts/:igUserId/ice-breakers', async (req, res) => {
    await automation.deleteIceBreakers(req.company.id, account(req))
    res.json({ success: true })
  })

  // GET|PUT|DELETE /instagram/accounts/:igUserId/persistent-menu  (PUT { menu: [{ locale, callToActions: [{ type, title, url | payload }] }] })
  r.get('/accounts/:igUserId/persistent-menu', async (req, res) => {
    const data = await automation.persistentMenu(req.company.id, account(req))
    res.json({ success: true, data })
  })
  r.put('/accounts/:igUserId/persistent-menu', async (req, res) => {
    const ig = account(req)
    const menu = shaped(req.body?.menu, 'menu', MENU)
    await automation.setPersistentMenu(req.company.id, ig, menu)
    res.json({ success: true, data: menu })
  })
  r.delete('/accounts/:igUserId/persistent-menu', async (req, res) => {
    await automation.deletePersistentMenu(req.company.id, account(req))
    res.json({ success: true })
  })

  // GET /instagram/conversations/:id/profile?igUserId&recipientId  (the participant's profile)
  r.get('/conversations/:id/profile', async (req, res) => {
    const ig = queryAccount(req)
    const person = await participant(sdk, req, ig, input.pathId(req))
    res.json({ success: true, data: await automation.userProfile(req.company.id, ig, person) })
  })

  // POST /instagram/conversations/:id/sender-action { igUserId, action, recipientId? }
  r.post('/conversations/:id/sender-action', async (req, res) => {
    const ig = queryAccount(req)
    const action = input.oneOf(req, 'action', ['typing_on', 'typing_off', 'mark_seen'])
    if (!action) throw badRequest('action', 'action is required (typing_on, typing_off or mark_seen)')
    const person = await participant(sdk, req, ig, input.pathId(req))
    await automation.senderAction(req.company.id, ig, person, action)
    res.json({ success: true, recipientId: person, action })
  })

  // POST /instagram/comments/:id/private-reply { igUserId, text }
  r.post('/comments/:id/private-reply', async (req, res) => {
    const ig = queryAccount(req)
    const text = input.str(req, 'text', { required: true, max: MAX_TEXT })
    const out = await sdk.comments.privateReply(req.company.id, ig, input.pathId(req), text)
    res.status(201).json({ success: true, ...out })
  })

  // POST /instagram/comments/:id/template-reply { igUserId, template, custom? } ({username}, {text}, {custom:NAME})
  r.post('/comments/:id/template-reply', async (req, res) => {
    const ig = queryAccount(req)
    const template = input.str(req, 'template', { required: true, max: MAX_TEXT })
    const custom = req.body?.custom
    if (custom !== undefined) {
      const ok = custom && typeof custom === 'object' && !Array.isArray(custom) &&
        Object.keys(custom).length <= MAX_ITEMS &&
        Object.values(custom).every((v) => typeof v === 'string' && v.length <= MAX_TEXT)
      if (!ok) throw badRequest('custom', 'custom must be an object of strings')
    }
    const out = await sdk.comments.replyWithTemplate(req.company.id, ig, input.pathId(req), template, custom)
    res.status(201).json({ success: true, data: out })
  })

  // GET /instagram/media/:id/comments/search?igUserId&text&author&since&until&hidden&unansweredBy&max
  r.get('/media/:id/comments/search', async (req, res) => {
    const ig = queryAccount(req)
    const filter = strip({
      textContains: input.str(req, 'text', { max: 256 }),
      author: input.str(req, 'author', { max: 64 }),
      since: input.str(req, 'since', { max: 64 }),
      until: input.str(req, 'until', { max: 64 }),
      hidden: input.bool(req, 'hidden'),
      unansweredBy: input.str(req, 'unansweredBy', { max: 64 }),
      max: input.int(req, 'max', { min: 1, max: 500 }),
    })
    const data = await sdk.comments.filter(req.company.id, ig, input.pathId(req), filter)
    res.json({ success: true, data })
  })

  // POST|DELETE /instagram/accounts/:igUserId/webhook-subscription  (POST { fields: [...] })
  r.post('/accounts/:igUserId/webhook-subscription', async (req, res) => {
    const ig = account(req)
    const fields = input.list(req, 'fields', { required: true, max: 20, itemMax: 64 })
    await webhooks.subscribeApp(req.company.id, ig, fields)
    res.json({ success: true, fields })
  })
  r.delete('/accounts/:igUserId/webhook-subscription', async (req, res) => {
    await webhooks.unsubscribeApp(req.company.id, account(req))
    res.json({ success: true })
  })
  return r
}

module.exports = { router, richMessage }
