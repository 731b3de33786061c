import type { IncomingMessage, ServerResponse } from 'node:http';
import { findDemoWorkspace } from '../access/demo.ts';
import type { SecretBox } from '../access/secret-box.ts';
import type { Db, WorkspaceRow } from '../db/database.ts';
import { parseEmail } from '../identity/identity-input.ts';
import { signIdentityToken } from '../identity/identity-tokens.ts';
import type { WebHandler } from './serve.ts';
import { WIDGET_PATH } from './widget.ts';

/** The demo page: a fake SaaS dashboard embedding the widget. */
export const DEMO_PATH = '/';
/** Mints a verified identity token for Jane, the demo's verified user. POST only. */
export const DEMO_TOKEN_PATH = '/demo/identity-token';
/** Which demo user the page renders the snippet for: `jane`, `jane-verified`, `sam`, `none`. */
export const DEMO_USER_COOKIE = 'sonny_demo_user';

interface DemoUser {
  readonly email: string;
  readonly name: string;
}

/** Jane is the seed page's user; only she can get a token, and only in the demo workspace. */
const JANE: DemoUser = { email: 'jane@example.com', name: 'Jane Smith' };
const SAM: DemoUser = { email: 'sam@example.com', name: 'Sam Lee' };
const TOKEN_LIFETIME_SECONDS = 3600;

type DemoState = 'jane' | 'jane-verified' | 'sam' | 'none';

/**
 * Serves the demo page at `/` and its token endpoint. Both exist only while the demo is on
 * (`SONNY_DEMO`) and for the demo workspace `npm start` creates on an empty database (the one
 * with the demo agent). Otherwise `/` is a plain page naming the server's paths, and the token
 * endpoint does not exist (404): a production server shows no demo and mints nothing.
 */
export function demoHandler(): WebHandler {
  return async (request, response, context) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (context === undefined || (path !== DEMO_PATH && path !== DEMO_TOKEN_PATH)) return false;
    const { db, secrets } = context;
    if (!context.demo) {
      if (path === DEMO_TOKEN_PATH) return false;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        send(response, 405, 'text/plain', 'Method not allowed', { allow: 'GET, HEAD' });
      } else send(response, 200, 'text/html', request.method === 'HEAD' ? '' : HOME_PAGE);
      return true;
    }
    const workspace = await findDemoWorkspace(db);
    if (path === DEMO_TOKEN_PATH) {
      if (request.method !== 'POST') {
        send(response, 405, 'text/plain', 'Method not allowed', { allow: 'POST' });
      } else if (workspace === undefined) {
        send(response, 404, 'text/plain', 'Not found');
      } else {
        const { token, expiresAt } = await mintJaneToken(db, secrets, workspace);
        const body = JSON.stringify({ token, expiresAt: expiresAt.toISOString(), ...JANE });
        send(response, 200, 'application/json', body, { 'cache-control': 'no-store' });
      }
      return true;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(response, 405, 'text/plain', 'Method not allowed', { allow: 'GET, HEAD' });
      return true;
    }
    if (workspace === undefined) {
      send(response, 200, 'text/html', NO_DEMO_PAGE);
      return true;
    }
    const state = demoState(request);
    const token =
      state === 'jane-verified' ? (await mintJaneToken(db, secrets, workspace)).token : null;
    const html = renderDemoPage({ siteId: workspace.site_id, state, token });
    send(response, 200, 'text/html', request.method === 'HEAD' ? '' : html, {
      'cache-control': 'no-store',
    });
    return true;
  };
}

function mintJaneToken(db: Db, secrets: SecretBox, workspace: WorkspaceRow) {
  return signIdentityToken(db, secrets, workspace.id, {
    email: parseEmail(JANE.email, 'email'),
    name: JANE.name,
    expiresInSeconds: TOKEN_LIFETIME_SECONDS,
  });
}

function demoState(request: IncomingMessage): DemoState {
  const cookie = request.headers.cookie ?? '';
  const value = cookie
    .split(';')
    .map((part) => part.trim().split('='))
    .find(([name]) => name === DEMO_USER_COOKIE)?.[1];
  return value === 'jane-verified' || value === 'sam' || value === 'none' ? value : 'jane';
}

