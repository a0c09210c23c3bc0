import { catalog, type CatalogEntry, type Operation } from "../catalog.js";

interface Slot {
  plain?: CatalogEntry;
  scoped: { readonly ops: ReadonlySet<Operation>; readonly row: CatalogEntry }[];
}

interface Tables {
  readonly slots: ReadonlyMap<number, Slot>;
  readonly ranges: readonly { readonly from: number; readonly to: number; readonly row: CatalogEntry }[];
}

let tables: Tables | undefined;

/**
 * The code tables, built on first use: no module-level work, so a bundle that never decodes a code
 * does not keep the catalog.
 */
function codeTables(): Tables {
  if (tables !== undefined) return tables;
  const slots = new Map<number, Slot>();
  const ranges: { readonly from: number; readonly to: number; readonly row: CatalogEntry }[] = [];
  for (const row of catalog) {
    for (const rule of row.codes) {
      const code = typeof rule === "number" ? rule : rule.code;
      const slot = slots.get(code) ?? { scoped: [] };
      if (typeof rule === "number") slot.plain = row;
      else slot.scoped.push({ ops: new Set(rule.when), row });
      slots.set(code, slot);
    }
    if ("range" in row) ranges.push({ from: row.range[0], to: row.range[1], row });
  }
  tables = { slots, ranges };
  return tables;
}

/**
 * The catalog row for a code. A row scoped to operations wins when the operation is one of
 * them; with no operation given, the unscoped row (the current table) decides.
 */
export function lookupCode(code: number, operation: Operation | undefined): CatalogEntry | undefined {
  const { slots, ranges } = tables ?? codeTables();
  const slot = slots.get(code);
  if (slot !== undefined) {
    if (operation !== undefined) {
      for (const s of slot.scoped) if (s.ops.has(operation)) return s.row;
    }
    if (slot.plain !== undefined) return slot.plain;
  }
  for (const r of ranges) if (code >= r.from && code <= r.to) return r.row;
  return undefined;
}

/** Every code the catalog names (not the range members), for tests and arbitraries. */
export function catalogCodes(): readonly number[] {
  return [...codeTables().slots.keys()];
}
