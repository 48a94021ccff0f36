// Accounts: the company's added accounts — search, filters, sort, pagination; assign to a
// client; remove; each connection's status with a reconnect button.
import { useEffect, useMemo, useState } from 'preact/hooks'
import { api } from '../api.mjs'
import { html, ErrorNote, StatusNote, number, dateTime, Link } from '../ui.mjs'
import { Dialog } from '../dialog.mjs'
import { startConnect } from './connect.mjs'

const PAGE_SIZE = 10

/** The status of an account, in words, from its live read and its connection's status. */
export function accountStatus(account, connection) {
  if (connection && !connection.valid) return { key: 'reconnect', label: 'Reconnect needed', reason: connection.reason }
  if (account.status === 'unreachable') return { key: 'unreachable', label: 'Unreachable' }
  // Due for renewal, as the SDK judges it (the route's `status=expiring` is the same flag).
  if (connection?.expiring) return { key: 'expiring', label: `Expires ${dateTime(connection.expiresAt)}` }
  return { key: 'connected', label: 'Connected' }
}

/** The profile picture, or the username's initial when there is none or it does not load. */
function Avatar({ src, username }) {
  const [failed, setFailed] = useState(false)
  if (!src || failed) return html`<span class="avatar" aria-hidden="true">${(username ?? '?')[0]}</span>`
  return html`<img src=${src} alt="" width="32" height="32" onError=${() => setFailed(true)} />`
}

function useDebounced(value, ms) {
  const [v, setV] = useState(value)
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms)
    return () => clearTimeout(t)
  }, [value, ms])
  return v
}

const SORTS = [
  { key: 'username', label: 'Username' },
  { key: 'name', label: 'Name' },
  { key: 'followers', label: 'Followers' },
  { key: 'createdAt', label: 'Added' },
]

export function Accounts({ company }) {
  const [clients, setClients] = useState([])
  const [search, setSearch] = useState('')
  const [clientId, setClientId] = useState('')
  const [assigned, setAssigned] = useState('')
  const [statusFilter, setStatusFilter] = useState('')
  const [sortBy, setSortBy] = useState('username')
  const [descending, setDescending] = useState(false)
  const [offset, setOffset] = useState(0)
  const [rows, setRows] = useState(null)
  const [total, setTotal] = useState(0)
  const [connections, setConnections] = useState({})
  const [error, setError] = useState(null)
  const [notice, setNotice] = useState('')
  const [reload, setReload] = useState(0)
  const [assigning, setAssigning] = useState(null)
  const [removing, setRemoving] = useState(null)
  const query = useDebounced(search, 250)

  useEffect(() => {
    api('GET', '/instagram/clients/available').then((r) => setClients(r.data), setError)
  }, [])
  useEffect(() => setOffset(0), [query, clientId, assigned, statusFilter, sortBy, descending])
  useEffect(() => {
    const abort = new AbortController()
    setError(null)
    api('GET', '/instagram/get-added-accounts', {
      // The status filter is the route's: the pages and the count are of the matching accounts.
      query: { search: query, clientId, assigned, status: statusFilter, sortBy, descending: descending || undefined, offset, limit: PAGE_SIZE },
      signal: abort.signal,
    }).then(
      (r) => {
        setRows(r.data)
        setTotal(r.total)
        const ids = [...new Set(r.data.map((a) => a.tokenId).filter(Boolean))]
        for (const id of ids) {
          api('GET', `/instagram/connections/${encodeURIComponent(id)}/status`).then(
            (s) => setConnections((c) => ({ ...c, [id]: s.data })),
            () => {},
          )
        }
      },
      (err) => err.name !== 'AbortError' && setError(err),
    )
    return () => abort.abort()
  }, [query, clientId, assigned, statusFilter, sortBy, descending, offset, reload])

  const shown = useMemo(() => (rows ?? []).map((a) => ({ ...a, state: accountStatus(a, connections[a.tokenId]) })), [rows, connections])

  const sortHeader = (key, label) => {
    const active = sortBy === key
    const next = () => (active ? setDescending(!descending) : (setSortBy(key), setDescending(false)))
    return html`<th scope="col" aria-sort=${active ? (descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" class="sort" onClick=${next}>${label}${active ? (descending ? ' ▼' : ' ▲') : ''}</button>
    </th>`
  }

  return html`
    <p>Instagram accounts your company added. <${Link} href="/console/connect">Connect more accounts<//>.</p>
    <form class="filters" role="search" onSubmit=${(e) => e.preventDefault()}>
      <div><label for="acc-search">Search</label>
        <input id="acc-search" type="search" value=${search} placeholder="username or name" onInput=${(e) => setSearch(e.currentTarget.value)} /></div>
      <div><label for="acc-client">Client</label>
        <select id="acc-client" value=${clientId} onChange=${(e) => setClientId(e.currentTarget.value)}>
          <option value="">All clients</option>
          ${clients.map((c) => html`<option value=${c.id}>${c.name ?? c.id}</option>`)}
        </select></div>
      <div><label for="acc-assigned">Assignment</label>
        <select id="acc-assigned" value=${assigned} onChange=${(e) => setAssigned(e.currentTarget.value)}>
          <option value="">Any</option><option value="true">Assigned</option><option value="false">Not assigned</option>
        </select></div>
      <div><label for="acc-status">Status</label>
        <select id="acc-status" value=${statusFilter} onChange=${(e) => setStatusFilter(e.currentTarget.value)}>
          <option value="">Any</option><option value="connected">Connected</option><option value="expiring">Expiring</option>
          <option value="reconnect">Reconnect needed</option><option value="unreachable">Unreachable</option>
        </select></div>
      <div><label for="acc-sort">Sort by</label>
        <select id="acc-sort" value=${sortBy} onChange=${(e) => setSortBy(e.currentTarget.value)}>
          ${SORTS.map((s) => html`<option value=${s.key}>${s.label}</option>`)}
        </select></div>
      <div class="check"><input id="acc-desc" type="checkbox" checked=${descending} onChange=${(e) => setDescending(e.currentTarget.checked)} />
        <label for="acc-desc">Descending</label></div>
    </form>
    <${ErrorNote} error=${error} />
    <${StatusNote} text=${notice} />
    ${rows === null
      ? html`<p role="status">Loading accounts…</p>`
      : html`<div class="table-wrap"><table class="accounts">
        <caption class="visually-hidden">Added Instagram accounts</caption>
        <thead><tr>
          ${sortHeader('username', 'Account')}${sortHeader('followers', 'Followers')}
          <th scope="col">Client</th><th scope="col">Status</th><th scope="col">Actions</th>
        </tr></thead>
        <tbody>
          ${shown.length === 0 && html`<tr><td colspan="5">No accounts match.</td></tr>`}
          ${shown.map(
            (a) => html`<tr key=${a.id} data-account=${a.username}>
              <td data-label="Account"><div class="who">
                <${Avatar} src=${a.profilePic} username=${a.username} />
                <span><strong>@${a.username}</strong><br /><span class="muted">${a.name ?? ''}</span></span></div></td>
              <td data-label="Followers">${number(a.followers)}</td>
              <td data-label="Client">${a.assignedClient ? a.assignedClient.name ?? a.assignedClient.id : html`<span class="muted">Not assigned</span>`}</td>
              <td data-label="Status"><span class=${`badge ${a.state.key}`}>${a.state.label}</span>
                ${(a.state.key === 'reconnect' || a.state.key === 'expiring') &&
                html` <button type="button" class="small" onClick=${() => startConnect(company, connections[a.tokenId]?.login ?? 'facebook').catch(setError)}>Reconnect<span class="visually-hidden"> @${a.username}</span></button>`}</td>
              <td data-label="Actions" class="actions">
                <button type="button" class="small secondary" onClick=${() => setAssigning(a)}>Assign<span class="visually-hidden"> @${a.username}</span></button>
                <button type="button" class="small danger" onClick=${() => setRemoving(a)}>Remove<span class="visually-hidden"> @${a.username}</span></button>
              </td>
            </tr>`,
          )}
        </tbody>
      </table></div>
      <nav class="pager" aria-label="Pages of accounts">
        <button type="button" class="secondary" disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - PAGE_SIZE))}>Previous</button>
        <span>${total === 0 ? '0' : `${offset + 1}–${Math.min(offset + PAGE_SIZE, total)}`} of ${total}</span>
        <button type="button" class="secondary" disabled=${offset + PAGE_SIZE >= total} onClick=${() => setOffset(offset + PAGE_SIZE)}>Next</button>
      </nav>`}
    <${AssignDialog} account=${assigning} clients=${clients} onClose=${() => setAssigning(null)}
      onDone=${(message) => (setAssigning(null), setNotice(message), setReload(reload + 1))} />
    <${RemoveDialog} account=${removing} onClose=${() => setRemoving(null)}
      onDone=${(message) => (setRemoving(null), setNotice(message), setReload(reload + 1))} />
  `
}

