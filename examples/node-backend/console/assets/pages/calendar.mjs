// Calendar: the company's publish jobs by week or by day; reschedule by dragging to another
// day or with the date picker; cancel; each job's status (pending, publishing, published with
// its permalink, failed with the reason). The list refreshes itself while the page is open,
// so a post the worker publishes shows up as published.
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.mjs'
import { html, ErrorNote, StatusNote } from '../ui.mjs'
import { Dialog } from '../dialog.mjs'

const REFRESH_MS = 2000
const DAY_MS = 86_400_000
const STATUS_WORDS = {
  scheduled: 'Scheduled', pending: 'Pending', deferred: 'Deferred', containerCreated: 'Publishing', publishing: 'Publishing',
  published: 'Published', failed: 'Failed', cancelled: 'Cancelled',
}
const BADGE = { scheduled: 'pending', pending: 'pending', deferred: 'pending', containerCreated: 'publishing', publishing: 'publishing', published: 'published', failed: 'failed', cancelled: 'cancelled' }
const CHANGEABLE = new Set(['scheduled', 'pending', 'deferred'])

const startOfDay = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate())
const startOfWeek = (d) => {
  const day = startOfDay(d)
  return new Date(day.getTime() - ((day.getDay() + 6) % 7) * DAY_MS)
}
const sameDay = (a, b) => startOfDay(a).getTime() === startOfDay(b).getTime()
const dayLabel = (d) => d.toLocaleDateString('en', { weekday: 'short', day: 'numeric', month: 'short' })
const timeLabel = (d) => d.toLocaleTimeString('en', { hour: '2-digit', minute: '2-digit' })
/** A Date as a datetime-local input's value (local time). */
const localInput = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)