/** A JavaScript string literal that is also safe inside an HTML `<script>`. */
function js(value: string): string {
  return `'${value.replace(/[\\'\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).replace(/</g, '\\u003c')}'`;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The page. Its snippet is the seed page's (identify before init, then init) with our
 * `src` and siteId; the identify lines follow the demo user the page is rendered for, as a
 * real dashboard renders its logged-in user. With `jane-verified` the server-minted token
 * rides along.
 */
export function renderDemoPage(options: {
  siteId: string;
  state: DemoState;
  token: string | null;
}): string {
  const { siteId, state, token } = options;
  const user = state === 'sam' ? SAM : state === 'none' ? null : JANE;
  const identify =
    user === null
      ? ''
      : `// Identify before init — identity is queued and sent on connect
sonny('identify', {
email: ${js(user.email)},
name: ${js(user.name)}${token === null ? '' : `,\nidentityToken: ${js(token)}`}
});
`;
  const who =
    user === null
      ? 'Signed out'
      : `Signed in as ${user.name}${state === 'jane-verified' ? ' (verified)' : ' (unverified)'}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Analytics · Sonny demo</title>
<style>
body{margin:0;font:15px/1.5 system-ui,sans-serif;color:#1c2330;background:#f3f5f9}
header{display:flex;flex-wrap:wrap;gap:12px;align-items:center;justify-content:space-between;padding:12px 24px;background:#111827;color:#fff}
header strong{font-size:18px}
main{max-width:960px;margin:0 auto;padding:24px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:16px;margin:16px 0}
.card{background:#fff;border-radius:10px;padding:16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.card b{display:block;font-size:26px}
.actions{display:flex;flex-wrap:wrap;gap:8px}
button{font:inherit;padding:8px 14px;border-radius:8px;border:1px solid #c5ccd8;background:#fff;cursor:pointer}
button.primary{background:#2b59c3;border-color:#2b59c3;color:#fff}
code{background:#e8ecf3;padding:1px 5px;border-radius:4px}
#result{min-height:1.5em;color:#374151}
</style>
</head>
<body>
<header><strong>Acme Analytics</strong><span id="who">${escapeHtml(who)}</span></header>
<main>
<h1>Dashboard</h1>
<p>This page plays a SaaS app that embeds the Sonny widget (bottom right) with the snippet of
the docs. Log in as one of two users, chat, and watch the conversation land in the inbox.</p>
<div class="actions">
<button class="primary" id="jane">Log in as Jane (verified)</button>
<button id="sam">Log in as Sam (unverified)</button>
<button id="logout">Log out</button>
</div>
<p id="result" role="status"></p>
<div class="cards">
<div class="card">Active users<b>1,284</b></div>
<div class="card">Revenue this month<b>$48,210</b></div>
<div class="card">Open tickets<b>7</b></div>
</div>
<h2>Where the messages go</h2>
<p>Agents answer in the inbox at <a href="/inbox">/inbox</a>; <code>npm start</code> printed the
demo agent's login. This page's siteId is <code>${escapeHtml(siteId)}</code>.</p>
<p>"Log in as Jane (verified)" asks this demo server for a signed identity token
(<code>POST ${DEMO_TOKEN_PATH}</code>; your backend would mint it with
<code>createIdentityToken</code>), then calls <code>sonny('identify', { email, name, identityToken })</code>.
"Log out" calls <code>sonny('reset')</code>.</p>
</main>
<!-- Sonny widget snippet -->
<script>
(function(){
var w=window,d=document,s=d.createElement('script');
w.sonny=w.sonny||function(){(w.sonny.q=w.sonny.q||[]).push(arguments)};
s.src=${js(WIDGET_PATH)};
s.async=true;d.head.appendChild(s);
})();
${identify}sonny('init', { siteId: ${js(siteId)} });
</script>
<script>
(function(){
var result=document.getElementById('result'),who=document.getElementById('who');
function remember(state){document.cookie='${DEMO_USER_COOKIE}='+state+'; path=/; SameSite=Lax';}
function show(text){result.textContent=text;}
function identified(r){return 'Identified as '+r.contact.email+' ('+r.linkedConversationCount+' conversation(s) linked).';}
document.getElementById('jane').onclick=function(){
  show('Asking the demo server for a token…');
  fetch('${DEMO_TOKEN_PATH}',{method:'POST'}).then(function(r){if(!r.ok)throw new Error('HTTP '+r.status);return r.json();})
  .then(function(t){remember('jane-verified');who.textContent='Signed in as Jane Smith (verified)';
    return sonny('identify',{email:t.email,name:t.name,identityToken:t.token});})
  .then(function(r){show(identified(r));},function(e){show('Identify failed: '+(e.code||e.message));});
};
document.getElementById('sam').onclick=function(){
  remember('sam');who.textContent='Signed in as Sam Lee (unverified)';
  sonny('identify',{email:${js(SAM.email)},name:${js(SAM.name)}})
  .then(function(r){show(identified(r));},function(e){show('Identify failed: '+(e.code||e.message));});
};
document.getElementById('logout').onclick=function(){
  remember('none');who.textContent='Signed out';
  sonny('reset').then(function(){show('Logged out: the widget started a fresh anonymous visitor.');},
    function(e){show('Logged out locally; the server said '+(e.code||e.message)+'.');});
};
})();
</script>
</body>
</html>
`;
}

const SERVER_PATHS = `Sonny is running. GraphQL is at <a href="/graphql">/graphql</a>, the agent inbox at
<a href="/inbox">/inbox</a>, the widget at <a href="${WIDGET_PATH}">${WIDGET_PATH}</a>.`;

/** `/` while the demo is off: what the server offers, and nothing else. */
const HOME_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sonny</title></head>
<body><p>${SERVER_PATHS}</p></body></html>
`;

/** `/` with the demo on, on a database without the demo workspace (an operator's own). */
const NO_DEMO_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sonny</title></head>
<body><p>${SERVER_PATHS}
The demo page appears when the database holds the demo workspace <code>npm start</code> creates on an empty database.</p></body></html>
`;

function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    'content-type': `${type}; charset=utf-8`,
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  response.end(body);
}
