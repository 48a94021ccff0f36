// Composer: an image, a carousel (drag or move buttons to order), a reel or a story; media by
// URL or uploaded with byte progress; the caption's live counters are the core's (counts and
// limits from /console/api/caption); people tagged, each at a point of the media; collaborators;
// publish now with live progress (the permalink as its last step), or schedule.
import { useEffect, useRef, useState } from 'preact/hooks'
import { api, upload } from '../api.mjs'
import { html, ErrorNote, StatusNote, Link, dateTime } from '../ui.mjs'
import { onLive, liveReady } from '../events.mjs'

const KINDS = [
  { key: 'image', label: 'Image' },
  { key: 'carousel', label: 'Carousel' },
  { key: 'reel', label: 'Reel' },
  { key: 'story', label: 'Story' },
]
const ROUTES = { image: '/instagram/social/post/instagram', carousel: '/instagram/carousels', reel: '/instagram/reels', story: '/instagram/stories' }
// The kinds the core takes people tagged on, and collaborators on (src/api/publish/validate.rs:
// a carousel takes its tags on its items, which the routes do not offer; a story takes no
// collaborators). The core still checks every post: its refusal names the field.
const TAG_KINDS = new Set(['image', 'reel', 'story'])
const COLLABORATOR_KINDS = new Set(['image', 'carousel', 'reel'])
/** A progress event of the SDK (`created`, `processing`, `ready`, `published`, `failed`) in words. */
function progressWords(p) {
  switch (p.type) {
    case 'created':
      return 'Container created.'
    case 'uploading':
      return `Uploading: ${p.bytes.toLocaleString('en')} of ${p.total.toLocaleString('en')} bytes.`
    case 'processing':
      return `Instagram is processing the media (${p.status}).`
    case 'ready':
      return 'Ready: publishing…'
    case 'published':
      return p.permalink ? 'Published: ' : 'Published.'
    case 'failed':
      return `Failed: ${p.message}`
    default:
      return p.type
  }
}
const stepKey = (p) => `${p.type}:${p.containerId ?? ''}:${p.status ?? ''}`

let itemSeq = 0
const newItem = (kind = 'image') => ({ key: ++itemSeq, kind, url: '', altText: '', progress: null })
// A person tagged: the username, and the point of the media (0–1 from the left and the top).
const newTag = () => ({ key: ++itemSeq, username: '', x: '0.5', y: '0.5' })

/** The people tagged on the media, each with a username and a position. */
function Tags({ tags, onChange }) {
  const set = (i, field) => (e) => onChange(tags.map((t, j) => (j === i ? { ...t, [field]: e.currentTarget.value } : t)))
  return html`<fieldset class="tags"><legend>People tagged</legend>
    <p class="muted" id="tags-help">Each person at a point of the media: x from 0 (left edge) to 1 (right edge), y from 0 (top) to 1 (bottom).</p>
    ${tags.length > 0 &&
    html`<ol class="tag-list">
      ${tags.map((t, i) => {
        const id = `tag-${t.key}`
        return html`<li key=${t.key}>
          <div class="tag-user"><label for=${`${id}-user`}>Person ${i + 1} username</label>
            <input id=${`${id}-user`} type="text" placeholder="@friend" value=${t.username} onInput=${set(i, 'username')} /></div>
          <div><label for=${`${id}-x`}>Person ${i + 1} x (0–1)</label>
            <input id=${`${id}-x`} type="number" inputmode="decimal" min="0" max="1" step="0.05" aria-describedby="tags-help" value=${t.x} onInput=${set(i, 'x')} /></div>
          <div><label for=${`${id}-y`}>Person ${i + 1} y (0–1)</label>
            <input id=${`${id}-y`} type="number" inputmode="decimal" min="0" max="1" step="0.05" aria-describedby="tags-help" value=${t.y} onInput=${set(i, 'y')} /></div>
          <button type="button" class="small danger" onClick=${() => onChange(tags.filter((_, j) => j !== i))}>Remove<span class="visually-hidden"> person ${i + 1}</span></button>
        </li>`
      })}
    </ol>`}
    <button type="button" class="secondary small" onClick=${() => onChange([...tags, newTag()])}>Tag a person</button>
  </fieldset>`
}