function AssignDialog({ account, clients, onClose, onDone }) {
  const [clientId, setClientId] = useState('')
  const [error, setError] = useState(null)
  useEffect(() => {
    setClientId(account?.assignedClient?.id ?? clients[0]?.id ?? '')
    setError(null)
  }, [account])
  const save = async (e) => {
    e.preventDefault()
    try {
      if (clientId) {
        await api('POST', '/instagram/accounts/assign-to-client', { body: { clientId, accountIds: [account.id] } })
        onDone(`@${account.username} is assigned to ${clients.find((c) => c.id === clientId)?.name ?? clientId}.`)
      } else {
        await api('DELETE', `/instagram/accounts/${account.id}/assignment`)
        onDone(`@${account.username} is no longer assigned to a client.`)
      }
    } catch (err) {
      setError(err)
    }
  }
  return html`<${Dialog} title="Assign to a client" open=${Boolean(account)} onClose=${onClose}>
    ${account &&
    html`<form onSubmit=${save}>
      <p>Which client is <strong>@${account.username}</strong> for?</p>
      <label for="assign-client">Client</label>
      <select id="assign-client" value=${clientId} onChange=${(e) => setClientId(e.currentTarget.value)}>
        ${clients.map((c) => html`<option value=${c.id}>${c.name ?? c.id}</option>`)}
        <option value="">No client</option>
      </select>
      <${ErrorNote} error=${error} />
      <div class="buttons"><button type="submit">Save</button><button type="button" class="secondary" onClick=${onClose}>Cancel</button></div>
    </form>`}
  <//>`
}

function RemoveDialog({ account, onClose, onDone }) {
  const [error, setError] = useState(null)
  useEffect(() => setError(null), [account])
  const remove = async () => {
    try {
      await api('DELETE', `/instagram/accounts/${account.id}`)
      onDone(`@${account.username} was removed.`)
    } catch (err) {
      setError(err)
    }
  }
  return html`<${Dialog} title="Remove the account" open=${Boolean(account)} onClose=${onClose}>
    ${account &&
    html`<p>Remove <strong>@${account.username}</strong> from your company? You can add it again from Connect.</p>
      <${ErrorNote} error=${error} />
      <div class="buttons"><button type="button" class="danger" onClick=${remove}>Remove</button>
        <button type="button" class="secondary" onClick=${onClose}>Cancel</button></div>`}
  <//>`
}
