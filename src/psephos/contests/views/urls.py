"""Routes of the public pages (namespace ``contests``)."""

from __future__ import annotations

from django.urls import path

from psephos.contests.views import public, voting

app_name = "contests"

urlpatterns = [
    path("", public.home, name="home"),
    path("vote/", voting.start, name="vote"),
    path("vote/<slug:slug>/<str:token>/", voting.by_link, name="vote-link"),
    path("contests/<slug:slug>/", public.contest, name="contest"),
    path("contests/<slug:slug>/timetable.ics", public.timetable_ics, name="timetable-ics"),
    path("contests/<slug:slug>/receipt/<str:tracker>/", voting.receipt, name="receipt"),
    path("contests/<slug:slug>/board", public.board, name="board"),
    path("contests/<slug:slug>/trackers.txt", public.trackers_txt, name="trackers"),
    path("contests/<slug:slug>/board.json", public.board_json, name="board-json"),
    path("contests/<slug:slug>/credentials-<slug:section>.json", public.credential_list,
         name="credential-list"),
    path("contests/<slug:slug>/declaration", public.declaration, name="declaration"),
    path("contests/<slug:slug>/declaration/chart.svg", public.chart_svg, name="chart"),
    path("contests/<slug:slug>/declaration/flows.json", public.flows_json, name="flows"),
    path("contests/<slug:slug>/published/<str:name>", public.published_file, name="published"),
]
