/** Markup of the report task panel, placed in the page's `#tasks-panel` slot (its script: `browser/task-panel.main.ts`). */
export const TASK_PANEL_HTML = `<h2>Background task: generate a report</h2>
    <form id="task-form">
      <input id="task-title" placeholder="report title" maxlength="100" value="Quarterly report">
      <label><input type="checkbox" id="task-fail"> make it fail</label>
      <button id="generate">Generate</button>
    </form>
    <div class="task-meta">task <code id="task-id">-</code> · <span id="task-mode">-</span> · <span id="task-state" class="badge">idle</span> · <span id="task-percent">0%</span> <span id="task-step"></span></div>
    <div class="bar"><div id="task-bar"></div></div>
    <div id="task-log"></div>`;