export function Calendar() {
  const [view, setView] = useState('week')
  const [anchor, setAnchor] = useState(() => new Date())
  const [jobs, setJobs] = useState(null)
  const [accounts, setAccounts] = useState({})
  const [error, setError] = useState(null)
  const [notice, setNotice] = useState('')
  const [editing, setEditing] = useState(null)
  const [tick, setTick] = useState(0)

  useEffect(() => {
    api('GET', '/instagram/get-added-accounts', { query: { limit: 100 } }).then(
      (r) => setAccounts(Object.fromEntries(r.data.map((a) => [a.id, a.username]))),
      () => {},
    )
  }, [])
  useEffect(() => {
    let live = true
    api('GET', '/instagram/schedule', { query: { limit: 500 } }).then(
      (r) => live && setJobs(r.data.filter((j) => j.publishAt || j.status !== 'cancelled')),
      (err) => live && setError(err),
    )
    const t = setTimeout(() => setTick((n) => n + 1), REFRESH_MS)
    return () => {
      live = false
      clearTimeout(t)
    }
  }, [tick])

  const reschedule = async (job, when) => {
    setError(null)
    try {
      await api('PATCH', `/instagram/schedule/${job.id}`, { body: { publishAt: when.toISOString() } })
      setNotice(`Rescheduled to ${dayLabel(when)} ${timeLabel(when)}.`)
      setTick((n) => n + 1)
    } catch (err) {
      setError(err)
    }
  }
  const cancel = async (job) => {
    setError(null)
    try {
      await api('DELETE', `/instagram/schedule/${job.id}`)
      setNotice('The post was cancelled.')
      setTick((n) => n + 1)
    } catch (err) {
      setError(err)
    }
  }

  const first = view === 'week' ? startOfWeek(anchor) : startOfDay(anchor)
  const days = Array.from({ length: view === 'week' ? 7 : 1 }, (_, i) => new Date(first.getTime() + i * DAY_MS))
  const step = (n) => setAnchor(new Date(anchor.getTime() + n * (view === 'week' ? 7 : 1) * DAY_MS))
  const whenOf = (j) => new Date(j.publishAt ?? j.updatedAt ?? j.createdAt)
  const onDrop = (day) => (e) => {
    e.preventDefault()
    const job = jobs?.find((j) => j.id === e.dataTransfer.getData('text/plain'))
    if (!job || !CHANGEABLE.has(job.status)) return
    const old = whenOf(job)
    const when = new Date(day.getFullYear(), day.getMonth(), day.getDate(), old.getHours(), old.getMinutes())
    if (!sameDay(when, old)) reschedule(job, when)
  }

  return html`
    <div class="cal-bar">
      <div class="buttons">
        <button type="button" class="secondary" onClick=${() => step(-1)}>Previous ${view}</button>
        <button type="button" class="secondary" onClick=${() => setAnchor(new Date())}>Today</button>
        <button type="button" class="secondary" onClick=${() => step(1)}>Next ${view}</button>
      </div>
      <div><label for="cal-view">View</label>
        <select id="cal-view" value=${view} onChange=${(e) => setView(e.currentTarget.value)}>
          <option value="week">Week</option><option value="day">Day</option>
        </select></div>
    </div>
    <${ErrorNote} error=${error} />
    <${StatusNote} text=${notice} />
    ${jobs === null
      ? html`<p role="status">Loading the calendar…</p>`
      : html`<div class=${`calendar ${view}`}>
        ${days.map(
          (day) => html`<section class="day" aria-label=${dayLabel(day)} onDragOver=${(e) => e.preventDefault()} onDrop=${onDrop(day)}>
            <h2 class=${sameDay(day, new Date()) ? 'today' : ''}>${dayLabel(day)}</h2>
            <ul>
              ${jobs
                .filter((j) => sameDay(whenOf(j), day))
                .sort((a, b) => whenOf(a) - whenOf(b))
                .map(
                  (j) => html`<li key=${j.id} class="job" data-job=${j.id} data-status=${j.status} draggable=${CHANGEABLE.has(j.status)}
                    onDragStart=${(e) => e.dataTransfer.setData('text/plain', j.id)}>
                    <div><strong>${timeLabel(whenOf(j))}</strong> ${j.post?.kind ?? 'post'} · @${accounts[j.igUserId] ?? j.igUserId}</div>
                    <div><span class=${`badge ${BADGE[j.status] ?? ''}`}>${STATUS_WORDS[j.status] ?? j.status}</span></div>
                    ${j.status === 'published' && j.permalink && html`<div><a href=${j.permalink} target="_blank" rel="noopener noreferrer">View the post<span class="visually-hidden"> of ${timeLabel(whenOf(j))}</span></a></div>`}
                    ${j.status === 'failed' && j.lastError && html`<div class="note error">${j.lastError}</div>`}
                    ${CHANGEABLE.has(j.status) &&
                    html`<div class="buttons">
                      <button type="button" class="small secondary" onClick=${() => setEditing(j)}>Reschedule<span class="visually-hidden"> the ${j.post?.kind ?? 'post'} of ${timeLabel(whenOf(j))}</span></button>
                      <button type="button" class="small danger" onClick=${() => cancel(j)}>Cancel<span class="visually-hidden"> the ${j.post?.kind ?? 'post'} of ${timeLabel(whenOf(j))}</span></button>
                    </div>`}
                  </li>`,
                )}
            </ul>
          </section>`,
        )}
      </div>`}
    <${RescheduleDialog} job=${editing} onClose=${() => setEditing(null)}
      onSave=${(when) => (reschedule(editing, when), setEditing(null))} />
  `
}

function RescheduleDialog({ job, onClose, onSave }) {
  const [value, setValue] = useState('')
  useEffect(() => job && setValue(localInput(new Date(job.publishAt ?? Date.now()))), [job])
  return html`<${Dialog} title="Reschedule the post" open=${Boolean(job)} onClose=${onClose}>
    ${job &&
    html`<form onSubmit=${(e) => (e.preventDefault(), value && onSave(new Date(value)))}>
      <label for="reschedule-at">Publish at (your time)</label>
      <input id="reschedule-at" type="datetime-local" value=${value} onInput=${(e) => setValue(e.currentTarget.value)} />
      <div class="buttons"><button type="submit">Save</button><button type="button" class="secondary" onClick=${onClose}>Cancel</button></div>
    </form>`}
  <//>`
}
