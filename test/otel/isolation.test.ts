import { build } from "esbuild";
import { describe, expect, it } from "vitest";

/** The modules a bundle of `entry` pulls in, and the packages it leaves as imports. */
async function contents(entry: string, external: string[]): Promise<{ inputs: string[]; imports: string[] }> {
  const out = await build({ entryPoints: [entry], bundle: true, write: false, metafile: true, format: "esm", platform: "neutral", external, logLevel: "silent" });
  const outputs = Object.values(out.metafile.outputs);
  return { inputs: Object.keys(out.metafile.inputs), imports: outputs.flatMap((o) => o.imports.map((i) => i.path)) };
}

describe("OpenTelemetry stays in wacall/otel", () => {
  it.each(["src/index.ts", "src/client/index.ts", "src/webhook/index.ts"])("%s neither bundles nor imports @opentelemetry/api", async (entry) => {
    const { inputs, imports } = await contents(entry, ["neverthrow", "@opentelemetry/*"]);
    expect(inputs.length).toBeGreaterThan(3);
    expect(inputs.filter((i) => i.includes("@opentelemetry") || i.includes("src/otel/"))).toEqual([]);
    expect(imports.filter((i) => i.includes("@opentelemetry"))).toEqual([]);
  });

  it("src/otel/index.ts imports it (and only the client's types besides)", async () => {
    const { inputs, imports } = await contents("src/otel/index.ts", ["neverthrow", "@opentelemetry/*"]);
    expect(imports).toContain("@opentelemetry/api");
    // The hooks are imported as types only: the helper bundles nothing of the client.
    expect(inputs.filter((i) => i.startsWith("src/client/"))).toEqual([]);
  });
});
