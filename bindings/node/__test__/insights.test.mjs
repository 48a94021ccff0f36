// Insights: account insights (30-day windows merged, roll-ups), media insights by kind, many
// media through the batch API, the live stories.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, connect, ig, COMPANY, SCOPES, rejectsType, rejectsInvalid, rejectsGraph } from './engage-support.mjs'

let ctx
let insights

before(async () => {
  ctx = await setup()
  insights = new ig.Insights(ctx.accounts)
})

after(async () => {
  await ctx?.sandbox.stop()
})

const DAY = 86400

test('account: 90 days of reach in three windows, merged and rolled up by week', async () => {
  const until = Math.floor(Date.now() / 1000)
  const out = await insights.account(COMPANY, ctx.bakery, {
    metrics: ['reach'],
    period: 'day',
    metricType: 'time_series',
    since: until - 90 * DAY,
    until,
    rollup: 'weekly',
  })
  assert.equal(out.windows.length, 3)
  const [reach] = out.metrics
  assert.equal(reach.name, 'reach')
  assert.ok(reach.values.length >= 89 && reach.values.length <= 91, `${reach.values.length}`)
  const ends = reach.values.map((v) => Date.parse(v.endTime.replace(/\+0000$/, 'Z')))
  assert.ok(ends.every((t, i) => i === 0 || t - ends[i - 1] === DAY * 1000), 'one value per day, in order')
  const [weekly] = out.rollup
  assert.equal(weekly.name, 'reach')
  assert.equal(weekly.aggregation, 'SumOfUniques')
  assert.equal(weekly.points.reduce((n, p) => n + p.days, 0), reach.values.length)
  const sum = reach.values.reduce((n, v) => n + v.value, 0)
  assert.equal(weekly.points.reduce((n, p) => n + p.value, 0), sum)
})

test('account: totals with a breakdown, demographics', async () => {
  const until = Math.floor(Date.now() / 1000)
  const likes = await insights.account(COMPANY, ctx.bakery, {
    metrics: ['likes'],
    period: 'day',
    metricType: 'total_value',
    breakdown: ['media_product_type'],
    since: new Date((until - 7 * DAY) * 1000).toISOString(),
    until: new Date(until * 1000).toISOString(),
  })
  assert.ok(likes.metrics[0].totalValue.value > 0)
  assert.ok(likes.metrics[0].totalValue.breakdowns.length > 0)
  const demo = await insights.account(COMPANY, ctx.bakery, {
    metrics: ['follower_demographics'],
    period: 'lifetime',
    metricType: 'total_value',
    breakdown: ['country'],
    timeframe: 'this_month',
  })
  assert.equal(demo.metrics[0].name, 'follower_demographics')
  assert.deepEqual(demo.windows, [])
})

test('account: checked before any call (removed metrics name their replacement)', async () => {
  await assert.rejects(insights.account(COMPANY, ctx.bakery, { metrics: ['impressions'], period: 'day' }), (e) => {
    assert.ok(e instanceof ig.InvalidInputError, `${e.name}: ${e.message}`)
    assert.equal(e.code, 'REMOVED_METRIC')
    assert.match(e.message, /views/)
    return true
  })
  // A demographic metric without a timeframe: refused by the SDK.
  await assert.rejects(
    insights.account(COMPANY, ctx.bakery, { metrics: ['follower_demographics'], period: 'lifetime' }),
    ig.InvalidInputError,
  )
  await rejectsType(insights.account(COMPANY, ctx.bakery, { metrics: [] }), 'options.metrics')
  await rejectsType(insights.account(COMPANY, ctx.bakery, { metrics: ['reach'], rollup: 'hourly' }), 'options.rollup')
  await rejectsType(insights.account(COMPANY, ctx.bakery, { metrics: ['reach'], since: 'soon' }), 'options.since')
})

test('accountSeries: reach, views and accounts engaged by week, the totals one per week', async () => {
  const until = Math.floor(Date.now() / 1000)
  const since = until - 28 * DAY
  const series = await insights.accountSeries(COMPANY, ctx.bakery, {
    metrics: ['views', 'reach', 'accounts_engaged'],
    since,
    until,
    by: 'weekly',
  })
  assert.deepEqual(series.map((m) => m.name), ['views', 'reach', 'accounts_engaged'])
  assert.deepEqual(series.map((m) => m.aggregation), ['Total', 'SumOfUniques', 'Total'])
  const labels = (m) => m.points.map((p) => `${p.start}/${p.end}/${p.days}`)
  assert.deepEqual(labels(series[0]), labels(series[1]), 'totals labelled as the roll-up')
  assert.ok(series[0].points.length >= 4 && series[0].points.every((p) => p.value > 0))
  // views add up: the weeks' totals make the 28 days' total.
  const whole = await insights.account(COMPANY, ctx.bakery, { metrics: ['views'], period: 'day', metricType: 'total_value', since, until })
  assert.equal(series[0].points.reduce((n, p) => n + p.value, 0), whole.metrics[0].totalValue.value)
  // Checked before any call: a year by day of totals, a bad bucket, a missing end.
  await rejectsInvalid(insights.accountSeries(COMPANY, ctx.bakery, { metrics: ['views'], since: until - 200 * DAY, until, by: 'daily' }), 'since')
  await rejectsType(insights.accountSeries(COMPANY, ctx.bakery, { metrics: ['views'], since, until, by: 'hourly' }), 'options.by')
  await rejectsType(insights.accountSeries(COMPANY, ctx.bakery, { metrics: ['views'], since, until: 'later', by: 'daily' }), 'options.until')
  await rejectsInvalid(insights.accountSeries(COMPANY, ctx.bakery, { metrics: ['views'], since, until, by: 'daily', concurrency: 0 }), 'concurrency')
})

