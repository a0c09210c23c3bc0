import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { secretForms } from "../src/testing/arbitraries.js";
import { inputLimit, printable, runCli } from "../src/cli.js";
import { createWebhookHandler, toNodeListener } from "../src/webhook/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const tsx = `${root}node_modules/.bin/tsx`;
const fixture = (name: string) => `${root}test/fixtures/${name}`;

/** Runs `wacall` as a process, as a user would. */
function wacall(args: string[], input?: string) {
  const r = spawnSync(tsx, [`${root}src/bin.ts`, ...args], { input: input ?? "", encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("wacall explain (as a process)", () => {
  it("explains a response pasted with its status line and headers", () => {
    const r = wacall(["explain", fixture("138012-http.txt")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("BusinessInitiatedCallsLimitHit (138012), category limit");
    expect(r.stdout).toContain("Retry:         yes, at 2030-03-17T17:46:40.000Z");
    expect(r.stdout).toContain("Advice:        at: retry at the time given");
    expect(r.stdout).toContain("httpStatus:    400");
    expect(r.stdout).toContain("fbtraceId:     AQx1");
  });
  it("explains the errors of a webhook delivery, as JSON", () => {
    const r = wacall(["explain", fixture("terminate-failed.json"), "--json"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { errors: { tag: string; code: number; category: string; retryable: boolean; fields: Record<string, unknown> }[] };
    expect(out.errors).toEqual([
      expect.objectContaining({ tag: "MediaReceiveTimeout", code: 138021, category: "connection", retryable: true, fields: expect.objectContaining({ details: "No media received for 20 seconds" }) }),
    ]);
  });
  it("reads standard input and explains an HTML page as MalformedResponse", () => {
    const r = wacall(["explain"], "<!DOCTYPE html><html><body>Sorry, something went wrong.</body></html>");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("MalformedResponse, category malformed");
    expect(r.stdout).toContain("reason:        not-json");
    expect(wacall(["explain", fixture("html-500.html")]).stdout).toContain("MalformedResponse");
  });
  it("reads '-' as standard input", () => {
    const r = wacall(["explain", "-", "--json"], '{"code":"138003","message":"Duplicate call"}');
    expect(JSON.parse(r.stdout).errors[0].tag).toBe("DuplicateCall");
  });
  it("fails clearly on input it cannot read", () => {
    const missing = wacall(["explain", fixture("nope.json")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("cannot read");
    const empty = wacall(["explain"], "   \n");
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain("is empty");
  });
  it("prints usage for a wrong command and exits 2", () => {
    const r = wacall(["explian"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Usage: wacall explain");
    expect(wacall(["--help"]).code).toBe(0);
  });
});

/** Runs the CLI in-process with the given standard input, collecting what it prints. */
async function explain(args: string[], input: string | (() => Promise<string>)) {
  const out: string[] = [];
  const err: string[] = [];
  let asked: number | undefined;
  const code = await runCli(["explain", ...args], {
    readStdin: (maxBytes) => {
      asked = maxBytes;
      return typeof input === "string" ? Promise.resolve(input) : input();
    },
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  return { code, stdout: out.join(""), stderr: err.join(""), asked };
}

/** Every terminal control character or sequence start, and bidi overrides. */
const controls = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const hostileText = "\u001b]0;evil\u0007title\u001b[2Jcleared\u001b[31mred\u001b[0m \u009b6n\u202eesrever\u202c \u001bPdcs\u001b\\end\r\n\ttab";

describe("wacall explain's arguments", () => {
  it("names an unknown option instead of reading it as a file or blaming the file count", async () => {
    for (const option of ["--bogus", "-x", "--jsn"]) {
      const r = await explain([option], '{"error":{"code":138006}}');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`wacall explain: unknown option ${option}; the options are --json and --help.`);
      expect(r.stderr).toContain("Usage: wacall explain");
      expect(r.stdout).toBe("");
    }
  });
  it("never echoes an option that could be a pasted secret", async () => {
    const token = "EAAGm0PX4ZCpsBAKZBsecretTOKEN1234567890";
    for (const option of [`--${token}`, `-${token}`, "--q7z=x"]) {
      const r = await explain([option], "{}");
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("wacall explain: unknown option; the options are --json and --help.");
      expect(r.stderr).not.toContain(token);
      expect(r.stderr).not.toContain("q7z");
    }
  });
  it("reads a curl -v transcript: the response's status, headers and body, never the request's token", async () => {
    const token = "EAAGm0PX4ZCpsBAKZBsecretTOKEN1234567890abcdef";
    const transcript = [
      "*   Trying 157.240.0.1:443...",
      "* Connected to graph.facebook.com (157.240.0.1) port 443",
      "> POST /v23.0/1234567890/calls HTTP/2",
      "> Host: graph.facebook.com",
      `> Authorization: Bearer ${token}`,
      "> content-type: application/json",
      ">",
      "} [120 bytes data]",
      "< HTTP/2 400 ",
      "< content-type: application/json; charset=UTF-8",
      "< retry-after: 30",
      "<",
      "{ [98 bytes data]",
      '{"error":{"message":"(#138003) Duplicate call","type":"OAuthException","code":138003,"fbtrace_id":"AbC"}}',
      "* Connection #0 to host graph.facebook.com left intact",
    ].join("\r\n");
    const r = await explain(["--json"], transcript);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { errors: { tag: string; retryAt?: string; fields: Record<string, unknown> }[] };
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]).toMatchObject({ tag: "DuplicateCall", fields: { httpStatus: 400, fbtraceId: "AbC" } });
    expect(out.errors[0]?.retryAt).toBeDefined();
    expect(r.stdout + r.stderr).not.toContain(token.slice(3));
  });
  it("finds the errors inside a structured log line, and says where", async () => {
    const pino = JSON.stringify({ level: 50, time: 1_700_000_000_000, msg: "connect failed", err: { _tag: "CallPermissionNotFound", code: 138006, message: "(#138006) No approved call permission found", httpStatus: 401 } });
    const r = await explain(["--json"], pino);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { errors: { tag: string; fields: Record<string, unknown> }[]; note?: string };
    expect(out.errors.map((e) => e.tag)).toEqual(["CallPermissionNotFound"]);
    expect(out.errors[0]?.fields["httpStatus"]).toBe(401);
    expect(out.note).toContain("$.err");

    // An HTTP client's error as logged: the Graph envelope a few levels down, with the status beside it.
    const axios = JSON.stringify({ msg: "request failed", error: "AxiosError", response: { status: 400, data: { error: { code: 138012, message: "(#138012) Business initiated calls limit hit", error_data: { details: "Next call allowed at 1900000000" } } } } });
    const nested = await explain(["--json"], axios);
    const found = JSON.parse(nested.stdout) as { errors: { tag: string; retryAt?: string }[]; note?: string };
    expect(found.errors.map((e) => e.tag)).toEqual(["BusinessInitiatedCallsLimitHit"]);
    expect(found.errors[0]?.retryAt).toBe("2030-03-17T17:46:40.000Z");
    expect(found.note).toContain("$.response.data");

    // A log line with no error in it is still explained as what it is.
    const plain = await explain(["--json"], JSON.stringify({ level: 30, msg: "call placed", callId: "wacid.X" }));
    expect((JSON.parse(plain.stdout) as { errors: { tag: string }[] }).errors.map((e) => e.tag)).toEqual(["MalformedResponse"]);
  });
  it("reads several JSON log lines pasted at once (NDJSON), line by line", async () => {
    const lines = [
      JSON.stringify({ level: 50, msg: "connect failed", err: { code: 138006, message: "(#138006) No approved call permission found" } }),
      "",
      JSON.stringify({ error: { code: 138012, message: "(#138012) Business initiated calls limit hit", error_data: { details: "Next call allowed at 1900000000" } } }),
      JSON.stringify({ level: 50, msg: "retry failed", err: { code: 138003, message: "(#138003) Duplicate call" } }),
    ].join("\n");
    const r = await explain(["--json"], lines);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { errors: { tag: string }[]; note?: string };
    expect(out.errors.map((e) => e.tag)).toEqual(["CallPermissionNotFound", "BusinessInitiatedCallsLimitHit", "DuplicateCall"]);
    expect(out.note).toContain("line 1: Found in a log line at $.err.");
    // Line numbers are the paste's own, blank lines counted.
    expect(out.note).toContain("line 4: Found in a log line at $.err.");
    expect(out.note).not.toContain("line 3: ");
  });
  it("says that one file at most is read", async () => {
    const r = await explain(["a.json", "b.json"], "{}");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("wacall explain: give one file at most (none or - reads standard input).");
    expect(r.stderr).not.toContain("a.json");
  });
});

describe("wacall explain prints nothing a terminal would act on", () => {
  const body = JSON.stringify({ error: { code: 138006, message: `(#138006) ${hostileText}`, error_data: { details: hostileText }, error_user_title: hostileText, fbtrace_id: "\u001b[2JAQx" } });

  it("strips ANSI, OSC, DCS, C0/C1 controls and bidi overrides in text mode", async () => {
    const r = await explain([], body);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("CallPermissionNotFound (138006)");
    expect(r.stdout).not.toMatch(controls);
    expect(r.stdout).not.toContain("evil");
    expect(r.stdout).not.toContain("dcs");
    expect(r.stdout).toContain("titlecleared");
    expect(r.stdout).toContain("red esrever");
    expect(r.stdout).toContain("fbtraceId:     AQx");
  });

  it("strips them in JSON mode too, where JSON escaping alone would keep bidi overrides", async () => {
    const r = await explain(["--json"], body);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(controls);
    const parsed = JSON.parse(r.stdout) as { errors: { fields: Record<string, string> }[] };
    const fields = parsed.errors[0]?.fields ?? {};
    for (const v of [fields["message"], fields["details"], fields["userTitle"]]) {
      expect(v).toBeDefined();
      expect(v).not.toMatch(controls);
      expect(v).not.toContain("evil");
    }
  });

  it("strips them from the note of a delivery it cannot read", async () => {
    const r = await explain([], JSON.stringify({ object: `\u001b]0;evil\u0007${"x".repeat(100)}` }));
    expect(r.code).toBeLessThanOrEqual(1);
    expect(r.stdout + r.stderr).not.toMatch(controls);
    expect(r.stdout + r.stderr).not.toContain("evil");
  });
});

describe("wacall explain bounds what it prints", () => {
  it("cuts a long field to 500 characters in text mode and says how much was left out", async () => {
    const details = `${"d".repeat(9_000)}END`;
    const r = await explain([], JSON.stringify({ error: { code: 131000, message: "x", error_data: { details } } }));
    expect(r.code).toBe(0);
    const line = r.stdout.split("\n").find((l) => l.startsWith("  details:")) ?? "";
    expect(line.length).toBeLessThan(600);
    expect(line).toMatch(/… \(\d+ more characters\)$/);
    expect(r.stdout).not.toContain("END");
  });

  it("bounds fields in JSON mode", async () => {
    const r = await explain(["--json"], JSON.stringify({ error: { code: 131000, message: "m".repeat(50_000) } }));
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeLessThan(20_000);
    expect(JSON.parse(r.stdout).errors[0].fields.message).toMatch(/more characters\)$/);
  });

  it("explains at most 100 errors of a list and counts the rest", async () => {
    const r = await explain([], JSON.stringify(Array.from({ length: 5_000 }, () => ({ code: 138006, message: "x" }))));
    expect(r.code).toBe(0);
    expect(r.stdout.split("CallPermissionNotFound").length - 1).toBe(100);
    expect(r.stdout).toContain("4900 more error(s) not shown.");
  });

  it("refuses input over 10 MiB with exit 1 and a clear message", async () => {
    const r = await explain([], `{"error":{"message":"${"a".repeat(10 * 1024 * 1024)}"}}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("larger than 10 MiB");
    expect(r.asked).toBe(inputLimit);
  });
});

describe("wacall explain never dies and never prints a secret", () => {
  const tok = "Zq7TkW2vLm9XpR4sNc8YbH3";

  it("keeps tokens out of what it prints, in every credential form a pattern can find", async () => {
    for (const sep of [" ", "\t", "\n", "\r\n"]) {
      for (const form of secretForms(tok, sep).filter((f) => !f.needsExactSecret)) {
        const body = JSON.stringify({ error: { code: 190, message: form.text, error_data: { details: form.text }, error_user_msg: form.text, access_token: tok } });
        for (const args of [[], ["--json"]]) {
          const r = await explain(args, body);
          expect(r.code, form.form).toBe(0);
          for (const needle of form.needles) expect(r.stdout, `${form.form} ${JSON.stringify(sep)} ${args.join("")}`).not.toContain(needle);
        }
      }
    }
  });

  it("keeps a token in the pasted headers and body out of what it prints", async () => {
    const pasted = `HTTP/1.1 401 Unauthorized\r\nwww-authenticate: Bearer realm="graph", token="${tok}"\r\n\r\n{"error":{"code":190,"message":"Bearer\\t${tok}","error_data":{"details":"{\\"access_token\\":\\"${tok}\\"}"}}}`;
    const r = await explain([], pasted);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(tok);
  });

  it("answers a multi-megabyte field with a bounded explanation instead of a crash", { timeout: 60_000 }, async () => {
    for (const s of [`EAA${"aB3".repeat(2_000_000)}`, `EAA${"a".repeat(5_000_000)}`, `Bearer ${" ".repeat(1_000_000)}x`, `a=ice-pwd:${"p".repeat(3_000_000)}`]) {
      const r = await explain([], JSON.stringify({ error: { code: 138006, message: s, error_data: { details: s.slice(0, 1_000_000) } } }));
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("CallPermissionNotFound");
      expect(r.stdout.length).toBeLessThan(5_000);
    }
  });

  it("turns a reader that throws an unprintable value into exit 1", async () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    for (const thrown of [revoked.proxy, { get message(): string { throw new Error("no"); } }, Symbol("s"), new Error(`\u001b]0;evil\u0007 Bearer ${tok}`)]) {
      const r = await explain([], () => Promise.reject(thrown));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("cannot read standard input");
      expect(r.stderr).not.toMatch(controls);
      expect(r.stderr).not.toContain(tok);
    }
  });

  it("strips control sequences from a file name it cannot read", async () => {
    const r = await explain([fixture("\u001b]0;evil\u0007nope.json")], "");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no such file");
    expect(r.stderr).not.toMatch(controls);
  });

  it("printable() removes sequences in one pass and keeps plain text", () => {
    expect(printable("\u001b]0;evil\u0007ok\u001b[2J")).toBe("ok");
    expect(printable("a\u001b[38;5;196mb\u001b(Bc\u001b7d\u009b2Je")).toBe("abcde");
    expect(printable("unterminated \u001b]0;title")).toBe("unterminated ");
    expect(printable("tab\tnew\nline é € 😀")).toBe("tab\tnew\nline é € 😀");
    expect(printable(`${"\u001b[1;".repeat(200_000)}\nok`)).toBe("\nok");
  });
});

describe("wacall explain (as a process) under hostile input", () => {
  it("strips escape sequences and keeps the token out", () => {
    const tok = "Zq7TkW2vLm9XpR4sNc8YbH3";
    const r = wacall(["explain"], JSON.stringify({ error: { code: 138006, message: `\u001b]0;evil\u0007Bearer ${tok}\u001b[2J`, error_data: { details: `\u001b[2J${"d".repeat(2_000)}` } } }));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("CallPermissionNotFound (138006)");
    expect(r.stdout).not.toMatch(controls);
    expect(r.stdout).not.toContain("evil");
    expect(r.stdout).not.toContain(tok);
    expect(r.stdout).toMatch(/more characters\)/);
  });

  it("refuses standard input over 10 MiB with exit 1 and no stack trace", () => {
    const r = wacall(["explain"], `{"error":{"message":"${"a".repeat(11 * 1024 * 1024)}"}}`);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("larger than 10 MiB");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("explains a 6-million-character token field without a stack trace", () => {
    const r = wacall(["explain", "--json"], JSON.stringify({ error: { code: 138006, message: `EAA${"aB3".repeat(2_000_000)}` } }));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).errors[0].tag).toBe("CallPermissionNotFound");
  });
});

describe("wacall dev (as a process)", () => {
  const secret = "s3cr3t-app-secret-9f2c";

  /** Starts `wacall dev`, waits for its banner, runs `during`, then stops it with `signal`. */
  async function runDev(args: string[], signal: NodeJS.Signals, during: (out: string) => Promise<void>, env: Record<string, string> = {}) {
    const child = spawn(tsx, [`${root}src/bin.ts`, "dev", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    for (const end = Date.now() + 20_000; !stdout.includes("Ctrl-C stops it.") && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
    try {
      await during(stdout);
    } finally {
      child.kill(signal);
    }
    const code = await Promise.race([exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 10_000))]);
    if (code === "timeout") child.kill("SIGKILL");
    return { code, stdout, stderr };
  }

  it("prints the console, the client's baseUrl and token, serves both, never prints the secret, and stops on SIGINT and SIGTERM", async () => {
    // The app's endpoint, answering Meta's subscription handshake.
    const app = createServer((req, res) => res.end(new URL(req.url ?? "/", "http://x").searchParams.get("hub.challenge") ?? "ok"));
    await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
    const hook = `http://127.0.0.1:${(app.address() as AddressInfo).port}/webhook`;
    try {
      for (const signal of ["SIGINT", "SIGTERM"] as const) {
        const r = await runDev(["--webhook", hook, "--app-secret", secret, "--port", "0", "--verify-token", "vt"], signal, async (out) => {
          const base = /Client baseUrl: +(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
          expect(base).toBeDefined();
          const page = await fetch(`${base}/`);
          expect(page.status).toBe(200);
          expect(await page.text()).toContain("<title>wacall dev");
          const settings = await fetch(`${base}/v23.0/1234567890/settings`, { headers: { authorization: "Bearer wacall-dev-token" } });
          expect(await settings.json()).toEqual({ calling: expect.objectContaining({ status: "ENABLED" }) });
        });
        expect(r.code).toBe(0);
        expect(r.stdout).toContain("Access token:     wacall-dev-token");
        expect(r.stdout).toContain("Webhook check:    ok");
        expect(r.stdout).toContain("wacall dev: stopped.");
        expect(r.stdout + r.stderr).not.toContain(secret);
      }
    } finally {
      app.closeAllConnections();
      await new Promise((r) => app.close(r));
    }
  }, 60_000);

  it("a failed webhook check says what to look at: the verify token on 403, the path on 404", async () => {
    const handler = createWebhookHandler({ appSecret: secret, verifyToken: "the-apps-verify-token", onEvent: () => undefined });
    const listener = toNodeListener(handler);
    const app = createServer((req, res) => (req.url?.startsWith("/webhook") === true ? listener(req, res) : res.writeHead(404).end()));
    await new Promise<void>((r) => app.listen(0, "127.0.0.1", r));
    const origin = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    try {
      const wrongToken = await runDev(["--webhook", `${origin}/webhook`, "--app-secret", secret, "--port", "0", "--verify-token", "another-token"], "SIGINT", async () => undefined);
      expect(wrongToken.stdout).toContain("Webhook check:    failed: the endpoint answered 403; does --verify-token match the verifyToken of the app's webhook handler?");
      expect(wrongToken.stdout).not.toContain("the-apps-verify-token");
      const wrongPath = await runDev(["--webhook", `${origin}/hook`, "--app-secret", secret, "--port", "0", "--verify-token", "the-apps-verify-token"], "SIGINT", async () => undefined);
      expect(wrongPath.stdout).toContain("Webhook check:    failed: the endpoint answered 404; is the path of --webhook the route of the app's webhook handler?");
    } finally {
      app.closeAllConnections();
      await new Promise((r) => app.close(r));
    }
  }, 60_000);

  it("reads the secret from WACALL_APP_SECRET and never echoes it, even in errors", async () => {
    const fromEnv = await runDev(["--webhook", "http://127.0.0.1:9/webhook", "--port", "0"], "SIGINT", async () => undefined, { WACALL_APP_SECRET: secret });
    expect(fromEnv.code).toBe(0);
    expect(fromEnv.stdout).toContain("Webhook check:    skipped");
    expect(fromEnv.stdout + fromEnv.stderr).not.toContain(secret);
    for (const args of [
      ["dev", "--webhook", `http://user:${secret}@127.0.0.1:9/webhook?s=${secret}`, "--app-secret", secret, "--port", "99999"],
      ["dev", "--app-secret", secret, "--webhook", "http://127.0.0.1:9/", secret],
      ["dev", "--app-secret", secret, "--webhook", "http://127.0.0.1:9/", `--${secret}`],
      // Too short to be scrubbed by value: only the options' names are ever echoed.
      ["dev", "--app-secret", "q7z", "--webhook", "http://127.0.0.1:9/", "q7z"],
      ["dev", "--app-secret", "q7z", "--webhook", "http://127.0.0.1:9/", "--q7z"],
      ["dev", "--app-secret", secret],
    ]) {
      const r = wacall(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("Usage: wacall dev");
      expect(r.stdout + r.stderr).not.toContain(secret);
      expect(r.stdout + r.stderr).not.toContain(args[2] ?? secret);
    }
    expect(wacall(["dev", "--app-secret", secret]).stderr).toContain("--webhook URL is required");
  }, 60_000);

  it("exits 1 with a clear message when the port is taken", async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    const port = String((busy.address() as AddressInfo).port);
    try {
      const r = wacall(["dev", "--webhook", "http://127.0.0.1:9/", "--app-secret", secret, "--port", port]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`port ${port} is in use`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise((r) => busy.close(r));
    }
  }, 30_000);
});
