/**
 * The "generate report" panel of the demo page, served as `/sample-tasks.js`:
 * starts a report task over the WebSocket, subscribes to its topic and shows
 * a live progress bar and log. Events are matched by task id and
 * de-duplicated by their `seq` (a replayed history can repeat events).
 */
export const TASK_PANEL_SCRIPT = `(() => {
  const $ = (id) => document.getElementById(id);
  const tasks = new Map();
  let bound = null;
  let current = null;
  let pending = false;

  function row(target, text, cls) {
    const div = document.createElement('div');
    div.className = 'row ' + (cls || '');
    div.textContent = text;
    target.appendChild(div);
    target.scrollTop = target.scrollHeight;
  }

  function task(id) {
    let t = tasks.get(id);
    if (!t) {
      t = { seq: 0 };
      tasks.set(id, t);
    }
    return t;
  }

  function fresh(m) {
    const id = m.meta && m.meta.task_id;
    if (typeof id !== 'string') return false;
    // The owner may hear of its task before the reply that names it arrives.
    if (current === null && pending) {
      current = id;
      $('task-id').textContent = id;
    }
    if (id !== current) return false;
    const t = task(id);
    const seq = typeof m.meta.seq === 'number' ? m.meta.seq : 0;
    if (seq && seq <= t.seq) return false;
    if (seq) t.seq = seq;
    return true;
  }

  function setProgress(percent, text) {
    $('task-bar').style.width = Math.max(0, Math.min(100, percent)) + '%';
    $('task-percent').textContent = Math.round(percent) + '%';
    if (text) $('task-step').textContent = text;
  }

  function bind(client) {
    if (!client || bound === client) return;
    bound = client;
    client.on('tasks_worker.task_started', (m) => {
      if (!fresh(m)) return;
      $('task-state').textContent = 'running';
      $('task-state').className = 'badge running';
      row($('task-log'), 'started: ' + m.content, 'sys');
    });
    client.on('tasks_worker.task_progress', (m) => {
      if (fresh(m)) setProgress(Number(m.meta.percent) || 0, typeof m.content === 'string' ? m.content : '');
    });
    client.on('tasks_worker.logs', (m) => {
      if (fresh(m)) row($('task-log'), '[' + m.meta.level + '] ' + m.content, m.meta.level === 'ERROR' ? 'err' : '');
    });
    client.on('tasks_worker.task_success', (m) => {
      if (!fresh(m)) return;
      setProgress(100, 'done');
      $('task-state').textContent = 'succeeded';
      $('task-state').className = 'badge ok';
      row($('task-log'), String(m.content), 'sys');
      $('generate').disabled = false;
    });
    client.on('tasks_worker.task_failed', (m) => {
      if (!fresh(m)) return;
      $('task-state').textContent = 'failed';
      $('task-state').className = 'badge failed';
      row($('task-log'), 'failed: ' + m.meta.error, 'err');
      $('generate').disabled = false;
    });
  }

  document.addEventListener('sample:client', (event) => bind(event.detail));
  bind(window.sampleClient);

  $('task-form').onsubmit = (e) => {
    e.preventDefault();
    const client = window.sampleClient;
    if (!client) return;
    $('generate').disabled = true;
    current = null;
    pending = true;
    $('task-log').textContent = '';
    $('task-state').textContent = 'starting';
    $('task-state').className = 'badge';
    setProgress(0, '');
    const content = { title: $('task-title').value.trim() || 'Quarterly report', fail: $('task-fail').checked };
    client.request('report.generate', content).then(
      (reply) => {
        const id = reply.content.task_id;
        pending = false;
        current = id;
        $('task-id').textContent = id;
        $('task-mode').textContent = reply.content.mode;
        // Events sent to the owner before this reply are replayed from the history.
        return client.subscribeTask(id);
      },
      (err) => {
        pending = false;
        $('task-state').textContent = 'not started: ' + err.message;
        $('task-state').className = 'badge failed';
        $('generate').disabled = false;
      },
    );
  };
})();
`;

/** Markup of the panel, placed in the page's `#tasks-panel` slot. */
export const TASK_PANEL_HTML = `<h2>Background task: generate a report</h2>
    <form id="task-form">
      <input id="task-title" placeholder="report title" maxlength="100" value="Quarterly report">
      <label><input type="checkbox" id="task-fail"> make it fail</label>
      <button id="generate">Generate</button>
    </form>
    <div class="task-meta">task <code id="task-id">-</code> · <span id="task-mode">-</span> · <span id="task-state" class="badge">idle</span> · <span id="task-percent">0%</span> <span id="task-step"></span></div>
    <div class="bar"><div id="task-bar"></div></div>
    <div id="task-log"></div>`;
