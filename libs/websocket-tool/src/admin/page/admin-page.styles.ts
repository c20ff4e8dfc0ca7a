/** Styles of the admin page (inline, allowed by the page's CSP hash). */
export const ADMIN_PAGE_STYLES = `
*{box-sizing:border-box}
body{margin:0;font:13px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f4f7;color:#1d2330}
header{position:sticky;top:0;z-index:2;display:flex;gap:10px;align-items:center;padding:10px 16px;background:#1d2330;color:#fff}
header h1{font-size:16px;margin:0 auto 0 0;font-weight:600}
.badge{display:inline-block;padding:2px 9px;border-radius:10px;background:#6b7280;color:#fff;font-size:12px;font-weight:600}
.ok{background:#15803d}.warn{background:#b45309}.crit{background:#b91c1c}
#updated{opacity:.75;font-size:12px}
main{padding:14px 16px;display:grid;gap:14px;grid-template-columns:repeat(12,1fr)}
section{grid-column:span 12;background:#fff;border-radius:6px;padding:12px 14px;box-shadow:0 1px 2px rgba(0,0,0,.08);min-width:0}
section.half{grid-column:span 6}
@media (max-width:900px){section.half{grid-column:span 12}}
h2{font-size:14px;margin:0 0 8px}
#issues{background:#fff7ed;border-left:4px solid #b45309}#issues.crit{background:#fef2f2;border-left-color:#b91c1c}
#issues ul{margin:0;padding-left:18px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:10px;background:none;box-shadow:none;padding:0}
.card{background:#fff;border-radius:6px;padding:10px 12px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.card .label{font-size:11px;text-transform:uppercase;letter-spacing:.04em;color:#6b7280}
.card .value{font-size:22px;font-weight:600;margin:2px 0}
.card .sub{font-size:12px;color:#4b5563}
.bar{position:relative;height:8px;background:#e5e7eb;border-radius:4px;margin-top:6px;overflow:visible}
.bar .fill{height:100%;border-radius:4px;background:#15803d;width:0}
.bar .fill.warn{background:#b45309}.bar .fill.crit{background:#b91c1c}
.bar .mark{position:absolute;top:-3px;width:2px;height:14px;background:#9ca3af}.bar .m70{left:70%}.bar .m90{left:90%}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:12px}
.chart .head{display:flex;justify-content:space-between;font-size:12px;color:#4b5563}
.chart svg{width:100%;height:70px;background:#f9fafb;border-radius:4px;display:block}
.chart polyline{fill:none;stroke-width:1.5;vector-effect:non-scaling-stroke}
table{width:100%;border-collapse:collapse;font-size:12px}
th,td{text-align:left;padding:5px 6px;border-bottom:1px solid #eef0f3;vertical-align:top}
th{color:#4b5563;font-weight:600;white-space:nowrap}
th[data-sort]{cursor:pointer;user-select:none}th[data-sort]:hover{color:#111}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.id{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all;max-width:260px}
td.ua{max-width:220px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
#nodes table{width:auto;min-width:50%}#nodes td.id{max-width:none}
.scroll{overflow-x:auto}
.toolbar{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin-bottom:8px}
.toolbar .grow{flex:1}
input,select,textarea,button{font:inherit}
input,select,textarea{padding:5px 7px;border:1px solid #d1d5db;border-radius:4px;background:#fff}
textarea{width:100%;min-height:54px;font-family:ui-monospace,Menlo,Consolas,monospace}
button{padding:5px 10px;border:1px solid #d1d5db;border-radius:4px;background:#fff;cursor:pointer}
button:hover{background:#f3f4f6}button:disabled{opacity:.5;cursor:default}
button.danger{border-color:#fca5a5;color:#b91c1c}button.primary{background:#1d4ed8;border-color:#1d4ed8;color:#fff}
form.send{display:grid;grid-template-columns:120px 1fr;gap:8px 10px;align-items:start}
form.send label{padding-top:5px;color:#4b5563}
pre{margin:0;white-space:pre-wrap;word-break:break-word;font-size:12px;background:#f9fafb;padding:8px;border-radius:4px;max-height:220px;overflow:auto}
#protocol pre{max-height:160px;min-width:220px}#protocol td.id{white-space:nowrap}
.muted{color:#6b7280}.small{font-size:12px}
.score-ok{color:#15803d}.score-warn{color:#b45309}.score-crit{color:#b91c1c}
#notice{position:fixed;right:16px;bottom:16px;max-width:420px;padding:10px 14px;border-radius:6px;background:#1d2330;color:#fff;box-shadow:0 4px 12px rgba(0,0,0,.2)}
`;
