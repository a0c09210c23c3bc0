import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^wacall\/testing$/, replacement: src("testing/index.ts") },
      { find: /^wacall\/testing\/arbitraries$/, replacement: src("testing/arbitraries.ts") },
      { find: /^wacall\/redis$/, replacement: src("redis/index.ts") },
      { find: /^wacall\/otel$/, replacement: src("otel/index.ts") },
      { find: /^wacall\/client$/, replacement: src("client/index.ts") },
      { find: /^wacall\/webhook$/, replacement: src("webhook/index.ts") },
      { find: /^wacall$/, replacement: src("index.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    typecheck: {
      include: ["test/types/**/*.test-d.ts"],
      tsconfig: "./tsconfig.json",
      // TypeScript 7 by path: the 5.x aliases installed for compatibility checks also provide a `tsc` bin.
      checker: fileURLToPath(new URL("./node_modules/typescript/bin/tsc", import.meta.url)),
    },
  },
});
