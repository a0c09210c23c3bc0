/**
 * The console's page: plain HTML and CSS, no build step. Its behaviour is in `script.ts`, served
 * at `/_dev/console.js`.
 *
 * @module
 */

/** The page served at `/`. */
export const pageHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wacall dev: WhatsApp calling dev phone</title>
<style>
  :root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --fg: #16191d; --muted: #555d66; --line: #d5d9de; --ok: #0b6e3a; --bad: #a4161a; --warn: #8a5300; --accent: #075e54; }
  @media (prefers-color-scheme: dark) { :root { --bg: #111417; --card: #1a1f24; --fg: #eef1f4; --muted: #a9b2bc; --line: #333b44; --ok: #5fd68f; --bad: #ff8a8d; --warn: #f3c26b; --accent: #4fd1b9; } }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--fg); }
  header { padding: 12px 20px; border-bottom: 1px solid var(--line); background: var(--card); }
  header h1 { margin: 0 0 4px; font-size: 20px; }
  header p { margin: 2px 0; color: var(--muted); }
  code, pre { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
  main { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(420px, 1.4fr); gap: 16px; padding: 16px 20px; }
  @media (max-width: 900px) { main { grid-template-columns: 1fr; } }
  section.panel { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; margin-bottom: 16px; }
  h2 { font-size: 17px; margin: 0 0 8px; }
  h3 { font-size: 15px; margin: 0 0 6px; }
  article.user { border: 1px solid var(--line); border-radius: 6px; padding: 10px; margin: 10px 0; }
  .row { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 6px 0; }
  button { font: inherit; padding: 4px 10px; border: 1px solid var(--accent); background: transparent; color: var(--fg); border-radius: 4px; cursor: pointer; }
  button.primary { background: var(--accent); color: #fff; }
  button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 3px solid #1a73e8; outline-offset: 2px; }
  input, select { font: inherit; padding: 3px 6px; border: 1px solid var(--line); border-radius: 4px; background: var(--card); color: var(--fg); }
  label { color: var(--muted); }
  .badge { display: inline-block; padding: 0 6px; border-radius: 10px; border: 1px solid currentColor; font-size: 12px; }
  .ok { color: var(--ok); } .bad { color: var(--bad); } .warn { color: var(--warn); } .muted { color: var(--muted); }
  ul.calls { list-style: none; padding: 0; margin: 6px 0; }
  ul.calls li { border-left: 3px solid var(--accent); padding: 4px 8px; margin: 4px 0; }
  ol#timeline { list-style: none; padding: 0; margin: 0; max-height: 70vh; overflow: auto; }
  ol#timeline li { border-bottom: 1px solid var(--line); padding: 6px 2px; }
  .decoded { margin: 2px 0 0 18px; }
  pre { white-space: pre-wrap; word-break: break-all; background: var(--bg); padding: 6px; border-radius: 4px; max-height: 240px; overflow: auto; }
  table { border-collapse: collapse; } td code { word-break: break-all; } td, th { text-align: left; padding: 2px 10px 2px 0; }
  .limits { display: grid; grid-template-columns: max-content 9em; gap: 4px 10px; align-items: center; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
</style>
</head>
<body>
<header>
  <h1>wacall dev</h1>
  <p>A local WhatsApp Calling API with the user's phone in this page. <span id="conn" role="status">Connecting…</span></p>
  <p>Client: <code>baseUrl</code> <code id="api-url"></code>, token <code id="token"></code>, phone number id <code id="pnid"></code>; webhooks go to <code id="webhook-url"></code>.</p>
</header>
<main>
  <div>
    <section class="panel" aria-labelledby="phones-h">
      <h2 id="phones-h">Phones</h2>
      <form id="add-user" class="row">
        <label for="new-user">User's WhatsApp id (wa_id)</label>
        <input id="new-user" name="user" inputmode="numeric" autocomplete="off" value="15551230001" required pattern="\\+?[0-9]{5,20}">
        <button type="submit">Add user</button>
      </form>
      <div id="users"><p class="muted">No users yet: add one, or place a call from the app.</p></div>
    </section>
    <section class="panel" aria-labelledby="number-h">
      <h2 id="number-h">The business number</h2>
      <div id="settings"></div>
      <h3>Limits</h3>
      <form id="limits-form"><div class="limits" id="limits"></div><div class="row"><button type="submit">Save limits</button></div></form>
      <h3>Setup</h3>
      <form id="setup-form" class="row">
        <label><input type="checkbox" id="calling-enabled" checked> Calling enabled</label>
        <label><input type="checkbox" id="sip"> SIP number (refuses Graph calling)</label>
        <button type="submit">Apply</button>
      </form>
    </section>
  </div>
  <div>
    <section class="panel" aria-labelledby="fault-h">
      <h2 id="fault-h">Make the next request fail</h2>
      <form id="fault-form">
        <div class="row">
          <label for="fault-kind">Failure</label>
          <select id="fault-kind">
            <option value="error">Meta error code…</option>
            <option value="rate-limit">Rate limit (429 with Retry-After)</option>
            <option value="delay">Slow answer (5 s)</option>
          </select>
          <label for="fault-code">Code</label>
          <select id="fault-code"></select>
        </div>
        <div class="row">
          <label for="fault-op">Only for</label>
          <select id="fault-op">
            <option value="">any request</option>
            <option>connect</option><option>pre_accept</option><option>accept</option><option>reject</option><option>terminate</option>
            <option>get_call_permissions</option><option>send_call_permission_request</option><option>get_settings</option><option>update_settings</option>
          </select>
          <label for="fault-times">Times</label>
          <input id="fault-times" type="number" min="1" max="1000" value="1" style="width:5em">
          <button type="submit" class="primary" id="fault-submit">Fail the next request</button>
          <button type="button" id="fault-clear">Clear</button>
        </div>
        <p id="faults" class="muted"></p>
      </form>
    </section>
    <section class="panel" aria-labelledby="timeline-h">
      <h2 id="timeline-h">Timeline <span class="muted">(newest first: API requests from the app, webhooks to it, actions here)</span></h2>
      <ol id="timeline" aria-live="polite" aria-relevant="additions"></ol>
    </section>
  </div>
</main>
<div id="audio" hidden></div>
<script src="/_dev/console.js" type="module"></script>
</body>
</html>
`;
