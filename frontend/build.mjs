// Bundle src/charts.js and its d3 modules into one minified ES module.
// Usage: node build.mjs [OUTFILE]  (default: the explorer's static vendor folder)
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const outfile = process.argv[2]
  ?? path.join(here, "..", "src", "psephos", "explore", "static", "explore", "vendor", "charts.js");

await build({
  entryPoints: [path.join(here, "src", "charts.js")],
  outfile,
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2020",
  legalComments: "none",
  banner: {
    js: "/* d3-selection 3 and d3-array, d3-path, d3-shape (ISC, Mike Bostock), d3-sankey 0.12"
      + " (BSD-3-Clause, Mike Bostock); bundled by frontend/build.mjs. */",
  },
  logLevel: "warning",
});
