"""A section's checks, from its cast ballots to its opened rankings: the sealed list, the
mixed list, the proof of shuffle between them (docs/verifiability.md section 9), the
decryption request, every trustee's shares and their proofs, the threshold, and the
rankings the shares open compared with the published ballots CSV (section 6)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from typing import Any

from psephos.crypto import decryption, elgamal
from psephos.crypto.errors import CeremonyError
from psephos.crypto.messages import digest
from psephos.crypto.shuffle_file import SHUFFLE_FORMAT, check_chain
from psephos.crypto.threads import WORKERS
from psephos.verify.ceremony import KeyFacts
from psephos.verify.reading import Ranking, Record, SectionFiles
from psephos.verify.report import Check, failed, passed


def _sha256(ballots: Sequence[bytes]) -> str:
    return hashlib.sha256(b"".join(ballots)).hexdigest()


def _invalid(ballots: Sequence[bytes], width: int) -> str | None:
    """Why the first ballot that is not a sealed ballot of ``width`` is refused, or None."""
    for number, sealed in enumerate(ballots, start=1):
        try:
            elgamal.check_sealed(sealed, width)
        except ValueError as error:
            return f"ballot {number}: {error}"
    return None


def _declared_ballots(record: Record, slug: str) -> int:
    found: int = next(s["ballots"] for s in record.declaration["sections"]
                      if s["slug"] == slug)
    return found


def _belongs(record: Record, section: SectionFiles, says: tuple[Any, Any]) -> list[str]:
    """The problem, if any, with the (contest, section) a list says it is of."""
    expected = (record.declaration["contest"], section.slug)
    return [] if says == expected else [f"it says it is of contest {says[0]!r}, section "
                                        f"{says[1]!r}, not {expected[0]!r}, {expected[1]!r}"]


def check_sealed_list(record: Record, section: SectionFiles) -> Check:
    name = f"sealed list of {section.slug}"
    width = len(record.candidates)
    trackers = [tracker for tracker, _ in section.sealed]
    declared = _declared_ballots(record, section.slug)
    problems = _belongs(record, section, section.sealed_of)
    if section.sealed_width != width:
        problems.append(f"width {section.sealed_width}, but the paper has {width} candidates")
    invalid = _invalid([sealed for _, sealed in section.sealed], width)
    if invalid:
        problems.append(invalid)
    if trackers != sorted(trackers):
        problems.append("not sorted by tracker")
    repeated = sorted(t for t, n in Counter(trackers).items() if n > 1)
    if repeated:
        problems.append(f"tracker {repeated[0]} is listed {trackers.count(repeated[0])} times")
    if len(trackers) != declared:
        problems.append(f"{len(trackers)} ballots, but the declaration says {declared} were "
                        "returned")
    if problems:
        return failed(name, "; ".join(problems))
    return passed(name, f"{len(trackers)} sealed ballots of width {width}, sorted by tracker, "
                        f"no tracker twice; the declaration says {declared} returned")


def check_trackers(record: Record) -> Check:
    name = "trackers"
    listed = sorted(t for section in record.sections for t, _ in section.sealed)
    if record.trackers != listed:
        missing = sorted(set(listed) - set(record.trackers))
        extra = sorted(set(record.trackers) - set(listed))
        return failed(name, f"trackers.txt lists {len(record.trackers)} trackers, the sealed "
                            f"lists {len(listed)}"
                            + (f"; not in trackers.txt: {missing[0]}" if missing else "")
                            + (f"; in no sealed list: {extra[0]}" if extra else ""))
    return passed(name, f"trackers.txt lists the {len(listed)} sealed ballots' trackers, in "
                        "order")


def check_mixed_list(record: Record, section: SectionFiles) -> Check:
    name = f"mixed list of {section.slug}"
    width = len(record.candidates)
    problems = _belongs(record, section, section.mixed_of)
    if section.mixed_width != width:
        problems.append(f"width {section.mixed_width}, but the paper has {width} candidates")
    invalid = _invalid(section.mixed, width)
    if invalid:
        problems.append(invalid)
    if len(section.mixed) != len(section.sealed):
        problems.append(f"{len(section.mixed)} mixed ballots for {len(section.sealed)} cast")
    if _sha256(section.mixed) != section.mixed_sha256:
        problems.append("its SHA-256 is not the one it gives")
    if problems:
        return failed(name, "; ".join(problems))
    return passed(name, f"{len(section.mixed)} sealed ballots, as many as were cast; SHA-256 "
                        f"{section.mixed_sha256}")


def request_label(record: Record, section: SectionFiles) -> str:
    """The label of a section's request and shuffle: ``<contest>/<section>``."""
    return f"{record.declaration['contest']}/{section.slug}"


