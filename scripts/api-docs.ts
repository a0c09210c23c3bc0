/**
 * Generates the API reference (docs/api/*.md) from the TSDoc of every public export: one page per
 * subpath of package.json's exports map, plus an index. `npm run api-docs` writes the pages; the
 * test suite fails when they are out of date. Uses the TypeScript 5 compiler API (`typescript5`):
 * TypeScript 7 has no JavaScript API.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript5";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Where the pages go, relative to the repository root. */
export const apiDir = "docs/api";

/** A public subpath and the source file behind it. */
interface Entry {
  readonly subpath: string;
  readonly file: string;
  readonly page: string;
}

/** The public subpaths, from the exports map: `./dist/x/index.js` is built from `src/x/index.ts`. */
export function entries(): readonly Entry[] {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { exports: Record<string, { default?: string } | string | null> };
  const out: Entry[] = [];
  for (const [key, target] of Object.entries(manifest.exports)) {
    if (target === null || typeof target === "string" || target.default === undefined) continue;
    const subpath = key === "." ? "wacall" : `wacall/${key.slice(2)}`;
    const file = join(root, target.default.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts"));
    out.push({ subpath, file, page: `${subpath.replace(/\//g, "-")}.md` });
  }
  return out;
}

const kindOrder = ["Functions", "Values", "Types"] as const;
type Kind = (typeof kindOrder)[number];

/** One documented export. */
interface Item {
  readonly name: string;
  readonly kind: Kind;
  readonly code: string;
  readonly doc: string;
  readonly examples: readonly string[];
  readonly deprecated: string | undefined;
}

/** `{@link X}` and `{@link X | text}` as code spans; the rest of the TSDoc text as written. */
function prose(parts: readonly ts.SymbolDisplayPart[] | string | undefined): string {
  const text = typeof parts === "string" ? parts : ts.displayPartsToString([...(parts ?? [])]);
  return text.replace(/\{@link(?:code|plain)?\s+([^}|\s]+)(?:\s*\|\s*([^}]+))?\s*\}/g, (_, target: string, label: string | undefined) => (label !== undefined ? label.trim() : `\`${target}\``)).trim();
}

/** A declaration's source text without its leading comments and without function or method bodies. */
function declarationText(decl: ts.Declaration): string {
  const sf = decl.getSourceFile();
  const start = decl.getStart(sf);
  const bodies: ts.Node[] = [];
  if (ts.isFunctionDeclaration(decl) && decl.body !== undefined) bodies.push(decl.body);
  if (ts.isClassDeclaration(decl)) {
    for (const m of decl.members) if ((ts.isMethodDeclaration(m) || ts.isConstructorDeclaration(m) || ts.isAccessor(m)) && m.body !== undefined) bodies.push(m.body);
  }
  let text = "";
  let at = start;
  for (const b of bodies) {
    text += `${sf.text.slice(at, b.getStart(sf)).trimEnd()};`;
    at = b.end;
  }
  text += sf.text.slice(at, ts.isFunctionDeclaration(decl) && decl.body !== undefined ? decl.body.end : decl.end);
  return text.trim().replace(/^export\s+(declare\s+)?/, "");
}

const printer = ts.createPrinter({ removeComments: true });
const maxTypeLines = 40;

/** The inferred type of a value, printed over several lines; a very long one is cut. */
function inferredType(checker: ts.TypeChecker, symbol: ts.Symbol): string {
  const type = checker.getTypeOfSymbol(symbol);
  const node = checker.typeToTypeNode(type, undefined, ts.NodeBuilderFlags.NoTruncation | ts.NodeBuilderFlags.MultilineObjectLiterals);
  const text = node === undefined ? checker.typeToString(type) : printer.printNode(ts.EmitHint.Unspecified, node, ts.createSourceFile("t.ts", "", ts.ScriptTarget.ES2022));
  const lines = text.split("\n");
  return lines.length <= maxTypeLines ? text : `${lines.slice(0, maxTypeLines).join("\n")}\n    // … ${lines.length - maxTypeLines} more lines`;
}

function itemOf(checker: ts.TypeChecker, exported: ts.Symbol): Item {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const decls = symbol.declarations ?? [];
  const name = exported.name;
  const tags = symbol.getJsDocTags(checker);
  const examples = tags.filter((t) => t.name === "example").map((t) => prose(t.text));
  const deprecatedTag = tags.find((t) => t.name === "deprecated");
  const deprecated = deprecatedTag === undefined ? undefined : prose(deprecatedTag.text) || "Deprecated.";
  const doc = prose(symbol.getDocumentationComment(checker));
  let kind: Kind = "Types";
  let code: string;
  const functions = decls.filter(ts.isFunctionDeclaration);
  if (functions.length > 0) {
    kind = "Functions";
    // With overloads, the overload signatures are the API; the implementation's is not.
    const overloads = functions.filter((f) => f.body === undefined);
    code = (overloads.length > 0 ? overloads : functions).map(declarationText).join("\n");
  } else if (symbol.flags & (ts.SymbolFlags.Variable | ts.SymbolFlags.Enum)) {
    kind = "Values";
    const decl = decls[0];
    if (decl !== undefined && ts.isVariableDeclaration(decl) && decl.type !== undefined) code = `const ${name}: ${decl.type.getText()};`;
    else code = `const ${name}: ${inferredType(checker, symbol)};`;
  } else {
    code = decls.map(declarationText).join("\n");
  }
  return { name, kind, code, doc, examples, deprecated };
}

