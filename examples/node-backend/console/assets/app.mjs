// The console's shell: the session (sign-in), the layout (navigation, skip link) and the page
// router. Pages live in pages/*.mjs and call the service's routes through api.mjs.
import { render } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { api, setCsrfToken, sessionEnded } from './api.mjs'
import { html, Link, navigate } from './ui.mjs'
import { SignIn } from './pages/signin.mjs'
import { Accounts } from './pages/accounts.mjs'
import { Connect } from './pages/connect.mjs'
import { Composer } from './pages/composer.mjs'
import { Calendar } from './pages/calendar.mjs'
import { Insights } from './pages/insights.mjs'
import { Inbox } from './pages/inbox.mjs'
import { closeLive } from './events.mjs'

/** The pages in the navigation, in order: path under /console/, title, component. */
export const PAGES = [
  { path: 'accounts', title: 'Accounts', component: Accounts },
  { path: 'connect', title: 'Connect', component: Connect },
  { path: 'composer', title: 'Composer', component: Composer },
  { path: 'calendar', title: 'Calendar', component: Calendar },
  { path: 'insights', title: 'Insights', component: Insights },
  { path: 'inbox', title: 'Inbox', component: Inbox },
]

function currentPage() {
  const rest = location.pathname.replace(/^\/console\/?/, '').split('/')[0]
  return PAGES.find((p) => p.path === rest) ?? null
}

function Layout({ company, page, onSignOut, children }) {
  useEffect(() => {
    document.title = `${page.title} · Instagram console`
    // On a phone the navigation scrolls sideways: keep the current page's link in view (by the
    // list's scroll offset: scrollIntoView would move where keyboard focus starts from).
    const link = document.querySelector('.side [aria-current="page"]')
    if (link) link.closest('ul').scrollLeft = Math.max(0, link.offsetLeft - 16)
  }, [page])
  return html`
    <a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <span class="brand">Instagram console</span>
      <span class="company">Company: <strong>${company}</strong></span>
      <button type="button" class="secondary" onClick=${onSignOut}>Sign out</button>
    </header>
    <nav class="side" aria-label="Console">
      <ul>
        ${PAGES.map(
          (p) => html`<li key=${p.path}>
            <${Link} href=${`/console/${p.path}`} aria-current=${p === page ? 'page' : undefined}>${p.title}<//>
          </li>`,
        )}
      </ul>
    </nav>
    <main id="main" tabindex="-1">
      <h1>${page.title}</h1>
      ${children}
    </main>
  `
}

function App() {
  const [session, setSession] = useState(undefined)
  const [page, setPage] = useState(currentPage)

  useEffect(() => {
    const onPop = () => {
      setPage(currentPage())
      document.getElementById('main')?.focus()
    }
    addEventListener('popstate', onPop)
    const onEnded = () => {
      setCsrfToken(null)
      setSession(null)
    }
    sessionEnded.addEventListener('ended', onEnded)
    api('GET', '/console/api/session').then(
      (s) => {
        setCsrfToken(s.csrfToken)
        setSession(s)
      },
      () => setSession(null),
    )
    return () => {
      removeEventListener('popstate', onPop)
      sessionEnded.removeEventListener('ended', onEnded)
    }
  }, [])

  useEffect(() => {
    if (session && !page) navigate('/console/accounts')
  }, [session, page])

  if (session === undefined) return html`<p class="loading" role="status">Loading the console…</p>`
  if (session === null) {
    return html`<${SignIn}
      onSignedIn=${(s) => {
        setCsrfToken(s.csrfToken)
        setSession(s)
      }}
    />`
  }
  if (!page) return null
  const signOut = async () => {
    await api('DELETE', '/console/api/session').catch(() => {})
    closeLive()
    setCsrfToken(null)
    setSession(null)
  }
  const Page = page.component
  return html`<${Layout} company=${session.company} page=${page} onSignOut=${signOut}>
    <${Page} key=${page.path} company=${session.company} />
  <//>`
}

document.getElementById('root').textContent = ''
render(html`<${App} />`, document.getElementById('root'))
