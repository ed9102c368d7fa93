// keeper's web console: plain DOM code, no framework and no build step. Everything shown from the server goes in
// through textContent, never innerHTML: node data, paths and ids are the users', not ours.
'use strict';

const $ = (id) => document.getElementById(id);
const api = '/console/api/';
const state = { path: '/', offset: 0, limit: 100, node: null, tab: 'panel-tree', paused: false, feed: null };

function authHeader() {
  const v = $('auth').value.trim();
  return v ? { Authorization: v } : {};
}

async function call(name, params, options) {
  const q = params ? '?' + new URLSearchParams(params).toString() : '';
  const opts = Object.assign({ cache: 'no-store' }, options || {});
  const read = !opts.method || opts.method === 'GET';
  opts.headers = Object.assign({}, authHeader(), opts.headers || {});
  let r = await fetch(api + name + q, opts);
  if (read && r.status === 401 && opts.headers.Authorization) {
    // a credential the server cannot read: say so, and show what anyone may see rather than nothing
    $('auth-state').textContent = 'not accepted: showing what anyone may see';
    delete opts.headers.Authorization;
    r = await fetch(api + name + q, opts);
  } else if (read && opts.headers.Authorization) {
    $('auth-state').textContent = '';
  }
  let body = null;
  try { body = await r.json(); } catch (e) { body = { error: r.statusText }; }
  return { status: r.status, ok: r.ok, body };
}

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

function bytes(n) {
  if (n < 1024) return n + ' B';
  const units = ['KiB', 'MiB', 'GiB'];
  let v = n / 1024, u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return v.toFixed(v < 10 ? 2 : 1) + ' ' + units[u];
}

// ---- tabs -------------------------------------------------------------------------------------------------
function show(panel) {
  state.tab = panel;
  document.querySelectorAll('nav button').forEach((b) => b.classList.toggle('active', b.dataset.panel === panel));
  document.querySelectorAll('.panel').forEach((p) => p.classList.toggle('active', p.id === panel));
  refreshPanel();
}

function refreshPanel() {
  if (state.tab === 'panel-tree') loadNode();
  if (state.tab === 'panel-sessions') loadSessions();
  if (state.tab === 'panel-watches') loadWatches();
  if (state.tab === 'panel-figures') loadFigures();
}

// ---- overview ---------------------------------------------------------------------------------------------
async function loadOverview() {
  const r = await call('overview');
  if (!r.ok) return;
  const o = r.body;
  $('ov-mode').textContent = o.mode;
  $('ov-zxid').textContent = o.zxid;
  $('ov-znodes').textContent = o.znodes;
  $('ov-sessions').textContent = o.sessions;
  $('ov-watches').textContent = o.watches;
  $('ov-heap').textContent = bytes(o.watchHeapBytes);
  $('ov-outstanding').textContent = o.outstanding;
}

// ---- tree -------------------------------------------------------------------------------------------------
function go(path) {
  state.path = path;
  state.offset = 0;
  loadNode();
}