/** The module's own TSDoc: the leading comment that carries `@module`. */
function moduleDoc(file: string): string {
  const text = readFileSync(file, "utf8");
  const m = /^\s*\/\*\*([\s\S]*?)\*\//.exec(text);
  if (m === null || !m[1]?.includes("@module")) return "";
  return prose(
    (m[1] ?? "")
      .split("\n")
      .map((l) => l.replace(/^\s*\* ?/, ""))
      .filter((l) => !l.trim().startsWith("@module"))
      .join("\n"),
  );
}

/** The first sentence of a text's first paragraph, on one line. */
function firstSentence(text: string): string {
  const paragraph = (text.split(/\n\s*\n/)[0] ?? "").replace(/\s+/g, " ").trim();
  const m = /^(.*?\.)(\s|$)/.exec(paragraph);
  return m?.[1] ?? paragraph;
}

const fence = (code: string): string => (/^```/.test(code.trim()) ? code.trim() : `\`\`\`ts\n${code.trim()}\n\`\`\``);

function renderPage(entry: Entry, items: readonly Item[]): string {
  const lines = [`# \`${entry.subpath}\``, "", "<!-- Generated by scripts/api-docs.ts from the TSDoc: do not edit, run `npm run api-docs`. -->", ""];
  const about = moduleDoc(entry.file);
  if (about !== "") lines.push(about, "");
  for (const kind of kindOrder) {
    const group = items.filter((i) => i.kind === kind);
    if (group.length === 0) continue;
    lines.push(`## ${kind}`, "", group.map((i) => `[\`${i.name}\`](#${i.name.toLowerCase()})`).join(" · "), "");
    for (const i of group) {
      lines.push(`### ${i.name}`, "");
      if (i.deprecated !== undefined) lines.push(`> **Deprecated.** ${i.deprecated}`, "");
      lines.push(fence(i.code), "");
      if (i.doc !== "") lines.push(i.doc, "");
      for (const e of i.examples) lines.push("Example:", "", fence(e), "");
    }
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

/** The pages, by file name under {@link apiDir}, and the exports that have no TSDoc. */
export function renderApiDocs(): { readonly pages: ReadonlyMap<string, string>; readonly undocumented: readonly string[] } {
  const list = entries();
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
  };
  const program = ts.createProgram({ rootNames: list.map((e) => e.file), options });
  const checker = program.getTypeChecker();
  const pages = new Map<string, string>();
  const undocumented: string[] = [];
  const index = [
    "# API reference",
    "",
    "<!-- Generated by scripts/api-docs.ts from the TSDoc: do not edit, run `npm run api-docs`. -->",
    "",
    "One page per import path. Every export, with its declaration, its TSDoc and its examples.",
    "",
    "| Import path | Exports | About |",
    "|---|---:|---|",
  ];
  for (const entry of list) {
    const sf = program.getSourceFile(entry.file);
    const moduleSymbol = sf === undefined ? undefined : checker.getSymbolAtLocation(sf);
    if (moduleSymbol === undefined) throw new Error(`no module at ${relative(root, entry.file)}`);
    const items = checker
      .getExportsOfModule(moduleSymbol)
      .map((s) => itemOf(checker, s))
      .sort((a, b) => a.name.localeCompare(b.name, "en"));
    for (const i of items) if (i.doc === "") undocumented.push(`${entry.subpath}: ${i.name}`);
    pages.set(entry.page, renderPage(entry, items));
    const about = firstSentence(moduleDoc(entry.file));
    index.push(`| [\`${entry.subpath}\`](${entry.page}) | ${items.length} | ${about.replace(/\|/g, "\\|")} |`);
  }
  pages.set("README.md", `${index.join("\n")}\n`);
  return { pages, undocumented };
}

/** The pages now on disk. */
export function pagesOnDisk(): ReadonlyMap<string, string> {
  const dir = join(root, apiDir);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".md"));
  } catch {
    names = [];
  }
  return new Map(names.map((n) => [n, readFileSync(join(dir, n), "utf8")]));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { pages, undocumented } = renderApiDocs();
  const dir = join(root, apiDir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of pages) writeFileSync(join(dir, name), text);
  console.log(`wrote ${pages.size} pages to ${apiDir}/`);
  if (undocumented.length > 0) console.log(`exports without TSDoc:\n  ${undocumented.join("\n  ")}`);
}
