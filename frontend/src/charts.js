// The explorer's chart library: the d3 modules its scripts draw with, bundled into one
// ES module (static/explore/vendor/charts.js) by build.mjs. Re-export only what is used,
// so that the bundle stays small.
export { select, selectAll } from "d3-selection";
export { sankey, sankeyLinkHorizontal, sankeyLeft, sankeyJustify } from "d3-sankey";
