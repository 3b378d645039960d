// Builds the dashboard into the folder given as the first argument (clay-server embeds it):
// app.js bundled and minified by esbuild, then the static files copied next to it.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const out = process.argv[2];
if (!out) {
  console.error("usage: node build.mjs OUTPUT-DIRECTORY");
  process.exit(2);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "assets"), { recursive: true });
await build({
  entryPoints: ["src/main.ts"],
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "esm",
  target: ["es2022"],
  outfile: join(out, "assets", "app.js"),
  logLevel: "warning",
});
for (const file of readdirSync("static")) {
  copyFileSync(join("static", file), file.endsWith(".css") ? join(out, "assets", file) : join(out, file));
}
