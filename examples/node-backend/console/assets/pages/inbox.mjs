// Inbox: comments (filter, reply with templates, hide, delete after a confirmation, private
// reply) and direct messages (conversations, the 24-hour window, quick replies), refreshed live
// when a webhook event for the account arrives. Changing the account starts both tabs afresh
// (no post or conversation of the previous account stays selected).
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.mjs'
import { html, ErrorNote, StatusNote, dateTime } from '../ui.mjs'
import { onLive } from '../events.mjs'
import { Dialog } from '../dialog.mjs'

// Reply templates: `{username}` and `{text}` are filled in by the core's template reply.
export const REPLY_TEMPLATES = [
  { label: 'Thank you', text: 'Thank you, @{username}! 💛' },
  { label: 'We sent a DM', text: '@{username} we just sent you a message with the details.' },
  { label: 'Opening hours', text: '@{username} we are open every day from 7 am to 6 pm.' },
]
const QUICK_REPLIES = [
  { title: 'Opening hours', payload: 'HOURS' },
  { title: 'Order online', payload: 'ORDER' },
  { title: 'Talk to a person', payload: 'HUMAN' },
]
const WINDOW_MS = 24 * 3600_000

function useAccounts(setError) {
  const [accounts, setAccounts] = useState([])
  useEffect(() => {
    api('GET', '/instagram/get-added-accounts', { query: { limit: 100 } }).then((r) => setAccounts(r.data), setError)
  }, [])
  return accounts
}

export function Inbox() {
  const [error, setError] = useState(null)
  const accounts = useAccounts(setError)
  const [igUserId, setIgUserId] = useState('')
  const [tab, setTab] = useState('comments')
  // The last webhook event of the account (comments, messages): the lists reload on each.
  const [live, setLive] = useState(null)
  useEffect(() => {
    if (!igUserId && accounts[0]) setIgUserId(accounts[0].id)
  }, [accounts])
  useEffect(() => onLive('webhook', (e) => String(e.entryId) === igUserId && setLive(e)), [igUserId])
  return html`
    <div class="row"><label for="inbox-account">Account</label>
      <select id="inbox-account" value=${igUserId} onChange=${(e) => setIgUserId(e.currentTarget.value)}>
        ${accounts.length === 0 && html`<option value="">No accounts added yet</option>`}
        ${accounts.map((a) => html`<option value=${a.id}>@${a.username}</option>`)}
      </select></div>
    <${ErrorNote} error=${error} />
    <div class="tabs" role="tablist" aria-label="Inbox">
      <button type="button" role="tab" id="tab-comments" aria-controls="panel-comments" aria-selected=${tab === 'comments'} onClick=${() => setTab('comments')}>Comments</button>
      <button type="button" role="tab" id="tab-messages" aria-controls="panel-messages" aria-selected=${tab === 'messages'} onClick=${() => setTab('messages')}>Messages</button>
    </div>
    ${igUserId &&
    (tab === 'comments'
      ? html`<section role="tabpanel" id="panel-comments" aria-labelledby="tab-comments"><${Comments} key=${igUserId} igUserId=${igUserId} live=${live} /></section>`
      : html`<section role="tabpanel" id="panel-messages" aria-labelledby="tab-messages"><${Messages} key=${igUserId} igUserId=${igUserId} live=${live} /></section>`)}
  `
}

