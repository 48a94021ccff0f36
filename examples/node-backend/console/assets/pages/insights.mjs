// Insights: the account's reach, views, accounts engaged, interactions and new followers over 7,
// 30 or 90 days, by day, week or month (each series built by the core), charted with uPlot; a per-media table sortable by
// each metric; the table exported as CSV.
import { useEffect, useRef, useState } from 'preact/hooks'
import uPlot from 'uplot'
import { api } from '../api.mjs'
import { toCsv } from '../csv.mjs'
import { html, ErrorNote, number, dateTime } from '../ui.mjs'

// Every chart is one series from the core (`Insights.accountSeries`): reach and new followers
// rolled up from Meta's day values, views, accounts engaged and interactions read by the core as
// one total per day, week or month (Meta serves those only as totals over a range).
export const CHART_METRICS = [
  { name: 'reach', label: 'Reach', unique: true },
  { name: 'views', label: 'Views' },
  { name: 'accounts_engaged', label: 'Accounts engaged', unique: true },
  { name: 'total_interactions', label: 'Interactions' },
  { name: 'follower_count', label: 'New followers' },
]
export const MEDIA_METRICS = ['reach', 'views', 'likes', 'comments', 'saved', 'shares', 'total_interactions']
const DAY_MS = 86_400_000
const COLORS = ['#0b5cd5', '#c2410c', '#1e6b34', '#7c3aed', '#a21caf']
const PER = { daily: 'day', weekly: 'week', monthly: 'month' }

/** One metric's points `[start of its period (s), value]` from the core's series. */
export function seriesOf(series, name) {
  const metric = series.find((m) => m.name === name)
  return (metric?.points ?? []).map((p) => [Date.parse(`${p.start}T00:00:00Z`) / 1000, Number(p.value ?? 0)])
}

function Chart({ title, points, color, caption }) {
  const box = useRef(null)
  useEffect(() => {
    if (!box.current || points.length === 0) return
    const widthOf = () => Math.max(200, box.current.clientWidth - 8)
    const plot = new uPlot(
      {
        width: widthOf(),
        height: 180,
        legend: { show: false },
        series: [{}, { label: title, stroke: color, width: 2, fill: `${color}22` }],
        axes: [{ stroke: '#555d66' }, { stroke: '#555d66', size: 56 }],
      },
      [points.map((p) => p[0]), points.map((p) => p[1])],
      box.current,
    )
    // The chart follows its box (a phone turned, a window resized).
    const resize = new ResizeObserver(() => plot.setSize({ width: widthOf(), height: 180 }))
    resize.observe(box.current)
    return () => {
      resize.disconnect()
      plot.destroy()
    }
  }, [points])
  return html`<figure class="chart">
    <figcaption><strong>${title}</strong> <span class="muted">${caption}</span></figcaption>
    <div ref=${box} role="img" aria-label=${`${title}: ${points.map((p) => `${new Date(p[0] * 1000).toLocaleDateString('en')} ${p[1]}`).join(', ')}`}></div>
    ${points.length === 0 && html`<p class="muted">No data for this range.</p>`}
  </figure>`
}

export function Insights() {
  const [accounts, setAccounts] = useState([])
  const [igUserId, setIgUserId] = useState('')
  const [days, setDays] = useState(30)
  const [rollup, setRollup] = useState('daily')
  const [data, setData] = useState(null)
  const [error, setError] = useState(null)
  useEffect(() => {
    api('GET', '/instagram/get-added-accounts', { query: { limit: 100 } }).then((r) => {
      setAccounts(r.data)
      setIgUserId(r.data[0]?.id ?? '')
    }, setError)
  }, [])
  useEffect(() => {
    if (!igUserId) return
    setData(null)
    setError(null)
    const until = new Date()
    const since = new Date(until.getTime() - days * DAY_MS)
    const query = { igUserId, metrics: CHART_METRICS.map((m) => m.name).join(','), since: since.toISOString(), until: until.toISOString(), by: rollup }
    let current = true
    api('GET', '/instagram/me/insights/series', { query }).then((r) => current && setData(r.data), (e) => current && setError(e))
    return () => {
      current = false
    }
  }, [igUserId, days, rollup])
  /** Under a chart: the range's total of an additive metric; the unique accounts per period otherwise. */
  const captionOf = (m, points) =>
    m.unique ? `unique accounts per ${PER[rollup]}` : `${number(points.reduce((s, p) => s + p[1], 0))} in the range`
  return html`
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <div><label for="ins-account">Account</label>
        <select id="ins-account" value=${igUserId} onChange=${(e) => setIgUserId(e.currentTarget.value)}>
          ${accounts.map((a) => html`<option value=${a.id}>@${a.username}</option>`)}
        </select></div>
      <div><label for="ins-range">Range</label>
        <select id="ins-range" value=${days} onChange=${(e) => setDays(Number(e.currentTarget.value))}>
          <option value="7">Last 7 days</option><option value="30">Last 30 days</option><option value="90">Last 90 days</option>
        </select></div>
      <div><label for="ins-rollup">By</label>
        <select id="ins-rollup" value=${rollup} onChange=${(e) => setRollup(e.currentTarget.value)}>
          <option value="daily">Day</option><option value="weekly">Week</option><option value="monthly">Month</option>
        </select></div>
    </form>
    <${ErrorNote} error=${error} />
    ${igUserId && !data && !error && html`<p role="status">Loading insights…</p>`}
    ${data &&
    html`<div class="charts">${CHART_METRICS.map((m, i) => {
      const points = seriesOf(data, m.name)
      return html`<${Chart} key=${m.name + rollup + days} title=${m.label} points=${points} color=${COLORS[i]} caption=${captionOf(m, points)} />`
    })}</div>`}
    ${igUserId && html`<${MediaTable} igUserId=${igUserId} username=${accounts.find((a) => a.id === igUserId)?.username} />`}
  `
}

