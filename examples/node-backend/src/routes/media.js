'use strict'
// Content management, comments and insights. Every route names the IG account it acts on
// (`igUserId`, or the old `instagramBusinessId`); the SDK refuses accounts of other companies.

const express = require('express')
const { checkCompany } = require('../auth')
const { ApiError, badRequest } = require('../errors')
const input = require('../input')

const strip = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))

// Followers, reach and views, as the old plan listed (impressions became views in v22).
const DEFAULT_ACCOUNT_METRICS = ['reach', 'views', 'accounts_engaged', 'total_interactions']
const DEFAULT_SERIES_METRICS = [...DEFAULT_ACCOUNT_METRICS, 'follower_count']

function paged(res, page) {
  res.json({ success: true, data: page.data, paging: page.paging })
}

function router({ sdk }) {
  const r = express.Router()
  // Every route below takes the account from the query or body and checks the company.
  const account = (req) => {
    checkCompany(req)
    return input.igUserId(req)
  }

  // GET /instagram/media?igUserId&limit&after&before&since&until: published posts.
  r.get('/media', async (req, res) => {
    const ig = account(req)
    const page = await sdk.media.list(
      req.company.id,
      ig,
      strip({
        limit: input.int(req, 'limit', { min: 1, max: 100 }),
        after: input.str(req, 'after', { max: 512 }),
        before: input.str(req, 'before', { max: 512 }),
        since: input.pastTime(req, 'since')?.toISOString(),
        until: input.pastTime(req, 'until')?.toISOString(),
      }),
    )
    paged(res, page)
  })

  // GET /instagram/media/insights?igUserId&mediaIds=1,2&metrics=reach,views
  r.get('/media/insights', async (req, res) => {
    const ig = account(req)
    const mediaIds = input.ids(req, ['mediaIds', 'mediaId'], { required: true, max: 50 })
    const metrics = input.list(req, 'metrics', { max: 20, itemMax: 64 })
    const data = await sdk.insights.mediaBatch(req.company.id, ig, mediaIds, strip({ metrics }))
    res.json({ success: true, data })
  })

  // GET /instagram/media/:id?igUserId
  r.get('/media/:id', async (req, res) => {
    const ig = account(req)
    res.json({ success: true, data: await sdk.media.get(req.company.id, ig, input.pathId(req)) })
  })

  // PUT /instagram/media/:id { igUserId, commentsEnabled }: the API can only turn comments
  // on or off; it has no caption edit.
  r.put('/media/:id', async (req, res) => {
    const ig = account(req)
    const mediaId = input.pathId(req)
    if (req.body && req.body.caption !== undefined) {
      throw new ApiError(
        400,
        'UNSUPPORTED',
        "Instagram's API cannot edit a caption after publishing; delete the post and publish it again",
        'caption',
      )
    }
    const enabled = input.bool(req, 'commentsEnabled', { required: true })
    const out = await sdk.media.setCommentsEnabled(req.company.id, ig, mediaId, enabled)
    res.json({ success: true, id: mediaId, commentsEnabled: enabled, response: out })
  })

  // DELETE /instagram/media/:id?igUserId
  r.delete('/media/:id', async (req, res) => {
    const ig = account(req)
    const mediaId = input.pathId(req)
    const out = await sdk.media.delete(req.company.id, ig, mediaId)
    res.json({ success: true, id: mediaId, response: out })
  })

  // GET /instagram/media/:id/comments?igUserId&limit&after
  r.get('/media/:id/comments', async (req, res) => {
    const ig = account(req)
    const opts = strip({ limit: input.int(req, 'limit', { min: 1, max: 50 }), after: input.str(req, 'after', { max: 512 }) })
    // Each comment with its replies (one call): a thread reads whole.
    opts.withReplies = true
    paged(res, await sdk.comments.list(req.company.id, ig, input.pathId(req), opts))
  })

  // POST /instagram/media/:id/comments { igUserId, message, replyTo? }: comments on the
  // media, or replies to one of its comments.
  r.post('/media/:id/comments', async (req, res) => {
    const ig = account(req)
    const mediaId = input.pathId(req)
    const message = input.str(req, 'message', { required: true, max: 2200 })
    if (!message.trim()) throw badRequest('message', 'message must not be blank')
    const replyTo = input.id(req, ['replyTo', 'commentId'], { required: false })
    const out = replyTo
      ? await sdk.comments.reply(req.company.id, ig, replyTo, message)
      : await sdk.comments.create(req.company.id, ig, mediaId, message)
    res.status(201).json({ success: true, id: out.id, mediaId, replyTo: replyTo ?? null })
  })

  // DELETE /instagram/comments/:id?igUserId
  r.delete('/comments/:id', async (req, res) => {
    const ig = account(req)
    const commentId = input.pathId(req)
    const out = await sdk.comments.delete(req.company.id, ig, commentId)
    res.json({ success: true, id: commentId, response: out ?? null })
  })

  // POST /instagram/comments/:id/hide { igUserId, hidden }
  r.post('/comments/:id/hide', async (req, res) => {
    const ig = account(req)
    const commentId = input.pathId(req)
    const hidden = input.bool(req, 'hidden') ?? true
    const out = await sdk.comments.hide(req.company.id, ig, commentId, hidden)
    res.json({ success: true, id: commentId, hidden, response: out ?? null })
  })

  // GET /instagram/me/insights?igUserId&metrics&period&metricType&breakdown&timeframe&since&until
  r.get('/me/insights', async (req, res) => {
    const ig = account(req)
    const metrics = input.list(req, 'metrics', { max: 20, itemMax: 64 })
    const options = strip({
      metrics: metrics ?? DEFAULT_ACCOUNT_METRICS,
      period: input.oneOf(req, 'period', ['day', 'week', 'days_28', 'lifetime']) ?? 'day',
      metricType: input.oneOf(req, 'metricType', ['total_value', 'time_series']) ?? (metrics ? undefined : 'total_value'),
      breakdown: input.list(req, 'breakdown', { max: 5, itemMax: 64 }),
      rollup: input.oneOf(req, 'rollup', ['daily', 'weekly', 'monthly']),
      timeframe: input.str(req, 'timeframe', { max: 64 }),
      since: input.pastTime(req, 'since')?.toISOString(),
      until: input.pastTime(req, 'until')?.toISOString(),
    })
    res.json({ success: true, data: await sdk.insights.account(req.company.id, ig, options) })
  })

  // GET /instagram/me/insights/series?igUserId&metrics&since&until&by: each day metric by day,
  // week or month, ready to chart (the core reads the metrics Meta serves only as totals one
  // total per period).
  r.get('/me/insights/series', async (req, res) => {
    const ig = account(req)
    const since = input.pastTime(req, 'since')
    if (!since) throw badRequest('since', 'since is required (the start of the range)')
    const options = {
      metrics: input.list(req, 'metrics', { max: 20, itemMax: 64 }) ?? DEFAULT_SERIES_METRICS,
      since: since.toISOString(),
      until: (input.pastTime(req, 'until') ?? new Date()).toISOString(),
      by: input.oneOf(req, 'by', ['daily', 'weekly', 'monthly']) ?? 'daily',
    }
    res.json({ success: true, data: await sdk.insights.accountSeries(req.company.id, ig, options) })
  })

  // GET /instagram/stories/insights?igUserId: insights of the current stories.
  r.get('/stories/insights', async (req, res) => {
    const ig = account(req)
    res.json({ success: true, data: await sdk.insights.stories(req.company.id, ig) })
  })
  return r
}

module.exports = { router }
