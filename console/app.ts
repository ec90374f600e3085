/**
 * The operator console's web app: Preact with htm (no JSX build step; about 5 KB gzipped together)
 * and uPlot for the latency chart. Pages are chosen by the URL's hash, so every view has a link.
 */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { authEnabled, beginSignIn, signOut, startSession } from './auth.js';
import { ArticlePage, ArticlesPage, HealthPage, PartnersPage, RejectionsPage } from './pages.js';
import { html } from './ui.js';

function route(hash: string): { page: string; query: URLSearchParams } {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?');
  return { page: path || 'articles', query: new URLSearchParams(search) };
}

const NAV = [
  ['articles', 'Articles'],
  ['rejections', 'Rejections'],
  ['partners', 'Partners'],
  ['health', 'Health'],
] as const;

function App() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  const go = (next: string) => {
    location.hash = next;
  };
  const { page, query } = route(hash);
  const current = page === 'article' ? 'articles' : page;
  const body =
    page === 'article'
      ? html`<${ArticlePage} uri=${query.get('uri') ?? ''} />`
      : page === 'rejections'
        ? html`<${RejectionsPage} />`
        : page === 'partners'
          ? html`<${PartnersPage} />`
          : page === 'health'
            ? html`<${HealthPage} />`
            : html`<${ArticlesPage} query=${query} go=${go} />`;
  return html`<header>
      <strong>Syndication console</strong>
      <nav>${NAV.map(([name, label]) => html`<a href=${`#/${name}`} class=${current === name ? 'current' : ''} aria-current=${current === name ? 'page' : undefined}>${label}</a>`)}</nav>
      ${authEnabled() && html`<button type="button" class="sign-out" onClick=${() => signOut()}>Sign out</button>`}
    </header>
    <main>${body}</main>`;
}

const root = document.getElementById('app') as HTMLElement;
// Deployed, the operator signs in first (./auth.ts); locally there is nothing to sign in to.
startSession().then(
  (session) => {
    if (session !== 'redirecting') render(html`<${App} />`, root);
  },
  (error: Error) =>
    render(
      html`<main><h1>Not signed in</h1><p class="problem" role="alert">${error.message}</p>
        <button type="button" onClick=${() => beginSignIn()}>Sign in</button></main>`,
      root,
    ),
);
