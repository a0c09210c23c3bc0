/**
 * The dev console in a real browser: Debian's Chromium driven by playwright-core, with fake media
 * devices (a test tone). The example app (wacall's client, webhook handler and pipelines) runs
 * against the console; every step is done from the page. A missing Chromium fails these tests.
 */
import { statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevConsole, type DevConsole } from "../../src/dev/server.js";
import { startDevApp, type DevApp } from "../../examples/dev-app.js";

const appSecret = "dev-console-app-secret-7f3a9c";
const user = "15551230001";
// The README's screenshot is rewritten only on request (WACALL_UPDATE_SCREENSHOT=1): a plain run
// takes it too, into the temporary directory, and leaves the working tree clean.
const screenshot =
  process.env["WACALL_UPDATE_SCREENSHOT"] === "1" ? fileURLToPath(new URL("../../docs/dev-console.png", import.meta.url)) : join(tmpdir(), `wacall-dev-console-${process.pid}.png`);

let app: DevApp;
let dev: DevConsole;
let browser: Browser;
let page: Page;

const card = (): Locator => page.locator(`article[data-user="${user}"]`);
const callIn = (state: string): Locator => card().locator(`li[data-state="${state}"]`);
const until = async (ready: () => boolean, ms = 10_000) => {
  for (const end = Date.now() + ms; !ready() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
  return ready();
};

beforeAll(async () => {
  app = await startDevApp({ appSecret });
  const started = await startDevConsole({ webhook: { url: app.webhookUrl, appSecret }, port: 0 });
  if (started.isErr()) throw new Error(`console did not start: ${started.error._tag}`);
  dev = started.value;
  app.use({ baseUrl: dev.url, accessToken: dev.accessToken, phoneNumberId: dev.phoneNumberId });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(8_000);
  await page.goto(`${dev.url}/`);
  await page.locator("#conn", { hasText: "Live." }).waitFor();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await dev?.close();
  await app?.close();
});

describe("wacall dev in Chromium", () => {
  it("a user grants permission from the page; the app's call is answered there and hung up; the app sees the terminate", async () => {
    const placing = app.call(user);
    await card().getByText("permission request waiting").waitFor();
    await card().getByRole("button", { name: "Grant (temporary, 7 days)" }).click();
    await callIn("ringing").getByRole("button", { name: "Answer" }).click();
    await callIn("accepted").getByRole("button", { name: "Hang up" }).click();
    expect(await placing).toBe("outbound Answered");
    expect(app.events.some((e) => e._tag === "CallPermissionReply" && e.response === "accept")).toBe(true);
    expect(app.events.some((e) => e._tag === "CallTerminate" && e.status === "COMPLETED" && e.direction === "BUSINESS_INITIATED")).toBe(true);
    // The app's offer is not WebRTC: the page says so instead of pretending to have media.
    expect(await page.locator("#timeline").textContent()).toContain("answers (placeholder SDP)");
  }, 30_000);

  it("a user calls the business with a real WebRTC offer; the app answers in the window; a 138021 from the page reaches onEvent as MediaReceiveTimeout", async () => {
    await card().getByRole("button", { name: "Call the business" }).click();
    const accepted = callIn("accepted");
    await accepted.waitFor();
    const connect = app.events.find((e) => e._tag === "CallConnect" && e.direction === "USER_INITIATED");
    // The browser's own offer travelled through the fake API: DTLS fingerprint, ICE, Opus.
    expect(connect?._tag === "CallConnect" ? connect.session?.sdp : "").toMatch(/a=fingerprint:sha-256 [0-9A-F:]+[\s\S]*a=rtpmap:\d+ opus\/48000/);
    await accepted.getByLabel("End with failure").selectOption("138021");
    await accepted.getByRole("button", { name: "End with this failure" }).click();
    expect(await until(() => app.outcomes.includes("inbound Failed: MediaReceiveTimeout"))).toBe(true);
    const terminate = app.events.find((e) => e._tag === "CallTerminate" && e.direction === "USER_INITIATED");
    expect(terminate?._tag === "CallTerminate" ? terminate.errors.map((e) => e._tag) : []).toEqual(["MediaReceiveTimeout"]);
    await page.locator("#timeline .decoded .tag", { hasText: "MediaReceiveTimeout" }).first().waitFor();
  }, 30_000);

  it("real media: an app with a WebRTC stack calls, the page answers with the fake microphone, and its test tone reaches the app's media stack, through SDP that travelled the fake API", async () => {
    // The app's media stack, played by a second page: its offer goes out with placeCall.
    const stack = await browser.newPage();
    await stack.goto(`${dev.url}/`);
    const offer = await stack.evaluate(async () => {
      const pc = new RTCPeerConnection();
      const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
      for (const t of mic.getAudioTracks()) pc.addTrack(t, mic);
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise<void>((r) => {
        if (pc.iceGatheringState === "complete") r();
        pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && r());
        setTimeout(r, 2_000);
      });
      (globalThis as unknown as { stackPc: RTCPeerConnection }).stackPc = pc;
      return pc.localDescription?.sdp ?? "";
    });
    await page.locator("#new-user").fill(user);
    await page.getByRole("button", { name: "Add user" }).click();
    await card().getByRole("button", { name: "Grant (permanent)" }).click();
    await card().getByText("permanent", { exact: true }).waitFor();
    const before = app.events.length;
    const isAnswer = (e: (typeof app.events)[number]) => e._tag === "CallConnect" && e.direction === "BUSINESS_INITIATED" && e.session?.sdpType === "answer";
    const placing = app.call(user, offer);
    await callIn("ringing").getByRole("button", { name: "Answer" }).click();
    expect(await until(() => app.events.slice(before).some(isAnswer))).toBe(true);
    const connect = app.events.slice(before).find(isAnswer);
    const answer = connect?._tag === "CallConnect" ? (connect.session?.sdp ?? "") : "";
    expect(answer).toMatch(/a=fingerprint:sha-256/);
    const received = await stack.evaluate(async (sdp) => {
      const pc = (globalThis as unknown as { stackPc: RTCPeerConnection }).stackPc;
      await pc.setRemoteDescription({ type: "answer", sdp });
      for (const end = Date.now() + 8_000; Date.now() < end; ) {
        let bytes = 0;
        (await pc.getStats()).forEach((r: { type: string; kind?: string; bytesReceived?: number }) => {
          if (r.type === "inbound-rtp" && r.kind === "audio") bytes += r.bytesReceived ?? 0;
        });
        if (pc.connectionState === "connected" && bytes > 0) return bytes;
        await new Promise((r) => setTimeout(r, 100));
      }
      return 0;
    }, answer);
    // The app's side hears the page's fake microphone (a test tone); the page's side connects too.
    expect(received).toBeGreaterThan(0);
    await callIn("accepted").getByText("Media: media connected").waitFor();
    await callIn("accepted").getByRole("button", { name: "Hang up" }).click();
    expect(await placing).toBe("outbound Answered");
    await stack.close();
  }, 30_000);

  it("a failure injected from the page reaches the app, a limit lowered from the page is hit, and the timeline shows both decoded (screenshot)", async () => {
    await page.getByLabel("Failure", { exact: true }).selectOption("error");
    await page.getByLabel("Code", { exact: true }).selectOption("138001");
    await page.getByLabel("Only for", { exact: true }).selectOption("connect");
    await page.getByRole("button", { name: "Fail the next request" }).click();
    await page.locator("#faults", { hasText: "138001 on connect" }).waitFor();
    expect(await app.call(user)).toBe("outbound error ReceiverUncallable");
    const injected = page.locator('#timeline li[data-kind="request"] .decoded', { hasText: "ReceiverUncallable" }).first();
    expect(await injected.textContent()).toMatch(/^ReceiverUncallable \(138001\) · category recipient · retry: no, advice never/);

    // "The 101st call of the day", reached at once: the user had two connected calls today.
    await page.getByLabel("calls per user per day").fill("2");
    await page.getByRole("button", { name: "Save limits" }).click();
    await page.locator("#timeline", { hasText: "limits: callsPerUserPerDay 2" }).waitFor();
    // placeCall reads the limit from the permission look-up and does not even try to connect.
    expect(await app.call(user)).toBe("outbound NotAllowedUntil");
    const newest = page.locator('#timeline li[data-kind="request"]').first();
    await newest.getByText("get_call_permissions").waitFor();
    await newest.getByText("Response body (redacted)").click();
    expect(JSON.parse((await newest.locator("pre").last().textContent()) ?? "{}").actions[1]).toMatchObject({ action_name: "start_call", can_perform_action: false, limits: [{ max_allowed: 2, current_usage: 2 }] });
    await card().getByText("Last 24 h: 2 connected calls").waitFor();
    await newest.getByText("Response body (redacted)").click();
    // Never leaks: the app secret is nowhere on the page, though every webhook was signed with it.
    expect(await page.content()).not.toContain(appSecret);
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
  }, 30_000);

  it("is usable from the keyboard: Tab reaches the phone's buttons, Enter presses them", async () => {
    await page.locator("#new-user").fill("15551239999");
    await page.locator("#new-user").press("Enter");
    const other = page.locator('article[data-user="15551239999"]');
    await other.waitFor();
    await other.getByRole("button", { name: "Grant (permanent)" }).focus();
    await page.keyboard.press("Enter");
    await other.getByText("permanent").first().waitFor();
    await page.keyboard.press("Tab");
    // Focus survives the live re-render and moves on to the next button.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Refuse");
    expect(await page.locator("#timeline").getAttribute("aria-live")).toBe("polite");
  }, 30_000);
});
