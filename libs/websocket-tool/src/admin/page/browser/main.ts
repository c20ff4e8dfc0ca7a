/**
 * Script of the admin page, bundled at build time into the page's one inline
 * script: polls the admin API every second and renders everything with
 * `textContent` and DOM calls only, never as HTML, so client ids, user agents
 * and message contents always show as text.
 */
import { setConnection } from './api-client.js';
import { wireClientControls } from './clients-controls.js';
import { loadInfo } from './info-tables.js';
import { tick } from './poller.js';
import { loadProtocol } from './protocol-view.js';
import { wireSendForm } from './send-form.js';
import { wirePresencePanel } from './presence-panel.js';

/** The handlers and settings tables change rarely. */
const INFO_REFRESH_MS = 30000;

wireClientControls(tick);
wireSendForm();
wirePresencePanel();
setConnection('connecting');
tick();
loadInfo();
loadProtocol();
setInterval(loadInfo, INFO_REFRESH_MS);
