/**
 * `wacall dev --webhook URL --app-secret S [--port 4010] [--verify-token T]`: reads the options,
 * starts the console, prints where everything is, and stops on the signal `untilStopped` gives.
 * The app secret can be given (or read from `WACALL_APP_SECRET`), never printed.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { makeScrubber, redact } from "../internal/redact.js";
import { shownWebhookUrl, startDevConsole } from "./server.js";

/** What `wacall dev` reads and writes. */
export interface DevIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Resolves when the console should stop (Ctrl-C, SIGTERM). */
  readonly untilStopped: () => Promise<void>;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The help of `wacall dev`. */
export const devUsage = `Usage: wacall dev --webhook URL --app-secret SECRET [--port 4010] [--verify-token TOKEN]

Starts on 127.0.0.1 a fake WhatsApp Calling API for your app's client and, on the same port, a
web console: the WhatsApp user's phone (permission, answering, calling the business, failures)
and an inspector (every request and webhook, decoded errors, limits, injected faults).

  --webhook URL          your app's webhook endpoint (signed calls webhooks are sent there)
  --app-secret SECRET    the app secret the webhooks are signed with (or WACALL_APP_SECRET)
  --port N               the port of the API and the console (default 4010; 0: any free port)
  --verify-token TOKEN   first check the endpoint answers Meta's subscription handshake
  --access-token TOKEN   the token the client must send (default wacall-dev-token)
  --phone-number-id ID   the business number's id (default 1234567890)
`;

type Parsed = { webhook: string; appSecret: string; port: number; verifyToken?: string; accessToken?: string; phoneNumberId?: string };

const valued = ["--webhook", "--app-secret", "--port", "--verify-token", "--access-token", "--phone-number-id"] as const;

function parse(args: readonly string[], env: Readonly<Record<string, string | undefined>>): Parsed | string {
  const given = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    const eq = a.indexOf("=");
    const name = a.startsWith("--") && eq > 0 ? a.slice(0, eq) : a;
    const known = valued.find((v) => v === name);
    // Only an option's name is ever echoed: a stray value could be the secret, however short.
    if (known === undefined) return a.startsWith("--") && /^--[a-z-]{1,40}$/.test(name) ? `Unknown option ${name}.` : "Unexpected value (options are --name value).";
    const value = eq > 0 && a.startsWith("--") ? a.slice(eq + 1) : args[++i];
    if (value === undefined || value === "") return `${known} needs a value.`;
    given.set(known, value);
  }
  const webhook = given.get("--webhook");
  const appSecret = given.get("--app-secret") ?? env["WACALL_APP_SECRET"];
  if (webhook === undefined) return "--webhook URL is required: your app's webhook endpoint.";
  if (appSecret === undefined || appSecret === "") return "--app-secret (or WACALL_APP_SECRET) is required: webhooks are signed with it.";
  let url: URL;
  try {
    url = new URL(webhook);
  } catch {
    return "--webhook must be an http:// or https:// URL.";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "--webhook must be an http:// or https:// URL.";
  const portText = given.get("--port") ?? "4010";
  const port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) return "--port must be a number from 0 to 65535.";
  const verifyToken = given.get("--verify-token");
  const accessToken = given.get("--access-token");
  const phoneNumberId = given.get("--phone-number-id");
  return {
    webhook,
    appSecret,
    port,
    ...(verifyToken !== undefined && { verifyToken }),
    ...(accessToken !== undefined && { accessToken }),
    ...(phoneNumberId !== undefined && { phoneNumberId }),
  };
}

/** Meta's subscription handshake against the app's endpoint: whether it echoes the challenge. */
async function verify(webhook: string, token: string): Promise<string> {
  const challenge = randomBytes(9).toString("hex");
  const url = new URL(webhook);
  url.searchParams.set("hub.mode", "subscribe");
  url.searchParams.set("hub.verify_token", token);
  url.searchParams.set("hub.challenge", challenge);
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    const text = (await res.text()).slice(0, 100);
    if (res.status === 200 && text.trim() === challenge) return "ok (the endpoint echoed the challenge)";
    const hint =
      res.status === 403
        ? "; does --verify-token match the verifyToken of the app's webhook handler?"
        : res.status === 404 || res.status === 405
          ? "; is the path of --webhook the route of the app's webhook handler?"
          : text.trim() === challenge
            ? ""
            : " without the challenge";
    return `failed: the endpoint answered ${res.status}${hint}`;
  } catch {
    return "failed: the endpoint could not be reached (is the app running?)";
  }
}

/**
 * Runs `wacall dev` with the arguments after `dev`; returns the exit code (0 stopped cleanly,
 * 1 could not start, 2 usage). Never rejects.
 *
 * @example
 * await runDev(["--webhook", "http://localhost:3000/webhook", "--app-secret", secret], io);
 */
export async function runDev(args: readonly string[], io: DevIo): Promise<number> {
  const env = io.env ?? {};
  // Whatever is printed is first scrubbed of the secret, wherever it came from.
  const secretAt = args.indexOf("--app-secret");
  const secrets = [env["WACALL_APP_SECRET"], secretAt === -1 ? undefined : args[secretAt + 1], ...args.filter((a) => a.startsWith("--app-secret=")).map((a) => a.slice(13))];
  const scrub = makeScrubber(secrets.filter((s) => s !== undefined));
  const say = (text: string) => io.out(redact(text, scrub));
  const complain = (text: string) => io.err(redact(text, scrub));
  if (args.includes("--help") || args.includes("-h")) {
    say(devUsage);
    return 0;
  }
  const parsed = parse(args, env);
  if (typeof parsed === "string") {
    complain(`wacall dev: ${parsed}\n\n${devUsage}`);
    return 2;
  }
  const started = await startDevConsole({
    webhook: { url: parsed.webhook, appSecret: parsed.appSecret },
    port: parsed.port,
    ...(parsed.accessToken !== undefined && { accessToken: parsed.accessToken }),
    ...(parsed.phoneNumberId !== undefined && { phoneNumberId: parsed.phoneNumberId }),
  });
  if (started.isErr()) {
    const e = started.error;
    complain(e._tag === "PortInUse" ? `wacall dev: port ${e.port} is in use; pick another with --port.\n` : `wacall dev: cannot listen: ${e.message}\n`);
    return 1;
  }
  const dev = started.value;
  const verification = parsed.verifyToken === undefined ? "skipped (no --verify-token)" : await verify(parsed.webhook, parsed.verifyToken);
  say(
    [
      "wacall dev: a fake WhatsApp Calling API and its console, on 127.0.0.1",
      "",
      `  Console:          ${dev.url}/`,
      `  Client baseUrl:   ${dev.url}`,
      `  Access token:     ${dev.accessToken}`,
      `  Phone number id:  ${dev.phoneNumberId}`,
      `  Webhooks to:      ${shownWebhookUrl(parsed.webhook)} (signed with the app secret given)`,
      `  Webhook check:    ${verification}`,
      "",
      "Ctrl-C stops it.",
      "",
    ].join("\n"),
  );
  await io.untilStopped();
  await dev.close();
  say("wacall dev: stopped.\n");
  return 0;
}