def check_mix(record: Record, section: SectionFiles, facts: KeyFacts | None, *,
              allow_unproved: bool) -> Check:
    """The proof of shuffle from the sealed list to the mixed list."""
    name = f"mix of {section.slug}"
    named = section.request.get("shuffle")
    if section.shuffle is None:
        if not section.sealed and not section.mixed:
            return passed(name, "no ballots: nothing to shuffle")
        if named is not None:
            return failed(name, f"the decryption request names shuffle {named}, but "
                                f"shuffle-{section.slug}.json is not in the record")
        return Check(name, "warn" if allow_unproved else "fail",
                     "no proof of shuffle published: the record cannot show that the mixed "
                     "ballots are the cast ballots re-encrypted and permuted",
                     unproved=not allow_unproved)
    chain = [section.shuffle, *section.remixes]
    files = [f"shuffle-{section.slug}.json"] + [
        f"shuffle-{section.slug}-{stage}.json" for stage in range(1, len(chain))]
    try:
        outputs = check_chain(chain, [b for _, b in section.sealed], workers=WORKERS)
    except CeremonyError as error:
        message = str(error)
        stage = message.removeprefix("shuffle file (stage ").split(")")[0]
        if message.startswith("shuffle file (stage ") and stage.isdigit():
            return failed(name, f"{files[int(stage)]} (stage {stage}): "
                                + message.removeprefix(f"shuffle file (stage {stage}): "))
        return failed(name, f"shuffle-{section.slug}.json: {error}")
    document = chain[-1]
    last = files[-1]
    problems = []
    if facts is not None and (document.get("ceremony"), document.get("election_key")) != (
            facts.hash, facts.election_key.hex()):
        problems.append("its ceremony or election key is not the ceremony's")
    if document.get("label") != request_label(record, section):
        problems.append(f"its label is {document.get('label')!r}, not "
                        f"{request_label(record, section)!r}")
    if outputs != section.mixed:
        problems.append(f"its output is not mixed-{section.slug}.json's ballots in order")
    hashes = [digest(SHUFFLE_FORMAT, d) for d in chain]
    if named is not None and named != hashes[-1]:
        problems.append(f"it is not the shuffle the decryption request names (hash); the "
                        f"request names stage {hashes.index(named)}, not the chain's last"
                        if named in hashes[:-1] else
                        "it is not the shuffle the decryption request names (hash)")
    if problems:
        return failed(name, f"{last}: " + "; ".join(problems))
    named_it = "; the decryption request names this file" if named is not None else ""
    stages = (f" through a chain of {len(chain)} mixes, each proof holding and each "
              "re-mixing the one before" if len(chain) > 1 else "")
    return passed(name, f"the proof of shuffle verifies: the {len(outputs)} mixed ballots are "
                        "the sealed list re-encrypted and permuted (Terelius-Wikström)"
                        + stages + named_it)


def check_request(record: Record, section: SectionFiles, facts: KeyFacts | None) -> Check:
    name = f"decryption request of {section.slug}"
    try:
        request = decryption.read_request(section.request)
    except CeremonyError as error:
        return failed(name, str(error))
    problems = []
    if facts is not None and request.ceremony != facts.hash:
        problems.append("it names another ceremony")
    if facts is not None and request.election_key != facts.election_key:
        problems.append("its election key is not the ceremony's")
    if request.label != request_label(record, section):
        problems.append(f"its label is {request.label!r}, not "
                        f"{request_label(record, section)!r}")
    if request.width != len(record.candidates):
        problems.append(f"width {request.width}, but the paper has {len(record.candidates)} "
                        "candidates")
    asked = b"".join(alpha + beta for alpha, beta in request.ciphertexts)
    if asked != b"".join(section.mixed):
        problems.append(f"its ballots are not mixed-{section.slug}.json's in order "
                        f"({len(request.ciphertexts) // max(request.width, 1)} ballots for "
                        f"{len(section.mixed)} mixed)")
    if problems:
        return failed(name, "; ".join(problems))
    return passed(name, f"hash {request.hash} matches; it asks for exactly the "
                        f"{len(section.mixed)} mixed ballots, in order")


