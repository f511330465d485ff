// The screenshot stage (./index.html, ./stage.ts): the app's windows on a
// mocked backend, built apart from the app so its bundle (ui/dist) never
// holds mock code. `npm run screenshots` builds and serves it on 127.0.0.1.
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

const path = (relative: string) => decodeURIComponent(new URL(relative, import.meta.url).pathname);

export default defineConfig({
  root: path("."),
  base: "./",
  clearScreen: false,
  logLevel: "warn",
  plugins: [svelte({ configFile: path("../svelte.config.js") })],
  // The catalogues live in crates/i18n; nothing else outside ui/ is served.
  server: {
    host: "127.0.0.1",
    fs: { allow: [path(".."), path("../../crates/i18n/catalogues")] },
  },
  preview: { host: "127.0.0.1" },
  build: {
    target: "es2022",
    assetsInlineLimit: 0,
    emptyOutDir: true,
    // The default; shoot.mjs builds into a temporary folder instead.
    outDir: path("../node_modules/.tandem-stage"),
  },
});