test('media: metrics by kind (read from the media, or given)', async () => {
  const all = await new ig.Media(ctx.accounts).listAll(COMPANY, ctx.bakery)
  const reel = all.find((m) => m.mediaProductType === 'REELS')
  const image = all.find((m) => m.mediaType === 'IMAGE')
  const r = await insights.media(COMPANY, ctx.bakery, reel.id)
  assert.equal(r.kind, 'reel')
  assert.ok(r.metrics.some((m) => m.name === 'ig_reels_avg_watch_time'))
  const i = await insights.media(COMPANY, ctx.bakery, image.id, { kind: 'feed', metrics: ['reach', 'likes'] })
  assert.equal(i.kind, 'feed')
  assert.deepEqual(i.metrics.map((m) => m.name).sort(), ['likes', 'reach'])
  assert.ok(i.metrics.every((m) => m.values[0].value >= 0))
  // A reel metric on a feed post: refused before the call.
  await rejectsInvalid(insights.media(COMPANY, ctx.bakery, image.id, { kind: 'feed', metrics: ['ig_reels_avg_watch_time'] }), 'metric')
  await rejectsType(insights.media(COMPANY, ctx.bakery, image.id, { kind: 'tv' }), 'options.kind')
})

test('mediaBatch: ids or media objects, in order, failures kept per item', async () => {
  const all = await new ig.Media(ctx.accounts).listAll(COMPANY, ctx.bakery)
  const input = [all[0], all[1].id, ...all.slice(2)]
  const out = await insights.mediaBatch(COMPANY, ctx.bakery, input)
  assert.deepEqual(out.map((e) => e.mediaId), all.map((m) => m.id))
  for (const [k, entry] of out.entries()) {
    assert.equal(entry.error, undefined, JSON.stringify(entry.error))
    const expected = all[k].mediaProductType === 'REELS' ? 'reel' : all[k].mediaType === 'CAROUSEL_ALBUM' ? 'carousel' : 'feed'
    assert.equal(entry.kind, expected)
    assert.ok(entry.metrics.find((m) => m.name === 'reach').values[0].value > 0)
  }
  // The same numbers as one call per media.
  const single = await insights.media(COMPANY, ctx.bakery, all[0].id)
  assert.deepEqual(out[0].metrics, single.metrics)
  const some = await insights.mediaBatch(COMPANY, ctx.bakery, [all[0]], { metrics: ['likes'] })
  assert.deepEqual(some[0].metrics.map((m) => m.name), ['likes'])
  assert.deepEqual(await insights.mediaBatch(COMPANY, ctx.bakery, []), [])
  await rejectsType(insights.mediaBatch(COMPANY, ctx.bakery, ['1', '']), 'media[1]')
  await rejectsType(insights.mediaBatch(COMPANY, ctx.bakery, [{ id: '' }]), 'media[0].id')
  await rejectsType(insights.mediaBatch(COMPANY, ctx.bakery, ['1/comments']), 'media[0]')
  // A reel metric asked of a feed post: refused before any insights call.
  const image = all.find((m) => m.mediaType === 'IMAGE')
  await rejectsInvalid(insights.mediaBatch(COMPANY, ctx.bakery, [image], { metrics: ['ig_reels_avg_watch_time'] }), 'metric')
  await rejectsType(insights.mediaBatch(COMPANY, ctx.bakery, [image], { metrics: [] }), 'options.metrics')
  await assert.rejects(async () => insights.mediaBatch(COMPANY, ctx.bakery, [42]), TypeError)
})

test('stories: a story with too few viewers fails alone, with Meta\'s message', async () => {
  const { storyManyViewers, storyFewViewers } = ctx.seed.engagement
  const out = await insights.stories(COMPANY, ctx.studio)
  const many = out.find((e) => e.mediaId === storyManyViewers)
  const few = out.find((e) => e.mediaId === storyFewViewers)
  assert.equal(many.kind, 'story')
  assert.equal(many.metrics.find((m) => m.name === 'reach').values[0].value, 120)
  assert.equal(few.error.code, 10)
  assert.match(few.error.message, /viewers/)
  // Alone, the same failure is thrown with every Graph field.
  const e = await rejectsGraph(insights.media(COMPANY, ctx.studio, storyFewViewers, { kind: 'story' }), 10)
  assert.equal(e.userTitle, 'Not enough viewers')
  assert.match(e.userMessage, /5 or more/)
})

test('without the insights permission: permissionMissing', async () => {
  const accounts = new ig.AccountManager(ctx.client, 'memory:')
  await connect(ctx.sandbox, accounts, 'no-insights', { scopes: SCOPES.filter((s) => s !== 'instagram_manage_insights') })
  const e = await rejectsGraph(new ig.Insights(accounts).media('no-insights', ctx.bakery, ctx.seed.instagramAccounts[0].media[0], { kind: 'feed' }), 10)
  assert.equal(e.errorClass, 'permissionMissing')
  assert.equal(e.httpStatus, 400)
})
