// Bundle the vendored front-end modules, each into one minified ES module:
//   src/charts.js (d3 modules) into the explorer's static vendor folder;
//   src/ballot-crypto.js (noble curves and hashes) into the contests' static vendor folder.
// Usage: node build.mjs [CHARTS_OUTFILE [BALLOT_CRYPTO_OUTFILE]]  (default: those folders)
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const staticFolder = (app) => path.join(here, "..", "src", "psephos", app, "static", app, "vendor");

const bundles = [
  {
    entry: "charts.js",
    outfile: process.argv[2] ?? path.join(staticFolder("explore"), "charts.js"),
    banner: "/* d3-selection 3 and d3-array, d3-path, d3-shape (ISC, Mike Bostock), d3-sankey 0.12"
      + " (BSD-3-Clause, Mike Bostock); bundled by frontend/build.mjs. */",
  },
  {
    entry: "ballot-crypto.js",
    outfile: process.argv[3] ?? path.join(staticFolder("contests"), "ballot-crypto.js"),
    banner: "/* psephos ballot crypto (MIT) with @noble/curves 2.4.0 and @noble/hashes 2.4.0"
      + " (MIT, Paul Miller); bundled by frontend/build.mjs. */",
  },
];

for (const bundle of bundles) {
  await build({
    entryPoints: [path.join(here, "src", bundle.entry)],
    outfile: bundle.outfile,
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2020",
    legalComments: "none",
    banner: { js: bundle.banner },
    logLevel: "warning",
  });
}
