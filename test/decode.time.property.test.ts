import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { decodeGraphError, timeInText } from "wacall";

// Times between 2001-09-09 (10-digit seconds start) and 2286 (they stop), to the second.
const arbTime = fc.integer({ min: 1_000_000_000, max: 9_999_999_999 }).map((s) => s * 1000);

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
function iso(ms: number, zone: "Z" | "none" | "UTC" | "+0530" | "-08:00", sep: "T" | " "): string {
  const offsetMin = zone === "+0530" ? 330 : zone === "-08:00" ? -480 : 0;
  const d = new Date(ms + offsetMin * 60_000);
  const body = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}${sep}${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return zone === "none" ? body : zone === "UTC" ? `${body} UTC` : `${body}${zone}`;
}

/** Every way the time can be written in 138012's details. */
const arbWritten = fc.tuple(arbTime, fc.integer({ min: 0, max: 8 })).map(([ms, form]) => {
  const written = [
    String(ms / 1000),
    String(ms),
    `${ms / 1000}s`,
    `${ms / 1000} seconds`,
    `${ms} ms`,
    iso(ms, "Z", "T"),
    iso(ms, "none", "T"),
    iso(ms, "UTC", " "),
    iso(ms, ms % 2 === 0 ? "+0530" : "-08:00", "T"),
  ][form] as string;
  return { ms, written };
});

// Words without digits, and the punctuation prose puts around a time.
const arbWord = fc.stringMatching(/^[A-Za-z]{1,12}$/);
const arbPunct = fc.constantFrom("", ".", ",", ";", ":", "!", "?", ")", "\"", "'", " -");

describe("times in 138012 details, inside ordinary prose", () => {
  test.prop([fc.array(arbWord, { maxLength: 8 }), arbWritten, arbPunct, fc.array(arbWord, { maxLength: 8 }), fc.constantFrom("", "(", "\"", "at ", "after ")])(
    "a time embedded in a sentence is found exactly",
    (before, { ms, written }, punct, after, lead) => {
      const sentence = `${before.join(" ")} ${lead}${written}${punct} ${after.join(" ")}`;
      expect(timeInText(sentence)?.getTime()).toBe(ms);
    },
  );

  test.prop([fc.array(arbWord, { maxLength: 6 }), arbWritten, arbPunct])(
    "a 138012 whose details end with the time gets that retryAt",
    (words, { ms, written }, punct) => {
      const details = `${words.join(" ")} Next call allowed at ${written}${punct}`;
      const e = decodeGraphError({ error: { code: 138012, message: "limit", error_data: { details } } }, { clock: () => 0 });
      expect(e.retryAt?.getTime()).toBe(ms);
    },
  );

  test.prop([fc.string({ maxLength: 200 }).filter((s) => !/\d/.test(s))])("text without digits has no time", (s) => {
    expect(timeInText(s)).toBeUndefined();
  });

  const units: readonly (readonly [string, number])[] = [["seconds", 1000], ["minutes", 60_000], ["hours", 3_600_000], ["ms", 1]];
  test.prop([fc.integer({ min: 1, max: 10_000 }), fc.constantFrom(...units)])(
    "a relative wait is counted from the clock",
    (n, [unit, factor]) => {
      expect(timeInText(`Please retry in ${n} ${unit}.`, () => 1_000)?.getTime()).toBe(1_000 + n * factor);
    },
  );

  test.prop([arbTime])("a version number or a decimal is not a time", (ms) => {
    expect(timeInText(`v1.${ms / 1000}`)).toBeUndefined();
    expect(timeInText(`${ms / 1000}.5 units`)).toBeUndefined();
  });
});
