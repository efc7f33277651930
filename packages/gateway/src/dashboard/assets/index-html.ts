/** The dashboard page: a static shell; app.js fills it from the JSON endpoints and the management API. */
export const indexHtml = String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Switchboard dashboard</title>
<link rel="stylesheet" href="/dashboard/style.css">
<script src="/dashboard/app.js" defer></script>
</head>
<body>
<header>
  <h1>Switchboard</h1>
  <span id="node" class="muted"></span>
  <span id="status" class="pill">connecting…</span>
</header>
<nav id="tabs" role="tablist">
  <button role="tab" data-tab="overview" aria-selected="true">Overview</button>
  <button role="tab" data-tab="connections">Connections</button>
  <button role="tab" data-tab="configuration">Configuration</button>
  <button role="tab" data-tab="console">Test console</button>
</nav>
<main>
<section id="overview" class="tab">
  <div class="cards">
    <div class="card"><div class="label">Open connections</div><div class="value" id="open-connections">–</div></div>
    <div class="card"><div class="label">Connects / s</div><div class="value" id="connect-rate">–</div></div>
    <div class="card"><div class="label">Disconnects / s</div><div class="value" id="disconnect-rate">–</div></div>
    <div class="card"><div class="label">Messages / s (in)</div><div class="value" id="message-rate">–</div></div>
    <div class="card"><div class="label">Integration latency (avg, 10 s)</div><div class="value" id="latency-avg">–</div></div>
  </div>
  <div class="panels">
    <div class="panel wide"><h2>Integration latency, last minute (ms: avg solid, max dashed)</h2><canvas id="latency-chart" width="720" height="180"></canvas></div>
    <div class="panel wide"><h2>Traffic, last minute (messages in solid, out dashed; per second)</h2><canvas id="traffic-chart" width="720" height="140"></canvas></div>
    <div class="panel"><h2>Errors by kind (since start)</h2><table id="errors"><thead><tr><th>kind</th><th>count</th></tr></thead><tbody></tbody></table></div>
    <div class="panel"><h2>Stages</h2><table id="stages"><thead><tr><th>stage</th><th>connections</th><th>messages / s</th></tr></thead><tbody></tbody></table></div>
    <div class="panel" id="cluster-panel"><h2>Cluster nodes</h2><table id="nodes"><thead><tr><th>node</th><th>connections</th><th>last heartbeat</th></tr></thead><tbody></tbody></table></div>
  </div>
</section>
<section id="connections" class="tab" hidden>
  <div class="toolbar">
    <label>Stage <select id="stage"></select></label>
    <label>Search <input id="search" type="search" placeholder="id, IP or user agent"></label>
    <label>Page size <select id="page-size"><option>25</option><option selected>50</option><option>100</option></select></label>
    <button id="prev-page" disabled>‹ Prev</button><span id="page-label">page 1</span><button id="next-page" disabled>Next ›</button>
    <button id="refresh">Refresh</button>
  </div>
  <div class="toolbar">
    <label class="grow">Broadcast to the stage <input id="broadcast-text" placeholder="message to every connection of the stage"></label>
    <button id="broadcast">Broadcast</button><span id="broadcast-result" class="muted"></span>
  </div>
  <table id="connection-list"><thead><tr><th>connection id</th><th>connected</th><th>last active</th><th>source IP</th><th>user agent</th></tr></thead><tbody></tbody></table>
  <p id="connection-count" class="muted"></p>
  <div id="details" class="panel" hidden>
    <h2>Connection <code id="details-id"></code></h2>
    <dl id="details-fields"></dl>
    <h3>Recent traffic</h3>
    <table id="details-traffic"><thead><tr><th>time</th><th>direction</th><th>route / source</th></tr></thead><tbody></tbody></table>
    <div class="toolbar">
      <label class="grow">Message <input id="send-text" placeholder="text to send to this connection"></label>
      <button id="send">Send</button>
      <button id="disconnect" class="danger">Disconnect</button>
      <span id="action-result" class="muted"></span>
    </div>
  </div>
</section>
<section id="configuration" class="tab" hidden>
  <div class="panel wide"><h2>Routes</h2><table id="routes"><thead><tr><th>route key</th><th>integration</th><th>two-way</th><th>messages</th><th>integration ok</th><th>integration errors</th><th>avg latency</th></tr></thead><tbody></tbody></table></div>
  <div class="panel wide"><h2>Integrations</h2><table id="integrations"><thead><tr><th>name</th><th>type</th><th>method</th><th>target</th><th>timeout</th></tr></thead><tbody></tbody></table></div>
</section>
<section id="console" class="tab" hidden>
  <div class="toolbar">
    <label class="grow">URL <input id="console-url"></label>
    <button id="console-connect">Connect</button>
    <button id="console-close" disabled>Close</button>
    <span id="console-state" class="pill">closed</span>
  </div>
  <div class="toolbar">
    <label class="grow">Message <input id="console-text" value='{"action":"echo","data":"hello"}'></label>
    <button id="console-send" disabled>Send</button>
  </div>
  <ol id="console-log"></ol>
</section>
</main>
</body>
</html>
`;
