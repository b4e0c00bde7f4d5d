"""Official UK results: fetch the publishers' files, check them, read them into tidy tables."""

from psephos.uk.catalogue import ELECTIONS, GENERAL_ELECTIONS, ElectionEntry, PublisherFile
from psephos.uk.errors import DataFileError, FetchError, MissingDataError, UKDataError
from psephos.uk.fetch import Fetched, add_file, get_election
from psephos.uk.general import load_general_election
from psephos.uk.holyrood import HolyroodConstituency, HolyroodElection, HolyroodRegion, ListVote
from psephos.uk.london_mayor import LondonMayorElection, load_london_mayor
from psephos.uk.results import SeatsAndVotes, count_general_election, winner
from psephos.uk.scottish_parliament import count_scottish_parliament, load_scottish_parliament
from psephos.uk.tables import NATIONS, PARTY_CODES, Candidate, Constituency, GeneralElection

__all__ = [
    "ELECTIONS",
    "GENERAL_ELECTIONS",
    "NATIONS",
    "PARTY_CODES",
    "Candidate",
    "Constituency",
    "DataFileError",
    "ElectionEntry",
    "FetchError",
    "Fetched",
    "GeneralElection",
    "HolyroodConstituency",
    "HolyroodElection",
    "HolyroodRegion",
    "ListVote",
    "LondonMayorElection",
    "MissingDataError",
    "PublisherFile",
    "SeatsAndVotes",
    "UKDataError",
    "add_file",
    "count_general_election",
    "count_scottish_parliament",
    "get_election",
    "load_general_election",
    "load_london_mayor",
    "load_scottish_parliament",
    "winner",
]
