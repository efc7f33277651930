/** The dashboard's stylesheet: system fonts, light and dark schemes, no external resources. */
export const styleCss = String.raw`:root { color-scheme: light dark; --bg: #f7f7f8; --fg: #1d1d21; --muted: #6b6b76; --card: #fff; --line: #e2e2e6; --accent: #2c6fdf; --danger: #c6373a; --ok: #1f8a4c; }
@media (prefers-color-scheme: dark) { :root { --bg: #15161a; --fg: #e8e8ec; --muted: #9a9aa6; --card: #1e1f25; --line: #2e2f37; --accent: #6ea1ff; --danger: #ff6b6e; --ok: #4cc982; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--fg); }
header { display: flex; align-items: baseline; gap: 1rem; padding: .75rem 1.25rem; border-bottom: 1px solid var(--line); background: var(--card); }
h1 { font-size: 1.1rem; margin: 0; }
h2 { font-size: .9rem; margin: 0 0 .5rem; color: var(--muted); font-weight: 600; }
h3 { font-size: .85rem; margin: .75rem 0 .25rem; color: var(--muted); }
nav { display: flex; gap: .25rem; padding: .5rem 1.25rem 0; border-bottom: 1px solid var(--line); }
nav button { border: 0; border-bottom: 2px solid transparent; background: none; color: var(--muted); padding: .5rem .75rem; cursor: pointer; font: inherit; }
nav button[aria-selected="true"] { color: var(--fg); border-bottom-color: var(--accent); }
main { padding: 1rem 1.25rem; }
.muted { color: var(--muted); }
.pill { font-size: .75rem; padding: .1rem .5rem; border-radius: 1rem; border: 1px solid var(--line); }
.pill.ok { color: var(--ok); border-color: var(--ok); }
.pill.bad { color: var(--danger); border-color: var(--danger); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: .75rem; margin-bottom: 1rem; }
.card, .panel { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; }
.card .label { color: var(--muted); font-size: .8rem; }
.card .value { font-size: 1.6rem; font-variant-numeric: tabular-nums; }
.panels { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: .75rem; }
.panel.wide { grid-column: 1 / -1; margin-bottom: .75rem; }
canvas { width: 100%; height: auto; display: block; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 28rem; }
th { color: var(--muted); font-weight: 600; font-size: .8rem; }
#connection-list tbody tr { cursor: pointer; }
#connection-list tbody tr:hover, #connection-list tbody tr.selected { background: color-mix(in srgb, var(--accent) 12%, transparent); }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem; margin: .5rem 0; }
.toolbar .grow { flex: 1; display: flex; gap: .5rem; align-items: center; }
.toolbar .grow input { flex: 1; }
input, select, button { font: inherit; color: inherit; background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .3rem .5rem; }
button { cursor: pointer; }
button:disabled { opacity: .5; cursor: default; }
button.danger { color: var(--danger); border-color: var(--danger); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; word-break: break-all; }
#console-log { font-family: ui-monospace, monospace; font-size: .85rem; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .5rem 2.5rem; min-height: 8rem; max-height: 50vh; overflow: auto; }
#console-log .in { color: var(--ok); }
#console-log .out { color: var(--accent); }
#console-log .meta { color: var(--muted); }
`;