async function loadNode() {
  const path = state.path, offset = state.offset;
  const r = await call('node', { path, offset, limit: state.limit });
  if (path !== state.path || offset !== state.offset) return; // another node was chosen meanwhile
  $('tree-path').textContent = state.path;
  renderCrumbs();
  const list = $('children');
  list.replaceChildren();
  if (!r.ok) {
    state.node = null;
    $('node-data').textContent = '';
    $('node-hidden').textContent = r.body.error === 'NoNode' ? 'This node does not exist (any more).' : r.body.error;
    $('node-stat').tBodies[0].replaceChildren();
    $('node-acl').tBodies[0].replaceChildren();
    return;
  }
  const n = r.body;
  state.node = n;
  for (const c of n.children) {
    const li = el('li');
    const a = el('a', c.name, 'child' + (c.ephemeral ? ' ephemeral' : ''));
    a.dataset.path = c.path;
    a.href = '#' + c.path;
    a.addEventListener('click', (ev) => { ev.preventDefault(); go(c.path); });
    if (c.numChildren > 0) a.appendChild(el('span', ' (' + c.numChildren + ')', 'count'));
    li.appendChild(a);
    list.appendChild(li);
  }
  const last = Math.min(n.childrenTotal, state.offset + n.children.length);
  $('children-range').textContent = n.childrenTotal === 0 ? 'no children'
    : (state.offset + 1) + '–' + last + ' of ' + n.childrenTotal;
  $('children-prev').disabled = state.offset === 0;
  $('children-next').disabled = last >= n.childrenTotal;
  $('node-hidden').textContent = n.hidden || '';
  renderData();
  const stat = $('node-stat').tBodies[0];
  stat.replaceChildren();
  for (const [k, v] of Object.entries(n.stat)) {
    const tr = el('tr');
    tr.appendChild(el('th', k));
    const td = el('td', (k === 'ctime' || k === 'mtime') && v > 0 ? v + ' (' + new Date(v).toISOString() + ')' : v);
    td.dataset.field = k;
    td.dataset.value = String(v);
    tr.appendChild(td);
    stat.appendChild(tr);
  }
  const acl = $('node-acl').tBodies[0];
  acl.replaceChildren();
  for (const a of n.acl || []) {
    const tr = el('tr');
    tr.appendChild(el('td', a.scheme + ':' + a.id));
    tr.appendChild(el('td', a.perms));
    acl.appendChild(tr);
  }
  if (!n.acl) acl.appendChild(el('tr')).appendChild(el('td', 'hidden: no READ or ADMIN permission'));
}

