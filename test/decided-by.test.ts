import { describe, expect, it } from "vitest";
import { decodeGraphError, graphError } from "../src/index.js";

describe("decidedBy: a refusal wacall decided itself", () => {
  it("is kept when a constructor is told the limit governor decided", () => {
    expect(graphError("ConcurrentCallsLimit", { decidedBy: "limit-governor" }).decidedBy).toBe("limit-governor");
  });
  it("is absent on anything Meta answered, and on values other than the documented one", () => {
    const decoded = decodeGraphError('{"error":{"code":138002,"message":"Concurrent call limit","decidedBy":"limit-governor"}}', { status: 400 });
    expect(decoded).not.toHaveProperty("decidedBy");
    for (const v of ["meta", "", 1, null, {}, "LIMIT-GOVERNOR"]) {
      expect(graphError("ConcurrentCallsLimit", { decidedBy: v as never })).not.toHaveProperty("decidedBy");
    }
  });
});