function Comments({ igUserId, live }) {
  const [media, setMedia] = useState([])
  const [mediaId, setMediaId] = useState('')
  const [comments, setComments] = useState(null)
  const [filter, setFilter] = useState('')
  const [showHidden, setShowHidden] = useState(true)
  const [error, setError] = useState(null)
  const [notice, setNotice] = useState('')
  const [reload, setReload] = useState(0)
  const [deleting, setDeleting] = useState(null)
  useEffect(() => {
    api('GET', '/instagram/media', { query: { igUserId, limit: 25 } }).then((r) => {
      setMedia(r.data)
      setMediaId(r.data[0]?.id ?? '')
    }, setError)
  }, [igUserId])
  useEffect(() => {
    if (!mediaId) return setComments([])
    let current = true
    api('GET', `/instagram/media/${mediaId}/comments`, { query: { igUserId, limit: 50 } }).then(
      (r) => current && setComments(r.data),
      (err) => current && setError(err),
    )
    return () => {
      current = false
    }
  }, [mediaId, reload, live])
  const act = async (what, fn) => {
    setError(null)
    try {
      await fn()
      setNotice(what)
      setReload((n) => n + 1)
    } catch (err) {
      setError(err)
    }
  }
  const words = filter.trim().toLowerCase()
  const shown = (comments ?? []).filter(
    (c) => (showHidden || !c.hidden) && (!words || `${c.text ?? ''} ${c.username ?? ''}`.toLowerCase().includes(words)),
  )
  return html`
    <div class="filters">
      <div><label for="comments-media">Post</label>
        <select id="comments-media" value=${mediaId} onChange=${(e) => setMediaId(e.currentTarget.value)}>
          ${media.map((m) => html`<option value=${m.id}>${dateTime(m.timestamp)} · ${(m.caption ?? m.mediaType ?? m.id).slice(0, 40)}</option>`)}
        </select></div>
      <div><label for="comments-filter">Filter</label>
        <input id="comments-filter" type="search" value=${filter} placeholder="text or username" onInput=${(e) => setFilter(e.currentTarget.value)} /></div>
      <div class="check"><input id="comments-hidden" type="checkbox" checked=${showHidden} onChange=${(e) => setShowHidden(e.currentTarget.checked)} />
        <label for="comments-hidden">Show hidden comments</label></div>
    </div>
    <${ErrorNote} error=${error} />
    <${StatusNote} text=${notice} />
    ${comments === null ? html`<p role="status">Loading comments…</p>` : shown.length === 0 ? html`<p>No comments.</p>` : ''}
    <ul class="comments">
      ${shown.map((c) => html`<${CommentItem} key=${c.id} comment=${c} igUserId=${igUserId} mediaId=${mediaId} act=${act} onDelete=${setDeleting} />`)}
    </ul>
    <${Dialog} title="Delete the comment" open=${Boolean(deleting)} onClose=${() => setDeleting(null)}>
      ${deleting &&
      html`<p>Delete the comment of <strong>@${deleting.username ?? 'someone'}</strong>, “${deleting.text}”? It cannot be brought back.</p>
        <div class="buttons">
          <button type="button" class="danger" onClick=${() => {
            const c = deleting
            setDeleting(null)
            act('Comment deleted.', () => api('DELETE', `/instagram/comments/${c.id}`, { query: { igUserId } }))
          }}>Delete</button>
          <button type="button" class="secondary" onClick=${() => setDeleting(null)}>Cancel</button>
        </div>`}
    <//>
  `
}

function CommentItem({ comment: c, igUserId, mediaId, act, onDelete }) {
  const [reply, setReply] = useState('')
  // The replies read with the comment, then those sent from here since.
  const [sent, setSent] = useState([])
  const replies = (c.replies?.data ?? []).map((r) => ({ label: `@${r.username ?? r.from?.username ?? 'someone'}`, message: r.text }))
  // A reply sent from here shows once: as read back, when the list has been read again since.
  const pending = sent.filter((s) => !replies.some((r) => r.message === s.message))
  const [mode, setMode] = useState('public')
  const id = `reply-${c.id}`
  const send = (e) => {
    e.preventDefault()
    const text = reply.trim()
    if (!text) return
    const done = (label) => (message) => {
      setReply('')
      setSent((s) => [...s, { label, message }])
    }
    if (mode === 'private') {
      return act('Private reply sent.', async () => {
        await api('POST', `/instagram/comments/${c.id}/private-reply`, { body: { igUserId, text } })
        done('Private reply')(text)
      })
    }
    // A template's placeholders are filled in by the core (the comment's author and text).
    return act('Reply posted.', async () => {
      if (/\{(username|text)\}/.test(text)) {
        const r = await api('POST', `/instagram/comments/${c.id}/template-reply`, { body: { igUserId, template: text } })
        done('Replied')(r.data.message)
      } else {
        await api('POST', `/instagram/media/${mediaId}/comments`, { body: { igUserId, message: text, replyTo: c.id } })
        done('Replied')(text)
      }
    })
  }
  return html`<li class=${`comment ${c.hidden ? 'hidden' : ''}`} data-comment=${c.id}>
    <p><strong>@${c.username ?? c.from?.username ?? 'someone'}</strong> <span class="muted">${dateTime(c.timestamp)}${c.hidden ? ' · hidden' : ''}</span></p>
    <p>${c.text}</p>
    ${replies.length + pending.length > 0 && html`<ul class="replies">${[...replies, ...pending].map((r, i) => html`<li key=${i}><span class="muted">${r.label}:</span> ${r.message}</li>`)}</ul>`}
    <form class="reply" onSubmit=${send}>
      <label for=${id}>Reply to @${c.username ?? 'this comment'}</label>
      <textarea id=${id} rows="2" value=${reply} onInput=${(e) => setReply(e.currentTarget.value)}></textarea>
      <div class="buttons">
        <label class="visually-hidden" for=${`${id}-template`}>Template for @${c.username}</label>
        <select id=${`${id}-template`} onChange=${(e) => (e.currentTarget.value && setReply(e.currentTarget.value), (e.currentTarget.value = ''))}>
          <option value="">Use a template…</option>
          ${REPLY_TEMPLATES.map((t) => html`<option value=${t.text}>${t.label}</option>`)}
        </select>
        <label class="visually-hidden" for=${`${id}-mode`}>Reply as for @${c.username}</label>
        <select id=${`${id}-mode`} value=${mode} onChange=${(e) => setMode(e.currentTarget.value)}>
          <option value="public">Public reply</option><option value="private">Private reply (DM)</option>
        </select>
        <button type="submit" class="small">Send<span class="visually-hidden"> reply to @${c.username}</span></button>
        <button type="button" class="small secondary" onClick=${() => act(c.hidden ? 'Comment shown.' : 'Comment hidden.', () => api('POST', `/instagram/comments/${c.id}/hide`, { body: { igUserId, hidden: !c.hidden } }))}>
          ${c.hidden ? 'Unhide' : 'Hide'}<span class="visually-hidden"> the comment of @${c.username}</span></button>
        <button type="button" class="small danger" onClick=${() => onDelete(c)}>
          Delete<span class="visually-hidden"> the comment of @${c.username}</span></button>
      </div>
    </form>
  </li>`
}

