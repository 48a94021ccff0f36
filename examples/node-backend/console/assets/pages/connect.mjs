// Connect: Facebook Login or Instagram Login; back from the consent screen, the discovered
// accounts with checkboxes to add; a refusal or an expired link explained in words.
import { useEffect, useState } from 'preact/hooks'
import { api } from '../api.mjs'
import { html, ErrorNote, StatusNote, number, Link } from '../ui.mjs'

// The callback's error codes (src/routes/oauth.js), in the console's own words: the page shows
// only these sentences, never text from its address.
export const CONNECT_ERRORS = {
  access_denied: 'The connection was cancelled: permission was not granted on the consent screen. Connect again and approve to add accounts.',
  authorization_failed: 'Meta refused the authorization. Connect again; if it keeps failing, check the app’s permissions.',
  invalid_state: 'This connection link has expired or was already used. Start connecting again.',
  invalid_code: 'Instagram did not accept the authorization code. Start connecting again.',
}
const CONNECT_FAILED = 'The account could not be connected. Start connecting again.'

/** Asks the service for the consent screen's address and goes there. */
export async function startConnect(company, login, agencyClientId) {
  const r = await api('GET', '/instagram/auth/url', { query: { companyId: company, login, agencyClientId } })
  location.assign(r.url)
}

export function Connect({ company }) {
  const params = new URLSearchParams(location.search)
  const tokenId = params.get('tokenId')
  const errorCode = params.get('error')
  const [login, setLogin] = useState('facebook')
  const [clients, setClients] = useState([])
  const [agencyClientId, setAgencyClientId] = useState('')
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    api('GET', '/instagram/clients/available').then((r) => setClients(r.data), () => {})
  }, [])

  const start = async (e) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await startConnect(company, login, agencyClientId || undefined)
    } catch (err) {
      setError(err)
      setBusy(false)
    }
  }

  return html`
    ${errorCode && html`<div class="panel error" role="alert"><h2>Not connected</h2><p>${CONNECT_ERRORS[errorCode] ?? CONNECT_FAILED}</p></div>`}
    ${tokenId && html`<${Discovered} tokenId=${tokenId} login=${params.get('login')} />`}
    <section class="panel" aria-labelledby="connect-start">
      <h2 id="connect-start">${tokenId ? 'Connect another login' : 'Connect Instagram accounts'}</h2>
      <form onSubmit=${start}>
        <fieldset>
          <legend>Log in with</legend>
          <div class="check"><input type="radio" id="login-facebook" name="login" value="facebook" checked=${login === 'facebook'} onChange=${() => setLogin('facebook')} />
            <label for="login-facebook">Facebook Login <span class="muted">(business accounts through their Facebook Pages and portfolios)</span></label></div>
          <div class="check"><input type="radio" id="login-instagram" name="login" value="instagram" checked=${login === 'instagram'} onChange=${() => setLogin('instagram')} />
            <label for="login-instagram">Instagram Login <span class="muted">(one professional account, no Facebook Page needed)</span></label></div>
        </fieldset>
        <label for="connect-client">For client (optional)</label>
        <select id="connect-client" value=${agencyClientId} onChange=${(e) => setAgencyClientId(e.currentTarget.value)}>
          <option value="">No client</option>
          ${clients.map((c) => html`<option value=${c.id}>${c.name ?? c.id}</option>`)}
        </select>
        <${ErrorNote} error=${error} />
        <div class="buttons"><button type="submit" disabled=${busy}>${busy ? 'Opening the consent screen…' : 'Continue to the consent screen'}</button></div>
      </form>
    </section>
  `
}

function Discovered({ tokenId, login }) {
  const [accounts, setAccounts] = useState(null)
  const [chosen, setChosen] = useState(new Set())
  const [error, setError] = useState(null)
  const [done, setDone] = useState('')
  const [busy, setBusy] = useState(false)
  // Facebook Login: discovery again through the connection (Pages, portfolios). Instagram Login
  // connects one account, found at connection: the company's found accounts, from the store.
  const load = () =>
    api('GET', '/instagram/get-accounts-businesses', { query: login === 'instagram' ? {} : { tokenId } }).then(
      (r) => setAccounts(r.data.accounts),
      (err) => setError(err.status === 404 ? 'This connection is no longer there: connect again.' : err),
    )
  useEffect(() => {
    load()
  }, [tokenId])
  const toggle = (id, on) => {
    const next = new Set(chosen)
    on ? next.add(id) : next.delete(id)
    setChosen(next)
  }
  const add = async (e) => {
    e.preventDefault()
    setError(null)
    if (chosen.size === 0) return setError('Choose at least one account to add.')
    setBusy(true)
    try {
      const r = await api('POST', '/instagram/add-instagram-account', { body: { instagramAccounts: [...chosen].map((id) => ({ id })) } })
      setChosen(new Set())
      await load()
      setDone(`${r.updatedCount} account${r.updatedCount === 1 ? '' : 's'} added.`)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return html`<section class="panel" aria-labelledby="discovered">
    <h2 id="discovered">Accounts found</h2>
    ${accounts === null && !error && html`<p role="status">Looking for the accounts of this login…</p>`}
    ${accounts &&
    html`<form onSubmit=${add}>
      <fieldset>
        <legend>Choose the accounts to add</legend>
        ${accounts.length === 0 && html`<p>This login reaches no Instagram professional account.</p>`}
        <ul class="discovered">
          ${accounts.map(
            (a) => html`<li key=${a.id} class="check">
              <input type="checkbox" id=${`add-${a.id}`} disabled=${a.isAdded} checked=${a.isAdded || chosen.has(a.id)}
                onChange=${(e) => toggle(a.id, e.currentTarget.checked)} />
              <label for=${`add-${a.id}`}><strong>@${a.username}</strong> ${a.name ? html`<span class="muted">${a.name}</span>` : ''}
                <span class="muted"> · ${number(a.followers)} followers${a.isAdded ? ' · already added' : ''}</span></label>
            </li>`,
          )}
        </ul>
      </fieldset>
      <${ErrorNote} error=${error} />
      <${StatusNote} text=${done} />
      <div class="buttons"><button type="submit" disabled=${busy}>Add selected accounts</button>
        ${done && html`<${Link} href="/console/accounts">Go to accounts<//>`}</div>
    </form>`}
    ${!accounts && html`<${ErrorNote} error=${error} />`}
  </section>`
}