/** One media: a URL, or a local file uploaded with a byte progress bar. */
function MediaItem({ item, index, label, accept, allowKind, onChange }) {
  const id = `media-${item.key}`
  const [error, setError] = useState(null)
  const pick = async (e) => {
    const file = e.currentTarget.files?.[0]
    if (!file) return
    setError(null)
    onChange({ ...item, progress: { loaded: 0, total: file.size } })
    try {
      const r = await upload('/console/api/uploads', file, (loaded, total) => onChange((it) => ({ ...it, progress: { loaded, total } })))
      onChange((it) => ({ ...it, url: r.url, kind: r.kind, progress: { loaded: r.bytes, total: r.bytes, done: true } }))
    } catch (err) {
      setError(err)
      onChange((it) => ({ ...it, progress: null }))
    }
  }
  return html`<div class="media-item">
    ${allowKind &&
    html`<label for=${`${id}-kind`}>${label} type</label>
      <select id=${`${id}-kind`} value=${item.kind} onChange=${(e) => onChange({ ...item, kind: e.currentTarget.value })}>
        <option value="image">Image</option><option value="video">Video</option>
      </select>`}
    <label for=${`${id}-url`}>${label} URL</label>
    <input id=${`${id}-url`} type="url" inputmode="url" placeholder="https://…" value=${item.url}
      onInput=${(e) => onChange({ ...item, url: e.currentTarget.value })} />
    <label for=${`${id}-file`}>or upload ${label.toLowerCase()}</label>
    <input id=${`${id}-file`} type="file" accept=${accept} onChange=${pick} />
    ${item.progress &&
    html`<div class="upload">
      <progress id=${`${id}-progress`} max=${item.progress.total || 1} value=${item.progress.loaded} aria-label=${`${label} upload`}></progress>
      <span role="status">${item.progress.done ? `Uploaded ${item.progress.total.toLocaleString('en')} bytes` : `${item.progress.loaded.toLocaleString('en')} of ${item.progress.total.toLocaleString('en')} bytes`}</span>
    </div>`}
    ${(item.kind === 'image') && index !== undefined &&
    html`<label for=${`${id}-alt`}>${label} alt text</label>
      <input id=${`${id}-alt`} type="text" value=${item.altText} onInput=${(e) => onChange({ ...item, altText: e.currentTarget.value })} />`}
    <${ErrorNote} error=${error} />
  </div>`
}

/** The caption with the core's counters: characters, hashtags, mentions against their limits. */
function Caption({ value, onInput, check }) {
  const over = (n, max) => (check && n > max ? 'over' : '')
  return html`<div>
    <label for="caption">Caption</label>
    <textarea id="caption" value=${value} aria-describedby="caption-counters caption-error" onInput=${(e) => onInput(e.currentTarget.value)}></textarea>
    <p id="caption-counters" class="counters">
      ${check
        ? html`<span class=${over(check.data.characters, check.data.maxCharacters)}>Characters ${check.data.characters} / ${check.data.maxCharacters}</span>
          <span class=${over(check.data.hashtags, check.data.maxHashtags)}>Hashtags ${check.data.hashtags} / ${check.data.maxHashtags}</span>
          <span class=${over(check.data.mentions, check.data.maxMentions)}>Mentions ${check.data.mentions} / ${check.data.maxMentions}</span>`
        : 'Counting…'}
    </p>
    <div id="caption-error">${check?.error && html`<p class="note error" role="alert">${check.error.message}</p>`}</div>
  </div>`
}

