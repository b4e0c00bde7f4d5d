"""The public web pages of a members' ballot: server-rendered, usable without JavaScript.

`public` has the pages anyone may read (contest, timetable, board, declaration, downloads)
and `declaration` shapes the result for them; `voting` has the ballot a voter reaches by
link or by typing their code, and `forms` checks what a voter sends. Views only render:
every read and write goes through the contest services (`psephos.contests.casting`,
`psephos.contests.published`, `psephos.contests.throttle`), as the API's
(`psephos.contests.api`) do.
"""