/** The other participant's last message opens a 24-hour window for replies. */
export function messagingWindow(messages, igUserId, now = Date.now()) {
  const theirs = messages.filter((m) => m.from?.id && m.from.id !== igUserId && m.createdTime)
  const last = theirs.map((m) => new Date(m.createdTime).getTime()).sort((a, b) => b - a)[0]
  if (!last) return { open: false, until: null }
  return { open: now < last + WINDOW_MS, until: new Date(last + WINDOW_MS) }
}

function Messages({ igUserId, live }) {
  const [conversations, setConversations] = useState(null)
  const [selected, setSelected] = useState(null)
  const [messages, setMessages] = useState([])
  const [text, setText] = useState('')
  const [quick, setQuick] = useState(false)
  const [error, setError] = useState(null)
  const [notice, setNotice] = useState('')
  const [reload, setReload] = useState(0)
  useEffect(() => {
    api('GET', '/instagram/conversations', { query: { igUserId, limit: 25 } }).then((r) => {
      setConversations(r.data)
      setSelected((s) => s ?? r.data[0]?.id ?? null)
    }, setError)
  }, [igUserId, live])
  // A new message opens its conversation (found by the sender: Meta's list filter).
  useEffect(() => {
    if (live?.field !== 'messages' || !live.senderId || live.isEcho || live.senderId === igUserId) return
    api('GET', '/instagram/conversations', { query: { igUserId, userId: live.senderId } }).then(
      (r) => r.data[0] && (setSelected(r.data[0].id), setNotice('New message.')),
      () => {},
    )
  }, [live])
  useEffect(() => {
    if (!selected) return
    // Only the answer for the conversation shown now: an earlier one may arrive later.
    let current = true
    api('GET', `/instagram/conversations/${selected}/messages`, { query: { igUserId, limit: 20 } }).then(
      (r) => current && setMessages(r.data),
      (err) => current && setError(err),
    )
    return () => {
      current = false
    }
  }, [selected, reload, live])
  const window = messagingWindow(messages, igUserId)
  const send = async (e) => {
    e.preventDefault()
    setError(null)
    if (!text.trim()) return setError('Write a message first.')
    try {
      await api('POST', `/instagram/conversations/${selected}/messages`, {
        body: { igUserId, text: text.trim(), ...(quick ? { quickReplies: QUICK_REPLIES } : {}) },
      })
      setText('')
      setNotice('Message sent.')
      setReload((n) => n + 1)
    } catch (err) {
      setError(err)
    }
  }
  const other = (c) => (c.participants?.data ?? []).find((p) => p.id !== igUserId)
  return html`<div class="messages">
    <nav aria-label="Conversations" class="conversations">
      ${conversations === null && html`<p role="status">Loading conversations…</p>`}
      ${conversations?.length === 0 && html`<p>No conversations.</p>`}
      <ul>
        ${(conversations ?? []).map(
          (c) => html`<li key=${c.id}><button type="button" class="conv" aria-current=${c.id === selected ? 'true' : undefined} onClick=${() => setSelected(c.id)}>
            ${other(c)?.username ? `@${other(c).username}` : `Conversation ${c.id.slice(-6)}`}<br /><span class="muted">${dateTime(c.updatedTime)}</span></button></li>`,
        )}
      </ul>
    </nav>
    ${selected &&
    html`<section class="thread" aria-label="Messages">
      <p class=${`window ${window.open ? 'open' : 'closed'}`}>
        ${window.open ? `Reply window open until ${dateTime(window.until)}.` : 'The 24-hour reply window is closed: wait for the person to write again.'}</p>
      <ol class="bubbles">
        ${[...messages].reverse().map((m) => html`<li key=${m.id} class=${m.from?.id === igUserId ? 'mine' : 'theirs'}>
          <span>${m.message}</span><span class="muted">${dateTime(m.createdTime)}</span></li>`)}
      </ol>
      <form onSubmit=${send}>
        <label for="dm-text">Reply</label>
        <textarea id="dm-text" rows="2" value=${text} onInput=${(e) => setText(e.currentTarget.value)}></textarea>
        <div class="check"><input id="dm-quick" type="checkbox" checked=${quick} onChange=${(e) => setQuick(e.currentTarget.checked)} />
          <label for="dm-quick">Offer quick replies (${QUICK_REPLIES.map((q) => q.title).join(', ')})</label></div>
        <${ErrorNote} error=${error} />
        <${StatusNote} text=${notice} />
        <div class="buttons"><button type="submit" disabled=${!window.open}>Send message</button></div>
      </form>
    </section>`}
  </div>`
}
