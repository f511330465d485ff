// Tandem's words, in the person's language. The catalogues are the very
// files the tray, the notifications and the CLI read (crates/i18n), so one
// sentence is written once. Components never hold a sentence of their own.
import en from "../../../crates/i18n/catalogues/en.json";
import nl from "../../../crates/i18n/catalogues/nl.json";
import type { Language, Said } from "./bindings";

type Catalogue = Record<string, string>;

export const CATALOGUES: Record<Language, Catalogue> = { en, nl };

let current: Language = $state("en");

/** The language the windows speak now. */
export function language(): Language {
  return current;
}

export function setLanguage(next: Language): void {
  current = next;
  if (typeof document !== "undefined") document.documentElement.lang = next;
}

/** Whether `value` is a sentence the core sent as its key and parameters. */
export function isSaid(value: unknown): value is Said {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Said).key === "string" &&
    typeof (value as Said).params === "object"
  );
}

/** Right-to-left letters (Hebrew, Arabic, Syriac, Thaana, N'Ko… and their
 * presentation forms, in the BMP and beyond) and bidirectional controls. */
const REORDERS =
  /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud802\ud803\ud83a\ud83b][\udc00-\udfff]/;

/** Embeddings, overrides and isolates: each opens or closes a scope. */
const SCOPES = /[\u202a-\u202e\u2066-\u2069]/g;

/** `value` as a part of a sentence. A name from a browser file may hold
 * right-to-left letters, or an override (U+202E) put there to make it look
 * like another: set apart (first-strong isolate … pop), it can reorder
 * nothing around it. The scopes it opens or closes itself are dropped, as a
 * pop of its own (U+2069) would end the isolate early; they are invisible,
 * and only ever there to reorder. Other text is left as it is. */
export function isolate(value: string): string {
  return REORDERS.test(value) ? `\u2068${value.replace(SCOPES, "")}\u2069` : value;
}

/** `text` with each `{name}` replaced by its value, unknown ones kept; a
 * value the core sent as a sentence is worded in the current language. */
export function fill(text: string, params: Record<string, unknown> = {}): string {
  return text.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined || value === null) return whole;
    if (isSaid(value)) return say(value);
    return Array.isArray(value) ? value.map((item) => isolate(String(item))).join(", ") : isolate(String(value));
  });
}

/** A sentence the core sent (a reason, a note), in the current language. */
export function say(said: Said): string {
  if (has(said.key)) return t(said.key, said.params);
  // A key from a newer Tandem (an old window, a newer history file): the
  // key and its parameters still say what happened.
  const params = Object.entries(said.params).map(([name, value]) => `${name}: ${isSaid(value) ? say(value) : isolate(String(value))}`);
  return params.length ? `${said.key} (${params.join(", ")})` : said.key;
}

/** The `{name}`s the sentence `key` asks for. */
export function placeholders(key: string): string[] {
  const text = CATALOGUES.en[key] ?? "";
  return [...text.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((found) => found[1] ?? "");
}

/** Whether the catalogue has `key`. */
export function has(key: string): boolean {
  return key in CATALOGUES.en;
}

/** The sentence `key` in the current language (English where it is missing,
 * which a test forbids), placeholders filled. */
export function t(key: string, params?: Record<string, unknown>): string {
  const text = CATALOGUES[current][key] ?? CATALOGUES.en[key] ?? key;
  return fill(text, params);
}
