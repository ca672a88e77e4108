/** The page's one stylesheet, inlined: system fonts, no external resource. */
export const CSS = `
:root { --fg:#1d2330; --muted:#5b6474; --line:#e3e6eb; --bg:#fff; --panel:#f6f7f9; --ok:#1a7f37; --ok-bg:#dafbe1; --bad:#b42318; --bad-bg:#ffe4e1; --warn-bg:#fff4d6; --warn:#7a5200; --accent:#2f5fa7; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); }
header.top { padding: 28px 32px 20px; background: var(--panel); border-bottom: 1px solid var(--line); }
h1 { font-size: 24px; margin: 0 0 6px; }
h2 { font-size: 20px; margin: 40px 0 8px; padding-top: 8px; border-top: 1px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 6px; }
.meta { color: var(--muted); margin: 0 0 14px; max-width: 1100px; }
.banner { padding: 10px 14px; border-radius: 6px; margin: 10px 0; max-width: 1100px; font-weight: 600; }
.banner.warn { background: var(--warn-bg); color: var(--warn); border: 1px solid #f0d58c; }
.banner.bad { background: var(--bad-bg); color: var(--bad); border: 1px solid #f5b5ae; }
.banner.info { background: #e8f0fb; color: var(--accent); }
.verdicts { margin: 16px 0 0; padding: 0; list-style: none; max-width: 1100px; }
.verdicts li { display: grid; grid-template-columns: 120px 1fr; gap: 12px; padding: 6px 0; border-top: 1px solid var(--line); }
.verdicts li:first-child { border-top: 0; }
.verdicts .dim { font-weight: 700; color: var(--accent); }
nav.toc { margin-top: 14px; font-size: 14px; }
nav.toc a { margin-right: 14px; color: var(--accent); text-decoration: none; }
main { padding: 0 32px 40px; max-width: 1560px; }
main > section > p { max-width: 1000px; }
.charts { display: flex; flex-wrap: wrap; gap: 20px; align-items: flex-start; }
figure.chart { margin: 12px 0; padding: 12px; border: 1px solid var(--line); border-radius: 8px; background: #fff; max-width: 100%; }
figure.chart h3 { margin: 0 0 6px; }
figure.chart svg { display: block; max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 8px; }
figcaption .emu { display: inline-block; font-weight: 700; color: var(--warn); background: var(--warn-bg); padding: 0 6px; border-radius: 4px; margin-right: 4px; }
.table-wrap { margin: 18px 0; overflow-x: auto; }
table { border-collapse: collapse; font-size: 13.5px; }
caption { text-align: left; font-weight: 700; font-size: 15px; padding: 0 0 6px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 10px; text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.nowrap { white-space: nowrap; overflow-wrap: normal; }
td.ok { background: var(--ok-bg); color: var(--ok); font-weight: 600; }
td.bad { background: var(--bad-bg); color: var(--bad); font-weight: 600; }
td { max-width: 520px; overflow-wrap: anywhere; }
.table-note { color: var(--muted); font-size: 13px; margin: 6px 0 0; max-width: 1000px; }
footer { color: var(--muted); font-size: 13px; padding: 20px 32px 40px; border-top: 1px solid var(--line); }
a { color: var(--accent); }
`;
