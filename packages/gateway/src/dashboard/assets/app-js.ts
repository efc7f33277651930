/**
 * The dashboard's script: polls `/dashboard/api/overview` every second, draws the charts on canvas,
 * lists connections through the management API (`GET /{stage}/@connections`, paged), sends,
 * disconnects and broadcasts through it, and runs the browser WebSocket test console. Plain ES2020,
 * no dependencies, no template literals (it is embedded in a String.raw).
 */
export const appJs = String.raw`'use strict';
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var state = { overview: null, stage: null, tokens: [undefined], page: 0, items: [], selected: null, tab: 'overview', socket: null };

  function text(node, value) { node.textContent = value; }
  function cell(row, value) { var td = document.createElement('td'); td.textContent = value; td.title = value; row.appendChild(td); return td; }
  function fmtRate(n) { return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2); }
  function fmtTime(iso) { if (!iso) return ''; var d = new Date(iso); return d.toLocaleTimeString(); }
  function fill(tbody, rows) {
    tbody.replaceChildren();
    rows.forEach(function (values) { var tr = document.createElement('tr'); values.forEach(function (v) { cell(tr, String(v)); }); tbody.appendChild(tr); });
  }

  async function api(method, path, body) {
    var response = await fetch(path, { method: method, body: body, credentials: 'same-origin', headers: body === undefined ? {} : { 'content-type': 'text/plain' } });
    if (response.status === 403) setStatus('not authorized: open /?token=YOUR_TOKEN', false);
    if (!response.ok) {
      var message = response.status + ' ' + (response.headers.get('x-amzn-errortype') || response.statusText);
      var error = new Error(message); error.status = response.status; throw error;
    }
    var type = response.headers.get('content-type') || '';
    return type.indexOf('json') >= 0 ? response.json() : null;
  }
  function setStatus(message, ok) { var s = $('status'); text(s, message); s.className = 'pill ' + (ok ? 'ok' : 'bad'); }
  function managementPath(rest) { return '/' + encodeURIComponent(state.stage) + '/@connections' + rest; }

  // Tabs
  document.querySelectorAll('#tabs button').forEach(function (button) {
    button.addEventListener('click', function () { showTab(button.dataset.tab); });
  });
  function showTab(name) {
    state.tab = name;
    document.querySelectorAll('#tabs button').forEach(function (b) { b.setAttribute('aria-selected', String(b.dataset.tab === name)); });
    document.querySelectorAll('section.tab').forEach(function (s) { s.hidden = s.id !== name; });
    if (name === 'connections') loadConnections();
  }

  // Overview
  async function refreshOverview() {
    try {
      var o = await api('GET', '/dashboard/api/overview');
      state.overview = o;
      setStatus('live', true);
      renderOverview(o);
      if (state.stage === null) initStages(o);
      renderConfiguration(o);
      if (!$('console-url').value) $('console-url').value = consoleUrl(o);
    } catch (error) {
      if (error.status !== 403) setStatus('offline: ' + error.message, false);
    }
  }
  function sum(list, key, seconds) { var s = 0; list.slice(-seconds).forEach(function (b) { s += b[key]; }); return s; }
  function renderOverview(o) {
    var done = o.history.slice(0, -1);
    var recent = done.slice(-10);
    text($('node'), o.cluster.nodeId + ' · ' + o.scope + ' figures');
    text($('open-connections'), String(o.connections));
    text($('connect-rate'), fmtRate(sum(done, 'connects', 10) / Math.max(1, Math.min(10, done.length))));
    text($('disconnect-rate'), fmtRate(sum(done, 'disconnects', 10) / Math.max(1, Math.min(10, done.length))));
    text($('message-rate'), fmtRate(o.messagesPerSecond));
    var calls = sum(recent, 'calls', 10);
    text($('latency-avg'), calls === 0 ? '–' : (sum(recent, 'latencySumMs', 10) / calls).toFixed(1) + ' ms');
    var errors = Object.keys(o.errors).sort().map(function (k) { return [k, o.errors[k]]; });
    fill($('errors').tBodies[0], errors.length ? errors : [['none', 0]]);
    fill($('stages').tBodies[0], o.stages.map(function (s) { return [s.stage, s.connections, fmtRate(s.messagesPerSecond)]; }));
    fill($('nodes').tBodies[0], o.cluster.nodes.map(function (n) { return [n.nodeId + (n.self ? ' (this node)' : ''), n.connections, n.self ? 'now' : fmtTime(n.lastSeen)]; }));
    $('cluster-panel').hidden = o.cluster.nodes.length < 2 && o.scope !== 'cluster';
    chart($('latency-chart'), o.history, [
      function (b) { return b.calls ? b.latencySumMs / b.calls : 0; },
      function (b) { return b.latencyMaxMs; }
    ], ' ms');
    chart($('traffic-chart'), o.history, [
      function (b) { return b.messagesIn; },
      function (b) { return b.messagesOut; }
    ], '/s');
  }
  function chart(canvas, history, series, unit) {
    var ctx = canvas.getContext('2d');
    var w = canvas.width, h = canvas.height, pad = 28;
    var style = getComputedStyle(document.documentElement);
    ctx.clearRect(0, 0, w, h);
    var max = 1;
    history.forEach(function (b) { series.forEach(function (f) { max = Math.max(max, f(b)); }); });
    ctx.strokeStyle = style.getPropertyValue('--line'); ctx.fillStyle = style.getPropertyValue('--muted');
    ctx.font = '11px system-ui'; ctx.lineWidth = 1;
    [0, 0.5, 1].forEach(function (f) {
      var y = h - pad / 2 - f * (h - pad);
      ctx.beginPath(); ctx.moveTo(pad + 20, y); ctx.lineTo(w, y); ctx.stroke();
      ctx.fillText((max * f).toFixed(max * f >= 10 ? 0 : 1) + unit, 0, y + 4);
    });
    ctx.strokeStyle = style.getPropertyValue('--accent'); ctx.lineWidth = 2;
    series.forEach(function (f, index) {
      ctx.setLineDash(index === 0 ? [] : [4, 3]);
      ctx.beginPath();
      history.forEach(function (b, i) {
        var x = pad + 20 + (i / Math.max(1, 59)) * (w - pad - 20);
        var y = h - pad / 2 - (f(b) / max) * (h - pad);
        if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
      });
      ctx.stroke();
    });
    ctx.setLineDash([]);
  }

  // Configuration
  function renderConfiguration(o) {
    fill($('routes').tBodies[0], o.routes.map(function (r) {
      return [r.key, r.integration, r.twoWay ? 'yes' : 'no', r.messages, r.integrationOk, r.integrationErrors, r.calls ? (r.latencySumMs / r.calls).toFixed(1) + ' ms' : '–'];
    }));
    fill($('integrations').tBodies[0], o.integrations.map(function (i) {
      return [i.name, i.type, i.method, i.function ? 'function ' + i.function : i.uris.join(', '), i.timeoutMs + ' ms'];
    }));
  }

  // Connections
  function initStages(o) {
    var select = $('stage');
    o.client.stages.forEach(function (s) { var opt = document.createElement('option'); opt.textContent = s; select.appendChild(opt); });
    state.stage = o.client.stages[0];
    select.addEventListener('change', function () { state.stage = select.value; resetPaging(); loadConnections(); if (state.socket === null) $('console-url').value = consoleUrl(state.overview); });
  }
  function resetPaging() { state.tokens = [undefined]; state.page = 0; }
  async function loadConnections() {
    if (state.stage === null) return;
    var size = $('page-size').value;
    var token = state.tokens[state.page];
    try {
      var page = await api('GET', managementPath('?limit=' + size + (token ? '&nextToken=' + encodeURIComponent(token) : '')));
      state.items = page.items;
      state.tokens[state.page + 1] = page.nextToken;
      renderConnections();
    } catch (error) {
      text($('connection-count'), 'could not list connections: ' + error.message);
    }
  }
  function renderConnections() {
    var query = $('search').value.trim().toLowerCase();
    var shown = state.items.filter(function (c) {
      return !query || c.connectionId.toLowerCase().indexOf(query) >= 0 || (c.identity.sourceIp || '').indexOf(query) >= 0 || (c.identity.userAgent || '').toLowerCase().indexOf(query) >= 0;
    });
    var tbody = $('connection-list').tBodies[0];
    tbody.replaceChildren();
    shown.forEach(function (c) {
      var tr = document.createElement('tr');
      tr.dataset.connectionId = c.connectionId;
      if (c.connectionId === state.selected) tr.className = 'selected';
      cell(tr, c.connectionId); cell(tr, fmtTime(c.connectedAt)); cell(tr, fmtTime(c.lastActiveAt)); cell(tr, c.identity.sourceIp || ''); cell(tr, c.identity.userAgent || '');
      tr.addEventListener('click', function () { select(c.connectionId); });
      tbody.appendChild(tr);
    });
    text($('page-label'), 'page ' + (state.page + 1));
    $('prev-page').disabled = state.page === 0;
    $('next-page').disabled = !state.tokens[state.page + 1];
    text($('connection-count'), shown.length + ' shown' + (query ? ' (filtered from ' + state.items.length + ' on this page)' : ' on this page'));
  }
  async function select(id) {
    state.selected = id;
    renderConnections();
    $('details').hidden = false;
    text($('details-id'), id);
    text($('action-result'), '');
    await loadDetails();
  }
  async function loadDetails() {
    var id = state.selected;
    if (id === null) return;
    var fields = $('details-fields');
    try {
      var d = await api('GET', '/dashboard/api/connections/' + encodeURIComponent(id));
      var pairs = [['stage', d.stage], ['connected at', d.connectedAt], ['last active at', d.lastActiveAt], ['source IP', d.sourceIp], ['user agent', d.userAgent], ['groups', d.groups.length ? d.groups.join(', ') : '(none)']];
      fields.replaceChildren();
      pairs.forEach(function (p) { var dt = document.createElement('dt'); dt.textContent = p[0]; var dd = document.createElement('dd'); dd.textContent = p[1]; fields.append(dt, dd); });
      var traffic = d.recentTraffic.slice().reverse().map(function (t) { return [new Date(t.at).toLocaleTimeString(), t.direction, t.what]; });
      if (traffic.length === 0 && state.overview && state.overview.recentTraffic === 0) traffic = [['', '', 'not recorded: set dashboard.recentTraffic (e.g. 20)']];
      fill($('details-traffic').tBodies[0], traffic);
    } catch (error) {
      if (error.status === 410) {
        // Held by another node (cluster) or gone: fall back to the management API's description.
        try {
          var g = await api('GET', managementPath('/' + encodeURIComponent(id)));
          fields.replaceChildren();
          [['connected at', g.connectedAt], ['last active at', g.lastActiveAt], ['source IP', g.identity.sourceIp], ['user agent', g.identity.userAgent]].forEach(function (p) { var dt = document.createElement('dt'); dt.textContent = p[0]; var dd = document.createElement('dd'); dd.textContent = p[1]; fields.append(dt, dd); });
        } catch (_) {
          text($('action-result'), 'connection gone');
        }
      }
    }
  }
  $('search').addEventListener('input', renderConnections);
  $('page-size').addEventListener('change', function () { resetPaging(); loadConnections(); });
  $('refresh').addEventListener('click', loadConnections);
  $('prev-page').addEventListener('click', function () { if (state.page > 0) { state.page--; loadConnections(); } });
  $('next-page').addEventListener('click', function () { if (state.tokens[state.page + 1]) { state.page++; loadConnections(); } });
  $('send').addEventListener('click', async function () {
    try {
      await api('POST', managementPath('/' + encodeURIComponent(state.selected)), $('send-text').value);
      text($('action-result'), 'sent');
    } catch (error) { text($('action-result'), 'send failed: ' + error.message); }
  });
  $('disconnect').addEventListener('click', async function () {
    try {
      await api('DELETE', managementPath('/' + encodeURIComponent(state.selected)));
      text($('action-result'), 'disconnected');
      state.selected = null; $('details').hidden = true;
      loadConnections();
    } catch (error) { text($('action-result'), 'disconnect failed: ' + error.message); }
  });
  $('broadcast').addEventListener('click', async function () {
    try {
      var r = await api('POST', '/' + encodeURIComponent(state.stage) + '/@broadcast', $('broadcast-text').value);
      text($('broadcast-result'), 'reached ' + r.connections + ' connection(s) on ' + r.nodes + ' node(s)');
    } catch (error) { text($('broadcast-result'), 'broadcast failed: ' + error.message); }
  });

  // Test console
  function consoleUrl(o) { return (o.client.tls ? 'wss://' : 'ws://') + location.hostname + ':' + o.client.port + '/' + (state.stage || o.client.stages[0]); }
  function log(kind, message) {
    var li = document.createElement('li'); li.className = kind;
    li.textContent = new Date().toLocaleTimeString() + '  ' + (kind === 'in' ? '⇐ ' : kind === 'out' ? '⇒ ' : '') + message;
    $('console-log').appendChild(li); li.scrollIntoView({ block: 'nearest' });
  }
  function consoleState(open) {
    text($('console-state'), open ? 'open' : 'closed'); $('console-state').className = 'pill ' + (open ? 'ok' : '');
    $('console-connect').disabled = open; $('console-close').disabled = !open; $('console-send').disabled = !open;
  }
  $('console-connect').addEventListener('click', function () {
    var socket;
    try { socket = new WebSocket($('console-url').value); } catch (error) { log('meta', 'invalid URL: ' + error.message); return; }
    state.socket = socket;
    log('meta', 'connecting to ' + socket.url);
    socket.addEventListener('open', function () { consoleState(true); log('meta', 'open'); });
    socket.addEventListener('message', function (event) { log('in', typeof event.data === 'string' ? event.data : '[binary]'); });
    socket.addEventListener('close', function (event) { consoleState(false); state.socket = null; log('meta', 'closed ' + event.code + (event.reason ? ' ' + event.reason : '')); });
  });
  $('console-close').addEventListener('click', function () { if (state.socket) state.socket.close(1000); });
  $('console-send').addEventListener('click', function () {
    if (!state.socket) return;
    var value = $('console-text').value; state.socket.send(value); log('out', value);
  });

  refreshOverview();
  setInterval(function () {
    refreshOverview();
    if (state.tab === 'connections') { loadConnections(); loadDetails(); }
  }, 1000);
})();
`;
