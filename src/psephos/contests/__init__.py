"""The members' ballot: electorate, nominations, timetable, credentials, voting and the count.

A Django app. Every write goes through a service module here (`definition`, `electorate`,
`credentials`, `voting`, `lifecycle`, `counting`, `nominations`, `timetable`, `outbox`,
`audit`), which the command line and the web both call.
"""