function decode(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function renderData() {
  const n = state.node;
  const pre = $('node-data');
  if (!n || n.data === null || n.data === undefined) { pre.textContent = n && n.hidden ? '' : '(no data)'; return; }
  const data = decode(n.data);
  const format = $('data-format').value;
  const text = new TextDecoder('utf-8').decode(data);
  if (format === 'hex') {
    const lines = [];
    for (let i = 0; i < data.length; i += 16) {
      lines.push(Array.from(data.slice(i, i + 16), (b) => b.toString(16).padStart(2, '0')).join(' '));
    }
    pre.textContent = lines.join('\n');
  } else if (format === 'json') {
    try { pre.textContent = JSON.stringify(JSON.parse(text), null, 2); }
    catch (e) { pre.textContent = '(not JSON: ' + e.message + ')\n' + text; }
  } else {
    pre.textContent = text;
  }
}

function renderCrumbs() {
  const c = $('crumbs');
  c.replaceChildren();
  const parts = state.path === '/' ? [] : state.path.split('/').slice(1);
  const crumb = (text, target) => {
    const a = el('a', text);
    a.href = '#' + target;
    a.addEventListener('click', (ev) => { ev.preventDefault(); go(target); });
    return a;
  };
  c.appendChild(crumb('(root)', '/'));
  let p = '';
  for (const name of parts) {
    p += '/' + name;
    c.appendChild(el('span', ' / '));
    c.appendChild(crumb(name, p));
  }
}

async function mutate(method, path, body, params) {
  const status = $('mutation-status');
  status.className = '';
  status.textContent = '…';
  const r = await call('node', Object.assign({ path }, params || {}), { method, body });
  status.className = r.ok ? 'ok' : 'error';
  status.textContent = r.ok ? (method === 'PUT' ? 'saved' : method === 'POST' ? 'created ' + r.body.path : 'deleted')
    : r.body.error;
  return r;
}

// ---- sessions ---------------------------------------------------------------------------------------------
async function loadSessions() {
  const r = await call('sessions');
  if (!r.ok) return;
  const body = $('sessions').tBodies[0];
  body.replaceChildren();
  for (const s of r.body.sessions) {
    const tr = el('tr', null, 'clickable');
    tr.dataset.session = s.id;
    tr.appendChild(el('td', s.id));
    tr.appendChild(el('td', s.address || '(not connected)'));
    tr.appendChild(el('td', s.timeout, 'num'));
    tr.appendChild(el('td', s.ephemeralCount + (s.ephemerals.length ? ': ' + s.ephemerals.join(', ') : '')));
    tr.appendChild(el('td', s.watches, 'num'));
    tr.addEventListener('click', () => loadSessionWatches(s.id));
    body.appendChild(tr);
  }
}

async function loadSessionWatches(id) {
  const r = await call('watches/session', { id });
  if (!r.ok) return;
  $('session-title').textContent = 'Watches of session ' + id + ' (' + r.body.total + ')';
  const body = $('session-watches').tBodies[0];
  body.replaceChildren();
  for (const w of r.body.paths) {
    const tr = el('tr');
    tr.appendChild(el('td', w.path));
    tr.appendChild(el('td', w.kinds.join(', ')));
    body.appendChild(tr);
  }
}

// ---- watches ----------------------------------------------------------------------------------------------
async function loadWatches() {
  const r = await call('watches', { limit: 20 });
  if (!r.ok) return;
  const w = r.body;
  $('watches-total').textContent = w.watches;
  $('watches-paths').textContent = w.paths;
  $('watches-sessions').textContent = w.sessions;
  $('watches-heap').textContent = bytes(w.heapBytes);
  $('watches-per').textContent = w.bytesPerWatch;
  const paths = $('watch-paths').tBodies[0];
  paths.replaceChildren();
  for (const p of w.topPaths) {
    const tr = el('tr', null, 'clickable');
    tr.dataset.path = p.path;
    tr.appendChild(el('td', p.path));
    tr.appendChild(el('td', p.watches, 'num count'));
    tr.appendChild(el('td', bytes(p.heapBytes), 'num'));
    tr.addEventListener('click', () => loadPathWatchers(p.path));
    paths.appendChild(tr);
  }
  const sessions = $('watch-sessions').tBodies[0];
  sessions.replaceChildren();
  for (const s of w.topSessions) {
    const tr = el('tr', null, 'clickable');
    tr.dataset.session = s.session;
    tr.appendChild(el('td', s.session));
    tr.appendChild(el('td', s.watches, 'num count'));
    tr.appendChild(el('td', bytes(s.heapBytes), 'num'));
    tr.addEventListener('click', () => { show('panel-sessions'); loadSessionWatches(s.session); });
    sessions.appendChild(tr);
  }
}

async function loadPathWatchers(path) {
  const r = await call('watches/path', { path });
  if (!r.ok) return;
  $('path-watchers-title').textContent = 'Watchers of ' + path;
  const body = $('path-watchers').tBodies[0];
  body.replaceChildren();
  for (const w of r.body.watchers) {
    const tr = el('tr');
    tr.appendChild(el('td', w.session));
    tr.appendChild(el('td', w.kinds.join(', ')));
    body.appendChild(tr);
  }
}

// ---- live feed --------------------------------------------------------------------------------------------
const MAX_EVENTS = 500;

function openFeed() {
  const feed = new EventSource(api + 'events');
  state.feed = feed;
  feed.onopen = () => { $('events-state').textContent = 'live'; };
  feed.onerror = () => { $('events-state').textContent = 'reconnecting…'; };
  feed.addEventListener('watch', (m) => {
    if (state.paused) return;
    const e = JSON.parse(m.data);
    const prefix = $('events-filter').value;
    if (prefix && !e.path.startsWith(prefix)) return;
    const li = el('li', null, 'event');
    li.dataset.type = e.type;
    li.dataset.path = e.path;
    li.appendChild(el('span', new Date(e.time).toISOString().substring(11, 23) + ' '));
    li.appendChild(el('span', e.type, 'type'));
    const more = e.watchers > e.sessions.length ? ' and ' + (e.watchers - e.sessions.length) + ' more' : '';
    li.appendChild(el('span', e.path + '  zxid ' + e.zxid + '  → ' + e.sessions.join(', ') + more));
    add(li);
  });
  feed.addEventListener('dropped', (m) => {
    add(el('li', m.data + ' events were not shown: this page was not keeping up', 'dropped'));
  });
}

function add(li) {
  const list = $('events');
  list.insertBefore(li, list.firstChild);
  while (list.childElementCount > MAX_EVENTS) list.removeChild(list.lastChild);
}

// ---- figures ----------------------------------------------------------------------------------------------
async function loadFigures() {
  const r = await call('figures');
  if (!r.ok) return;
  const s = r.body.samples;
  chart($('chart-rate'), s, [['reqPerSec', '#1a56c4']]);
  chart($('chart-latency'), s, [['avgLatencyMs', '#1a56c4'], ['maxLatencyMs', '#d0601a']]);
  chart($('chart-outstanding'), s, [['outstanding', '#106b21']]);
}

function chart(canvas, samples, series) {
  const g = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, pad = 30;
  g.clearRect(0, 0, w, h);
  let max = 1;
  for (const [k] of series) for (const x of samples) max = Math.max(max, x[k]);
  g.fillStyle = '#555';
  g.font = '11px sans-serif';
  g.fillText(String(Math.round(max * 100) / 100), 2, 12);
  g.fillText('0', 2, h - 4);
  if (samples.length > 0) g.fillText(new Date(samples[samples.length - 1].time).toLocaleTimeString(), w - 70, h - 4);
  for (const [k, color] of series) {
    g.strokeStyle = color;
    g.beginPath();
    samples.forEach((x, i) => {
      const px = pad + (w - pad - 4) * (samples.length < 2 ? 1 : i / (samples.length - 1));
      const py = h - 14 - (h - 28) * (x[k] / max);
      if (i === 0) g.moveTo(px, py); else g.lineTo(px, py);
    });
    g.stroke();
  }
}

// ---- wiring -----------------------------------------------------------------------------------------------
document.addEventListener('DOMContentLoaded', () => {
  const saved = sessionStorage.getItem('keeper-auth');
  if (saved) $('auth').value = saved;
  $('auth').addEventListener('change', () => sessionStorage.setItem('keeper-auth', $('auth').value));
  $('auth-form').addEventListener('submit', (ev) => { ev.preventDefault(); refreshPanel(); });
  document.querySelectorAll('nav button').forEach((b) => b.addEventListener('click', () => show(b.dataset.panel)));
  $('data-format').addEventListener('change', renderData);
  $('children-prev').addEventListener('click', () => { state.offset = Math.max(0, state.offset - state.limit); loadNode(); });
  $('children-next').addEventListener('click', () => { state.offset += state.limit; loadNode(); });
  $('save-data').addEventListener('click', async () => {
    const r = await mutate('PUT', state.path, $('edit-data').value, { version: -1 });
    if (r.ok) loadNode();
  });
  $('create-node').addEventListener('click', async () => {
    const name = $('child-name').value.trim();
    if (!name) return;
    const r = await mutate('POST', (state.path === '/' ? '' : state.path) + '/' + name, $('edit-data').value);
    if (r.ok) loadNode();
  });
  $('delete-node').addEventListener('click', async () => {
    const r = await mutate('DELETE', state.path, null, { version: -1 });
    if (r.ok) go(state.path.substring(0, state.path.lastIndexOf('/')) || '/');
  });
  $('events-pause').addEventListener('click', () => {
    state.paused = !state.paused;
    $('events-pause').textContent = state.paused ? 'Resume' : 'Pause';
  });
  $('events-clear').addEventListener('click', () => $('events').replaceChildren());
  const start = decodeURIComponent(location.hash.substring(1));
  if (start.startsWith('/')) state.path = start;
  openFeed();
  show('panel-tree');
  loadOverview();
  setInterval(loadOverview, 2000);
  setInterval(() => { if (state.tab !== 'panel-tree') refreshPanel(); }, 2000);
});