export function Composer() {
  const [accounts, setAccounts] = useState([])
  const [igUserId, setIgUserId] = useState('')
  const [kind, setKind] = useState('image')
  const [items, setItems] = useState([newItem()])
  const [caption, setCaption] = useState('')
  const [check, setCheck] = useState(null)
  const [collaborators, setCollaborators] = useState('')
  const [tags, setTags] = useState([])
  const [shareToFeed, setShareToFeed] = useState(true)
  const [coverUrl, setCoverUrl] = useState('')
  const [when, setWhen] = useState('now')
  const [publishAt, setPublishAt] = useState('')
  const [error, setError] = useState(null)
  const [steps, setSteps] = useState([])
  const [result, setResult] = useState(null)
  const [notice, setNotice] = useState('')
  const [busy, setBusy] = useState(false)
  const dragFrom = useRef(null)
  const keyRef = useRef(null)

  useEffect(() => {
    api('GET', '/instagram/get-added-accounts', { query: { limit: 100 } }).then((r) => {
      setAccounts(r.data)
      setIgUserId((v) => v || r.data[0]?.id || '')
    }, setError)
    return onLive('publish', (p) => {
      if (p.idempotencyKey !== keyRef.current) return
      // One line per step: a carousel has a container per item; processing repeats while it lasts.
      setSteps((s) => (s.some((x) => stepKey(x) === stepKey(p)) ? s : [...s, p]))
    })
  }, [])
  // The core counts the caption (debounced): the counters and the refusal are its rules.
  const checkCaption = (text) => api('POST', '/console/api/caption', { body: { caption: text } })
  useEffect(() => {
    const t = setTimeout(() => checkCaption(caption).then(setCheck, () => {}), 150)
    return () => clearTimeout(t)
  }, [caption])
  useEffect(() => {
    if (kind === 'carousel' && items.length < 2) setItems([...items, newItem()])
    if (kind !== 'carousel' && items.length > 1) setItems(items.slice(0, 1))
    if (kind === 'reel') setItems((its) => its.map((it) => ({ ...it, kind: 'video' })))
    if (kind === 'image') setItems((its) => its.map((it) => ({ ...it, kind: 'image' })))
  }, [kind])

  const setItem = (index) => (next) => setItems((its) => its.map((it, i) => (i === index ? (typeof next === 'function' ? next(it) : next) : it)))
  const move = (from, to) => {
    if (to < 0 || to >= items.length || from === to) return
    const its = [...items]
    const [it] = its.splice(from, 1)
    its.splice(to, 0, it)
    setItems(its)
  }

  const body = () => {
    const first = items[0]
    const media = first.kind === 'video' ? { videoUrl: first.url } : { imageUrl: first.url }
    const usernames = (text) => text.split(/[\s,]+/).map((c) => c.replace(/^@/, '')).filter(Boolean)
    const collabs = COLLABORATOR_KINDS.has(kind) ? usernames(collaborators) : []
    const collab = collabs.length ? { collaborators: collabs } : {}
    // Each person at the position given (the core checks the range and the count).
    const tagged = TAG_KINDS.has(kind) ? tags.filter((t) => t.username.trim()) : []
    const userTags = tagged.length
      ? { userTags: tagged.map((t) => ({ username: t.username.trim().replace(/^@/, ''), x: Number(t.x), y: Number(t.y) })) }
      : {}
    switch (kind) {
      case 'image':
        return { igUserId, caption, imageUrl: first.url, ...(first.altText ? { altText: first.altText } : {}), ...userTags, ...collab }
      case 'carousel':
        return {
          igUserId, caption,
          items: items.map((it) => ({ [it.kind === 'video' ? 'videoUrl' : 'imageUrl']: it.url, ...(it.altText && it.kind === 'image' ? { altText: it.altText } : {}) })),
          ...collab,
        }
      case 'reel':
        return { igUserId, caption, videoUrl: first.url, shareToFeed, ...(coverUrl ? { coverUrl } : {}), ...collab, ...userTags }
      default:
        return { igUserId, ...media, ...userTags }
    }
  }

  const submit = async (e) => {
    e.preventDefault()
    setError(null)
    setResult(null)
    setNotice('')
    setSteps([])
    if (!igUserId) return setError('Choose the account to post to.')
    if (items.some((it) => !it.url)) return setError('Every media needs a URL or an uploaded file.')
    if (when === 'later' && !publishAt) return setError('Choose when to publish.')
    // The core's check before anything is sent: a refused caption never leaves the console.
    if (kind !== 'story') {
      const c = await checkCaption(caption)
      setCheck(c)
      if (c.error) return setError(`Not sent: ${c.error.message}`)
    }
    setBusy(true)
    try {
      if (when === 'later') {
        const r = await api('POST', '/instagram/schedule', { body: { ...body(), kind, publishAt: new Date(publishAt).toISOString() } })
        setResult({ scheduled: r.data })
      } else {
        keyRef.current = crypto.randomUUID()
        // Not live (the stream was refused): no steps, the HTTP answer says how it went.
        if (!(await liveReady())) setNotice('Live progress is not available: the result shows once the post is published.')
        const r = await api('POST', ROUTES[kind], { body: body(), headers: { 'idempotency-key': keyRef.current } })
        setResult({ published: r })
      }
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  const isVideoKind = kind === 'reel'
  // The permalink came live (the last step): the HTTP answer's is then not shown again.
  const livePermalink = steps.some((s) => s.type === 'published' && s.permalink)
  return html`<form class="composer" onSubmit=${submit} novalidate>
    <div class="row">
      <div><label for="compose-account">Account</label>
        <select id="compose-account" value=${igUserId} onChange=${(e) => setIgUserId(e.currentTarget.value)}>
          ${accounts.length === 0 && html`<option value="">No accounts added yet</option>`}
          ${accounts.map((a) => html`<option value=${a.id}>@${a.username}</option>`)}
        </select></div>
    </div>
    <fieldset class="kinds"><legend>Post type</legend>
      ${KINDS.map((k) => html`<span class="check"><input type="radio" id=${`kind-${k.key}`} name="kind" value=${k.key} checked=${kind === k.key} onChange=${() => setKind(k.key)} />
        <label for=${`kind-${k.key}`}>${k.label}</label></span>`)}
    </fieldset>
    <fieldset><legend>Media</legend>
      ${kind === 'carousel'
        ? html`<p class="muted">2 to 10 items, in the order shown: drag an item, or use its Move buttons.</p>
          <ol class="carousel">
            ${items.map(
              (it, i) => html`<li key=${it.key} draggable="true" data-index=${i}
                onDragStart=${() => (dragFrom.current = i)} onDragOver=${(e) => e.preventDefault()}
                onDrop=${(e) => (e.preventDefault(), move(dragFrom.current, i))}>
                <${MediaItem} item=${it} index=${i} label=${`Item ${i + 1}`} accept="image/jpeg,image/png,video/mp4,video/quicktime" allowKind=${true} onChange=${setItem(i)} />
                <div class="buttons">
                  <button type="button" class="small secondary" disabled=${i === 0} onClick=${() => move(i, i - 1)}>Move up<span class="visually-hidden"> item ${i + 1}</span></button>
                  <button type="button" class="small secondary" disabled=${i === items.length - 1} onClick=${() => move(i, i + 1)}>Move down<span class="visually-hidden"> item ${i + 1}</span></button>
                  <button type="button" class="small danger" disabled=${items.length <= 2} onClick=${() => setItems(items.filter((_, j) => j !== i))}>Remove<span class="visually-hidden"> item ${i + 1}</span></button>
                </div>
              </li>`,
            )}
          </ol>
          <button type="button" class="secondary" disabled=${items.length >= 10} onClick=${() => setItems([...items, newItem()])}>Add an item</button>`
        : html`<${MediaItem} item=${items[0]} index=${kind === 'image' ? 0 : undefined} label=${isVideoKind ? 'Video' : kind === 'story' ? 'Media' : 'Image'}
            accept=${isVideoKind ? 'video/mp4,video/quicktime' : kind === 'story' ? 'image/jpeg,image/png,video/mp4,video/quicktime' : 'image/jpeg,image/png'}
            allowKind=${kind === 'story'} onChange=${setItem(0)} />`}
      ${kind === 'reel' &&
      html`<label for="cover-url">Cover image URL (optional)</label>
        <input id="cover-url" type="url" value=${coverUrl} onInput=${(e) => setCoverUrl(e.currentTarget.value)} />
        <div class="check"><input id="share-feed" type="checkbox" checked=${shareToFeed} onChange=${(e) => setShareToFeed(e.currentTarget.checked)} />
          <label for="share-feed">Also share to the feed</label></div>`}
    </fieldset>
    ${kind !== 'story' && html`<${Caption} value=${caption} onInput=${(text) => (setCaption(text), setError(null))} check=${check} />`}
    ${TAG_KINDS.has(kind) && html`<${Tags} tags=${tags} onChange=${setTags} />`}
    ${COLLABORATOR_KINDS.has(kind) &&
    html`<label for="collaborators">Collaborators (up to 3 usernames, invited)</label>
      <input id="collaborators" type="text" placeholder="@studio, @friend" value=${collaborators} onInput=${(e) => setCollaborators(e.currentTarget.value)} />`}
    <fieldset><legend>When</legend>
      <span class="check"><input type="radio" id="when-now" name="when" checked=${when === 'now'} onChange=${() => setWhen('now')} /><label for="when-now">Publish now</label></span>
      <span class="check"><input type="radio" id="when-later" name="when" checked=${when === 'later'} onChange=${() => setWhen('later')} /><label for="when-later">Schedule</label></span>
      ${when === 'later' &&
      html`<label for="publish-at">Publish at (your time)</label>
        <input id="publish-at" type="datetime-local" value=${publishAt} onInput=${(e) => setPublishAt(e.currentTarget.value)} />`}
    </fieldset>
    <${ErrorNote} error=${error} />
    <${StatusNote} text=${notice} />
    <div class="buttons"><button type="submit" disabled=${busy}>${when === 'later' ? 'Schedule' : 'Publish now'}</button></div>
    ${steps.length > 0 &&
    html`<section class="panel" aria-labelledby="progress-title"><h2 id="progress-title">Progress</h2>
      <ol class="progress" aria-live="polite">
        ${steps.map(
          (s) => html`<li key=${stepKey(s)} data-step=${s.type}>${progressWords(s)}${s.type === 'published' && s.permalink &&
            html`<a href=${s.permalink} target="_blank" rel="noopener noreferrer">${s.permalink}</a>`}</li>`,
        )}
      </ol></section>`}
    ${result?.published &&
    html`<${StatusNote} text="Published." />
      ${!livePermalink &&
      html`<p>The post is live: <a href=${result.published.permalink} target="_blank" rel="noopener noreferrer">${result.published.permalink}</a></p>`}`}
    ${result?.scheduled &&
    html`<${StatusNote} text=${`Scheduled for ${dateTime(result.scheduled.publishAt)}.`} />
      <p><${Link} href="/console/calendar">See it in the calendar<//></p>`}
  </form>`
}
