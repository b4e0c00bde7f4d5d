"""The explorer: counts, official results and pacts in the browser (`/explore/`).

Pages and JSON endpoints over the same core the CLI uses (`psephos.rules`, `psephos.uk`,
`psephos.model`, `psephos.rctab`); nothing here implements a rule or a model. Every page
shows its numbers without JavaScript (server-rendered tables and SVG); the vendored
scripts under ``static/explore/`` only draw and re-draw what the API returns.
"""
