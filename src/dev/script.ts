/**
 * The console page's behaviour, plain browser JavaScript served as is (no build step): it renders
 * the state and the timeline from server-sent events, sends the user's actions as JSON, and makes
 * real WebRTC offers and answers with the browser's microphone (or its fake test tone).
 *
 * @module
 */

/** The script served at `/_dev/console.js`. */
export const pageScript = String.raw`
"use strict";
const $ = (id) => document.getElementById(id);
let hello = { terminateFailures: [], transportFaults: [], catalogCodes: [] };
let state = { users: [], calls: [] };
const media = new Map(); // callId -> { pc, status, applied }
const pendingOffers = new Map(); // user -> pc, until the call id is known

function h(tag, attrs, children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === false) continue;
    if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children || []) if (c !== null && c !== undefined) el.append(c);
  return el;
}

async function act(body) {
  const res = await fetch("/_dev/action", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const out = await res.json().catch(() => ({}));
  if (!res.ok) announce("Refused: " + (out.error || res.status));
  return out;
}

function announce(text) { $("conn").textContent = text; }

const time = (ms) => new Date(ms).toLocaleTimeString();

// ---- media -------------------------------------------------------------------------------
async function localAudio(pc) {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    for (const t of stream.getAudioTracks()) pc.addTrack(t, stream);
    return true;
  } catch (e) {
    pc.addTransceiver("audio", { direction: "sendrecv" });
    return false;
  }
}
function gathered(pc) {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === "complete") return resolve();
    const done = () => { if (pc.iceGatheringState === "complete") resolve(); };
    pc.addEventListener("icegatheringstatechange", done);
    setTimeout(resolve, 1500);
  });
}
function newPc() {
  const pc = new RTCPeerConnection({ iceServers: [] });
  pc.addEventListener("track", (ev) => {
    const audio = h("audio", { autoplay: true });
    audio.srcObject = ev.streams[0] || new MediaStream([ev.track]);
    $("audio").append(audio);
  });
  return pc;
}
async function makeOffer() {
  if (typeof RTCPeerConnection === "undefined") return undefined;
  try {
    const pc = newPc();
    const mic = await localAudio(pc);
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    return { pc, sdp: pc.localDescription.sdp, mic };
  } catch (e) { return undefined; }
}
async function makeAnswer(callId) {
  if (typeof RTCPeerConnection === "undefined") return { status: "no WebRTC in this browser: placeholder SDP sent" };
  const session = await (await fetch("/_dev/session?call=" + encodeURIComponent(callId))).json();
  const pc = newPc();
  try {
    await pc.setRemoteDescription({ type: "offer", sdp: session.offer });
  } catch (e) {
    pc.close();
    return { status: "the app's offer is not a WebRTC offer: answered with a placeholder SDP, no media" };
  }
  const mic = await localAudio(pc);
  await pc.setLocalDescription(await pc.createAnswer());
  await gathered(pc);
  return { pc, sdp: pc.localDescription.sdp, status: "answered with WebRTC (" + (mic ? "microphone or test tone" : "no microphone") + "), waiting for media" };
}
function watch(callId, entry) {
  media.set(callId, entry);
  if (!entry.pc) return;
  entry.pc.addEventListener("connectionstatechange", () => {
    entry.status = "media " + entry.pc.connectionState;
    render();
  });
}
async function applyAnswers() {
  for (const c of state.calls) {
    const m = media.get(c.id);
    if (!m || !m.pc || m.applied || c.direction !== "USER_INITIATED" || !c.hasAnswer) continue;
    m.applied = true;
    const session = await (await fetch("/_dev/session?call=" + encodeURIComponent(c.id))).json();
    try {
      await m.pc.setRemoteDescription({ type: "answer", sdp: session.answer });
      m.status = "the app answered with WebRTC, connecting media";
    } catch (e) {
      m.status = "the app's answer is not a WebRTC answer: no media";
    }
    render();
  }
  const live = new Set(state.calls.map((c) => c.id));
  for (const [id, m] of media) if (!live.has(id)) { if (m.pc) m.pc.close(); media.delete(id); }
}

// ---- the phone side ------------------------------------------------------------------------
const directionText = { BUSINESS_INITIATED: "The business calls", USER_INITIATED: "Calling the business" };

function failurePicker(callId) {
  const id = "fail-" + callId;
  const select = h("select", { id, "data-key": id + "-select" }, hello.terminateFailures.map((code) => {
    const row = hello.catalogCodes.find((r) => r.code === code);
    return h("option", { value: String(code), text: code + " " + (row ? row.tag : "") });
  }));
  return [
    h("label", { for: id, text: "End with failure" }),
    select,
    h("button", { type: "button", "data-key": id + "-end", onclick: () => act({ action: "hang-up", callId, errorCode: Number(select.value) }) , text: "End with this failure" }),
  ];
}

function callItem(c) {
  const m = media.get(c.id);
  const buttons = [];
  const key = (k) => c.id + "-" + k;
  if (c.direction === "BUSINESS_INITIATED" && c.state === "ringing") {
    buttons.push(h("button", { type: "button", class: "primary", "data-key": key("answer"), text: "Answer", onclick: async () => {
      const a = await makeAnswer(c.id);
      watch(c.id, { pc: a.pc, status: a.status, applied: true });
      await act({ action: "answer", callId: c.id, sdp: a.sdp });
    } }));
    buttons.push(h("button", { type: "button", "data-key": key("reject"), text: "Reject", onclick: () => act({ action: "reject", callId: c.id }) }));
    buttons.push(h("button", { type: "button", "data-key": key("ring-out"), text: "Let it ring out", onclick: () => act({ action: "ring-out", callId: c.id }) }));
  } else {
    buttons.push(h("button", { type: "button", class: "primary", "data-key": key("hang-up"), text: "Hang up", onclick: () => act({ action: "hang-up", callId: c.id }) }));
  }
  return h("li", { "data-call": c.id, "data-state": c.state }, [
    h("div", {}, [h("strong", { text: directionText[c.direction] || c.direction }), " · ", h("span", { class: "badge", text: c.state }), " · since " + time(c.createdAt)]),
    m ? h("div", { class: "muted media-status", text: "Media: " + m.status }) : null,
    h("div", { class: "row" }, buttons),
    h("div", { class: "row" }, failurePicker(c.id)),
  ]);
}

function userCard(u) {
  const key = (k) => u.waId + "-" + k;
  const perm = u.permission === "no_permission" ? h("span", { class: "badge bad", text: "no permission" })
    : h("span", { class: "badge ok", text: u.permission + (u.expiresAt ? " until " + new Date(u.expiresAt).toLocaleString() : "") });
  const calls = state.calls.filter((c) => c.user === u.waId);
  const headingId = "user-" + u.waId;
  return h("article", { class: "user", "aria-labelledby": headingId, "data-user": u.waId }, [
    h("h3", { id: headingId, text: "User " + u.waId }),
    h("div", { class: "row" }, [
      h("span", { text: "Call permission:" }), perm,
      u.requestPending ? h("span", { class: "badge warn", text: "permission request waiting" }) : null,
      u.uncallable ? h("span", { class: "badge bad", text: "uncallable" }) : null,
    ]),
    h("div", { class: "row", role: "group", "aria-label": "Call permission of " + u.waId }, [
      h("button", { type: "button", "data-key": key("grant-temp"), text: "Grant (temporary, 7 days)", onclick: () => act({ action: "reply-permission", user: u.waId, response: "accept", permanent: false }) }),
      h("button", { type: "button", "data-key": key("grant-perm"), text: "Grant (permanent)", onclick: () => act({ action: "reply-permission", user: u.waId, response: "accept", permanent: true }) }),
      h("button", { type: "button", "data-key": key("refuse"), text: "Refuse", onclick: () => act({ action: "reply-permission", user: u.waId, response: "reject", permanent: false }) }),
      h("button", { type: "button", "data-key": key("revoke"), text: "Revoke", onclick: () => act({ action: "revoke-permission", user: u.waId }) }),
    ]),
    h("div", { class: "row" }, [
      h("button", { type: "button", class: "primary", "data-key": key("call"), text: "Call the business", onclick: async () => {
        const offer = await makeOffer();
        const out = await act({ action: "call-business", user: u.waId, sdp: offer ? offer.sdp : undefined });
        if (offer && out.callId) watch(out.callId, { pc: offer.pc, status: "offer sent (" + (offer.mic ? "microphone or test tone" : "no microphone") + "), waiting for the app to answer", applied: false });
        else if (offer) offer.pc.close();
        render();
      } }),
    ]),
    h("p", { class: "muted", text: "Last 24 h: " + u.connectedCalls24h + " connected calls, " + u.permissionRequests24h + " permission requests (7 days: " + u.permissionRequests7d + "), " + u.unansweredInARow + " unanswered in a row" }),
    calls.length ? h("ul", { class: "calls", "aria-label": "Calls of " + u.waId }, calls.map(callItem)) : null,
  ]);
}

function render() {
  const focused = document.activeElement && document.activeElement.getAttribute("data-key");
  const users = $("users");
  users.replaceChildren(...(state.users.length ? state.users.map(userCard) : [h("p", { class: "muted", text: "No users yet: add one, or place a call from the app." })]));
  $("settings").replaceChildren(
    h("table", {}, [
      h("tr", {}, [h("th", { text: "Calling" }), h("td", { text: state.callingEnabled ? "enabled" : "disabled" })]),
      h("tr", {}, [h("th", { text: "SIP number" }), h("td", { text: state.sip ? "yes" : "no" })]),
      h("tr", {}, [h("th", { text: "Settings" }), h("td", {}, [h("code", { text: JSON.stringify(state.settings) })])]),
      h("tr", {}, [h("th", { text: "Active calls" }), h("td", { text: state.counters ? state.counters.activeCalls + " of " + state.limits.concurrentCalls : "" })]),
      h("tr", {}, [h("th", { text: "New calls, 24 h" }), h("td", { text: state.counters ? state.counters.newCalls24h + " of " + state.limits.newCallsPerDay : "" })]),
      h("tr", {}, [h("th", { text: "Permission look-ups, last second" }), h("td", { text: state.counters ? state.counters.lookupsLastSecond + " of " + state.limits.permissionLookupsPerSecond : "" })]),
    ]),
  );
  const f = state.faults || [];
  $("faults").textContent = f.length ? "Scripted: " + f.map((x) => (x.code || x.kind) + (x.operation ? " on " + x.operation : "") + " ×" + x.remaining).join(", ") : "Nothing scripted to fail.";
  if (focused) {
    const again = document.querySelector('[data-key="' + CSS.escape(focused) + '"]');
    if (again) again.focus();
  }
}

function renderLimits() {
  const box = $("limits");
  box.replaceChildren();
  for (const [name, value] of Object.entries(state.limits || {})) {
    const id = "limit-" + name;
    box.append(h("label", { for: id, text: name.replace(/([A-Z])/g, " $1").toLowerCase() }), h("input", { id, name, type: "number", min: "0", value: String(value) }));
  }
}

// ---- the timeline --------------------------------------------------------------------------
function decodedLine(e) {
  return h("div", { class: "decoded bad" }, [
    h("strong", { class: "tag", text: e.tag }), (e.code !== undefined ? " (" + e.code + ")" : ""),
    " · category " + e.category + " · retry: " + (e.retryable ? "yes" : "no") + ", advice " + e.advice,
    h("div", { class: "muted", text: e.message }),
  ]);
}
function bodyDetails(label, value) {
  if (value === undefined || value === null) return null;
  return h("details", {}, [h("summary", { text: label }), h("pre", { text: typeof value === "string" ? value : JSON.stringify(value, null, 2) })]);
}
function entryItem(e) {
  if (e.kind === "request") {
    const status = e.status === 0 ? "no answer reached the app" : String(e.status);
    const cls = e.status >= 200 && e.status < 300 && !e.error ? "ok" : "bad";
    return h("li", { "data-kind": "request", "data-seq": e.seq }, [
      h("div", {}, [h("span", { class: "muted", text: time(e.at) + " " }), "App → API: " + e.method + " " + e.operation + " ", h("span", { class: "badge " + cls, text: status }), e.fault ? h("span", { class: "badge warn", text: " fault: " + e.fault }) : null]),
      e.error ? decodedLine(e.error) : null,
      bodyDetails("Request body (redacted)", e.requestBody),
      bodyDetails("Response body (redacted)", e.responseBody),
    ]);
  }
  if (e.kind === "webhook") {
    const cls = e.status >= 200 && e.status < 300 ? "ok" : "bad";
    return h("li", { "data-kind": "webhook", "data-seq": e.seq }, [
      h("div", {}, [h("span", { class: "muted", text: time(e.at) + " " }), "Webhook → app: " + e.summary + " ", h("span", { class: "badge " + cls, text: e.status === 0 ? "app unreachable" : "app answered " + e.status }),
        e.attempt > 1 ? h("span", { class: "badge warn", text: "redelivery " + (e.attempt - 1) }) : null,
        e.retryAt ? h("span", { class: "muted", text: " next attempt at " + time(e.retryAt) }) : null]),
      ...e.errors.map(decodedLine),
      bodyDetails("Signed body (redacted)", e.body),
    ]);
  }
  return h("li", { "data-kind": "action", "data-seq": e.seq }, [h("span", { class: "muted", text: time(e.at) + " " }), "Phone: " + e.text]);
}

// ---- forms and the event stream ------------------------------------------------------------
$("add-user").addEventListener("submit", (ev) => { ev.preventDefault(); act({ action: "add-user", user: $("new-user").value.trim() }); });
$("fault-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const kind = $("fault-kind").value;
  const fault = kind === "error" ? { kind, code: Number($("fault-code").value) } : { kind };
  act({ action: "fault", fault, operation: $("fault-op").value || undefined, times: Number($("fault-times").value) || 1 });
});
$("fault-clear").addEventListener("click", () => act({ action: "clear-faults" }));
$("fault-kind").addEventListener("change", () => { $("fault-code").disabled = $("fault-kind").value !== "error"; });
$("limits-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const limits = {};
  for (const input of $("limits").querySelectorAll("input")) limits[input.name] = Number(input.value);
  act({ action: "limits", limits });
});
$("setup-form").addEventListener("submit", (ev) => { ev.preventDefault(); act({ action: "setup", callingEnabled: $("calling-enabled").checked, sip: $("sip").checked }); });

const events = new EventSource("/_dev/events");
events.addEventListener("open", () => announce("Live."));
events.addEventListener("error", () => announce("Disconnected; retrying…"));
events.addEventListener("hello", (ev) => {
  hello = JSON.parse(ev.data);
  $("api-url").textContent = location.origin;
  $("token").textContent = hello.accessToken;
  $("pnid").textContent = hello.phoneNumberId;
  $("webhook-url").textContent = hello.webhookUrl;
  const kinds = $("fault-kind");
  for (const t of hello.transportFaults) if (!kinds.querySelector('option[value="' + t + '"]')) kinds.append(h("option", { value: t, text: "Transport: " + t }));
  $("fault-code").replaceChildren(...hello.catalogCodes.map((r) => h("option", { value: String(r.code), text: r.code + " " + r.tag })));
  $("timeline").replaceChildren();
});
let limitsShown = false;
events.addEventListener("state", (ev) => {
  state = JSON.parse(ev.data);
  if (!limitsShown) { renderLimits(); limitsShown = true; }
  render();
  applyAnswers();
});
events.addEventListener("entry", (ev) => {
  const list = $("timeline");
  list.prepend(entryItem(JSON.parse(ev.data)));
  while (list.children.length > 500) list.lastElementChild.remove();
});
`;
