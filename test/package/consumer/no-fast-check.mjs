// wacall/testing without fast-check installed: the fake server works; only the generators need it.
let fastCheck = "resolvable";
try {
  import.meta.resolve("fast-check");
} catch (e) {
  fastCheck = e.code;
}
const testing = await import("wacall/testing");
const fake = await testing.startFakeCallingApi({});
const up = typeof fake.url === "string";
await fake.close();
let arbitraries = "loaded";
try {
  await import("wacall/testing/arbitraries");
} catch (e) {
  arbitraries = `${e.code}: ${/'fast-check'/.test(e.message) ? "fast-check" : e.message}`;
}
console.log(JSON.stringify({ fastCheck, up, arbitraries }));