def check_shares(section: SectionFiles, facts: KeyFacts | None
                 ) -> tuple[list[Check], list[dict[str, Any]]]:
    """A check a shares file, and the responses whose proofs verify."""
    checks, good = [], []
    for number, response in sorted(section.shares.items()):
        name = f"shares of {section.slug} from trustee {number}"
        if facts is None:
            checks.append(failed(name, "cannot be checked: the ceremony's round 1 fails"))
            continue
        if response.get("trustee") != number:
            checks.append(failed(name, f"the file is named for trustee {number}, its content "
                                       f"says trustee {response.get('trustee')!r}"))
            continue
        try:
            decryption.check_shares(facts.document, facts.round1, section.request, response,
                                    workers=WORKERS)
        except CeremonyError as error:
            checks.append(failed(name, str(error)))
            continue
        checks.append(passed(name, "signed; they answer this request; the batched "
                                   "Chaum-Pedersen proof verifies against the trustee's "
                                   "verification key"))
        good.append(response)
    return checks, good


def open_ballots(record: Record, section: SectionFiles, facts: KeyFacts | None,
                 good: list[dict[str, Any]]) -> list[Check]:
    """The threshold, and the opened rankings against ``ballots-<section>.csv``."""
    threshold_name = f"threshold of {section.slug}"
    opened_name = f"opened ballots of {section.slug}"
    if facts is None:
        return [failed(threshold_name, "cannot be checked: the ceremony's round 1 fails"),
                failed(opened_name, "cannot be checked: the ceremony's round 1 fails")]
    trustees = sorted(r["trustee"] for r in good)
    listed = ", ".join(map(str, trustees)) or "none"
    if len(trustees) < facts.threshold:
        return [failed(threshold_name, f"valid shares from trustees {listed}; "
                                       f"{facts.threshold} are needed"),
                failed(opened_name, "cannot be decrypted: too few valid shares")]
    checks = [passed(threshold_name, f"valid shares from trustees {listed}; "
                                     f"{facts.threshold} are needed")]
    try:
        rankings = decryption.combine(facts.document, facts.round1, section.request, good,
                                      workers=WORKERS, checked=True)
    except CeremonyError as error:
        return [*checks, failed(opened_name, str(error))]
    checks.append(compare_rankings(opened_name, record.candidates, Counter(rankings),
                                   section.ballots.candidates, section.ballots.rankings,
                                   f"ballots-{section.slug}.csv"))
    return checks


def _shown(names: Sequence[str], ranking: Ranking) -> str:
    return " > ".join(names[c] if c < len(names) else f"candidate {c + 1}"
                      for c in ranking) or "(blank)"


def compare_rankings(name: str, names: Sequence[str], opened: Counter[Ranking],
                     published_names: Sequence[str], published: Counter[Ranking],
                     file: str, source: str = "decrypt to") -> Check:
    """Whether ``file`` publishes the rankings ``opened``, as a multiset (``source`` says
    where those come from, for the line that passes)."""
    if tuple(published_names) != tuple(names):
        return failed(name, f"{file} declares candidates {', '.join(published_names)}, the "
                            f"declaration {', '.join(names)}")
    if opened != published:
        missing, extra = opened - published, published - opened
        found = []
        if missing:
            ranking, n = next(iter(missing.items()))
            found.append(f"{sum(missing.values())} ballots missing from it "
                         f"(e.g. {n} × {_shown(names, ranking)})")
        if extra:
            ranking, n = next(iter(extra.items()))
            found.append(f"{sum(extra.values())} ballots in it that should not be "
                         f"(e.g. {n} × {_shown(names, ranking)})")
        return failed(name, f"{file} does not hold the rankings it should: "
                            + "; ".join(found))
    return passed(name, f"the {sum(opened.values())} ballots {source} the rankings of "
                        f"{file} ({len(opened)} distinct)")