function MediaTable({ igUserId, username }) {
  const [rows, setRows] = useState(null)
  const [sortBy, setSortBy] = useState('reach')
  const [descending, setDescending] = useState(true)
  const [error, setError] = useState(null)
  useEffect(() => {
    setRows(null)
    api('GET', '/instagram/media', { query: { igUserId, limit: 25 } })
      .then(async (m) => {
        const media = m.data
        if (media.length === 0) return []
        const ins = await api('GET', '/instagram/media/insights', { query: { igUserId, mediaIds: media.map((x) => x.id).join(',') } })
        return media.map((x, i) => {
          const values = {}
          for (const metric of ins.data[i]?.metrics ?? []) values[metric.name] = metric.totalValue?.value ?? metric.values?.[0]?.value ?? null
          return { ...x, values }
        })
      })
      .then(setRows, setError)
  }, [igUserId])
  const sorted = [...(rows ?? [])].sort((a, b) => {
    const x = sortBy === 'timestamp' ? new Date(a.timestamp) : a.values[sortBy] ?? -1
    const y = sortBy === 'timestamp' ? new Date(b.timestamp) : b.values[sortBy] ?? -1
    return (x - y) * (descending ? -1 : 1)
  })
  const header = (key, label) => {
    const active = sortBy === key
    return html`<th scope="col" aria-sort=${active ? (descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" class="sort" onClick=${() => (active ? setDescending(!descending) : (setSortBy(key), setDescending(true)))}>${label}${active ? (descending ? ' ▼' : ' ▲') : ''}</button></th>`
  }
  const exportCsv = () => {
    const table = [['media_id', 'posted', 'type', 'caption', 'permalink', ...MEDIA_METRICS]]
    for (const r of sorted) table.push([r.id, r.timestamp, r.mediaType, r.caption, r.permalink, ...MEDIA_METRICS.map((m) => r.values[m])])
    const a = document.createElement('a')
    a.href = URL.createObjectURL(new Blob([toCsv(table)], { type: 'text/csv' }))
    a.download = `insights-${username ?? igUserId}.csv`
    a.click()
    setTimeout(() => URL.revokeObjectURL(a.href), 1000)
  }
  return html`<section aria-labelledby="media-title">
    <div class="cal-bar"><h2 id="media-title">Posts</h2>
      <button type="button" class="secondary" disabled=${!rows?.length} onClick=${exportCsv}>Export CSV</button></div>
    <${ErrorNote} error=${error} />
    ${rows === null && !error ? html`<p role="status">Loading posts…</p>` : ''}
    ${rows &&
    html`<div class="table-wrap"><table class="media">
      <caption class="visually-hidden">Posts and their lifetime metrics</caption>
      <thead><tr>${header('timestamp', 'Post')}<th scope="col">Type</th>${MEDIA_METRICS.map((m) => header(m, m.replace('_', ' ')))}</tr></thead>
      <tbody>
        ${sorted.length === 0 && html`<tr><td colspan=${MEDIA_METRICS.length + 2}>No posts yet.</td></tr>`}
        ${sorted.map((r) => html`<tr key=${r.id} data-media=${r.id}>
          <td><a href=${r.permalink} target="_blank" rel="noopener noreferrer">${dateTime(r.timestamp)}</a><br /><span class="muted">${(r.caption ?? '').slice(0, 50)}</span></td>
          <td>${(r.mediaType ?? '').toLowerCase().replace('_', ' ')}</td>
          ${MEDIA_METRICS.map((m) => html`<td class="num">${number(r.values[m])}</td>`)}
        </tr>`)}
      </tbody>
    </table></div>`}
  </section>`
}
