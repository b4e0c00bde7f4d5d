"""The voter's browser seals and signs a ballot byte for byte as psephos.crypto does.

The vendored ballot-crypto.js module runs in headless Chromium on a page of a made-up origin
served by Playwright itself (no server) under the site's strict Content-Security-Policy;
every result is compared with the Python function it mirrors, on fixed inputs, and a ballot
sealed with the browser's own randomness is opened by Python.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from psephos.crypto import ballot_signatures, credentials, elgamal, group
from psephos.web.security import STRICT
from tests.web.browser import chromium, require_browser

MODULE = (Path(__file__).parents[2] / "src" / "psephos" / "contests" / "static" / "contests"
          / "vendor" / "ballot-crypto.js")
ORIGIN = "https://ballot.test"
MODULE_PATH = "/static/contests/vendor/ballot-crypto.js"

SECRET_KEY = group.scalar(0x5EC12E7 * 7919)
ELECTION_KEY = group.base_mult(SECRET_KEY)
CONTEST = "Members’ ballot 2026 – Chair"
LINK_TOKEN = "q3Zx-7_kLmNoPqRsTuVwXy"
#: The token as pasted, with white space Python's str.strip() removes.
LINK_TYPED = " \u3000" + LINK_TOKEN + "\x1c\n"
POSTAL_CODE = "7K3Q-9XWD-0141-MNPZ"
#: The same code as a voter may type it: lower case, O for 0, I and L for 1, other gaps.
POSTAL_TYPED = " 7k3q 9xwd-Oi4l-mnpz "


def _hex(data: bytes) -> str:
    return data.hex()


def _scalars(width: int, seed: int) -> list[bytes]:
    return [group.hash_to_scalar("test/opening", bytes([seed, slot])) for slot in range(width)]


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    require_browser()
    html = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ballot crypto'
            "</title></head><body></body></html>")
    with chromium() as browser:
        context = browser.new_context()
        requests: list[str] = []
        problems: list[str] = []

        def serve(route: Any) -> None:
            url = route.request.url
            if url == ORIGIN + "/":
                route.fulfill(status=200, body=html, headers={
                    "Content-Type": "text/html; charset=utf-8",
                    "Content-Security-Policy": STRICT})
            elif url == ORIGIN + MODULE_PATH:
                route.fulfill(status=200, body=MODULE.read_bytes(), headers={
                    "Content-Type": "text/javascript; charset=utf-8",
                    "Content-Security-Policy": STRICT})
            else:
                route.fulfill(status=404, body="")

        context.route("**/*", serve)
        opened = context.new_page()
        opened.on("request", lambda request: requests.append(request.url))
        opened.on("pageerror", lambda error: problems.append(str(error)))
        opened.on("console", lambda message: problems.append(message.text))
        opened.goto(ORIGIN + "/")
        opened.evaluate(f"async () => {{ window.bc = await import({MODULE_PATH!r}); }}")
        yield opened
        assert problems == []
        assert set(requests) <= {ORIGIN + "/", ORIGIN + MODULE_PATH}
        context.close()


def js(page: Any, body: str, *args: Any) -> Any:
    """Evaluate ``body`` (an expression of ``bc``, the module, ``h`` its fromHex, and the
    arguments ``a``) in the page."""
    return page.evaluate(f"(a) => {{ const h = window.bc.fromHex; const bc = window.bc; "
                         f"return {body}; }}", list(args))


def test_the_module_loads_nothing_at_run_time() -> None:
    text = MODULE.read_text(encoding="utf-8")
    assert text.startswith("/* psephos ballot crypto")
    assert "@noble/curves 2.4.0" in text.splitlines()[0]
    assert not re.search(r"https?:", text)
    for call in ("fetch(", "XMLHttpRequest", "import(", "WebSocket", "eval("):
        assert call not in text


@pytest.mark.parametrize(("domain", "parts"), [
    ("psephos/test/1", []),
    ("psephos/test/1", [b""]),
    ("psephos/tëst/2", [b"abc", bytes(range(200)), b"\x00"]),
    (credentials.SALT_DOMAIN, [b"postal", CONTEST.encode()]),
])
def test_hashing_matches(page: Any, domain: str, parts: list[bytes]) -> None:
    hexes = [_hex(part) for part in parts]
    assert js(page, "bc.toHex(bc.hashParts(a[0], ...a[1].map(h)))", domain, hexes) == _hex(
        group.hash_parts(domain, *parts))
    assert js(page, "bc.toHex(bc.hashToScalar(a[0], ...a[1].map(h)))", domain, hexes) == _hex(
        group.hash_to_scalar(domain, *parts))


def test_the_encodings_match(page: Any) -> None:
    assert js(page, "bc.encodings(11).map(bc.toHex)") == [
        _hex(point) for point in elgamal.encodings(11)]


@pytest.mark.parametrize(("width", "ranking"), [
    (1, [0]), (1, []), (3, [2, 0, 1]), (3, [1]), (4, [3, 1, 0, 2]), (4, [0, 3]),
    (11, list(range(10, -1, -1))), (11, [5, 9, 0]), (11, []),
])
def test_sealing_with_given_scalars_matches(page: Any, width: int, ranking: list[int]) -> None:
    scalars = _scalars(width, len(ranking))
    sealed = elgamal.encrypt_ranking_with(ELECTION_KEY, ranking, width, scalars)
    result = js(page, "(({sealed, scalars}) => [bc.toHex(sealed), scalars.map(bc.toHex)])("
                      "bc.encryptRanking(h(a[0]), a[1], a[2], a[3].map(h)))",
                _hex(ELECTION_KEY), ranking, width, [_hex(s) for s in scalars])
    assert result == [_hex(sealed), [_hex(s) for s in scalars]]
    assert elgamal.decrypt_ranking(SECRET_KEY, sealed, width) == tuple(ranking)


@pytest.mark.parametrize(("width", "ranking"), [(1, [0]), (4, [2, 0]), (11, [7, 1, 10, 3])])
def test_a_ballot_the_browser_seals_at_random_opens_in_python(
        page: Any, width: int, ranking: list[int]) -> None:
    sealed_hex, scalar_hexes = js(
        page, "(({sealed, scalars}) => [bc.toHex(sealed), scalars.map(bc.toHex)])("
              "bc.encryptRanking(h(a[0]), a[1], a[2]))", _hex(ELECTION_KEY), ranking, width)
    sealed = bytes.fromhex(sealed_hex)
    scalars = [bytes.fromhex(s) for s in scalar_hexes]
    elgamal.check_sealed(sealed, width)
    assert elgamal.decrypt_ranking(SECRET_KEY, sealed, width) == tuple(ranking)
    assert elgamal.check_opening(ELECTION_KEY, sealed, ranking, width, scalars)
    assert len(set(scalars)) == width
    again = js(page, "bc.toHex(bc.encryptRanking(h(a[0]), a[1], a[2]).sealed)",
               _hex(ELECTION_KEY), ranking, width)
    assert again != sealed_hex


def test_an_opening_checks_in_the_browser_only_when_honest(page: Any) -> None:
    width, ranking = 4, [3, 1, 0]
    scalars = _scalars(width, 9)
    sealed = elgamal.encrypt_ranking_with(ELECTION_KEY, ranking, width, scalars)
    tampered = bytearray(sealed)
    tampered[100] ^= 1
    other_key = group.base_mult(group.scalar(0xBAD))
    swapped = [scalars[1], scalars[0], *scalars[2:]]
    check = "bc.checkOpening(h(a[0]), h(a[1]), a[2], a[3], a[4].map(h))"
    cases = {
        "honest": (ELECTION_KEY, sealed, ranking, scalars),
        "tampered ballot": (ELECTION_KEY, bytes(tampered), ranking, scalars),
        "other ranking": (ELECTION_KEY, sealed, [3, 0, 1], scalars),
        "shorter ranking": (ELECTION_KEY, sealed, [3, 1], scalars),
        "swapped scalars": (ELECTION_KEY, sealed, ranking, swapped),
        "other key": (other_key, sealed, ranking, scalars),
    }
    for name, (key, ballot, claimed, randomness) in cases.items():
        python = elgamal.check_opening(key, ballot, claimed, width, randomness)
        browser = js(page, check, _hex(key), _hex(ballot), claimed, width,
                     [_hex(s) for s in randomness])
        assert browser is python is (name == "honest"), name


@pytest.mark.parametrize(("kind", "typed", "canonical"), [
    (credentials.LINK, LINK_TOKEN, LINK_TOKEN),
    (credentials.LINK, LINK_TYPED, LINK_TOKEN),
    (credentials.POSTAL, POSTAL_CODE, POSTAL_CODE),
    (credentials.POSTAL, POSTAL_TYPED, POSTAL_CODE),
])
def test_credentials_match(page: Any, kind: str, typed: str, canonical: str) -> None:
    x = credentials.private_credential(kind, typed, CONTEST)
    assert x == credentials.private_credential(kind, canonical, CONTEST)
    assert js(page, "bc.toHex(bc.privateCredential(a[0], a[1], a[2]))", kind, typed,
              CONTEST) == _hex(x)
    assert js(page, "bc.toHex(bc.publicCredential(h(a[0])))", _hex(x)) == _hex(
        credentials.public_credential(x))


@pytest.mark.parametrize(("kind", "typed", "iterations"), [
    (credentials.POSTAL, POSTAL_TYPED, 1),
    (credentials.POSTAL, POSTAL_CODE, 2_500),
    (credentials.LINK, LINK_TOKEN, 2_500),  # a link token ignores the postal count
])
def test_a_contests_own_postal_iterations_match(page: Any, kind: str, typed: str,
                                                iterations: int) -> None:
    x = credentials.private_credential(kind, typed, CONTEST, postal_iterations=iterations)
    assert js(page, "bc.toHex(bc.privateCredential(a[0], a[1], a[2], a[3]))", kind, typed,
              CONTEST, iterations) == _hex(x)
    if kind == credentials.POSTAL:
        assert x != credentials.private_credential(kind, typed, CONTEST)


@pytest.mark.parametrize("iterations", [0, -5, 2.5, "20000", None])
def test_postal_iterations_must_be_a_positive_whole_number(page: Any,
                                                           iterations: Any) -> None:
    message = js(page, "(() => { try { bc.privateCredential('postal', a[0], a[1], a[2]);"
                       " return null; } catch (error) { return String(error.message); } })()",
                 POSTAL_CODE, CONTEST, iterations)
    assert message == "a postal code's iterations are a whole number, at least 1"


@pytest.mark.parametrize(("kind", "typed"), [
    (credentials.LINK, LINK_TOKEN[:-1]),
    (credentials.LINK, LINK_TOKEN[:-1] + "+"),
    (credentials.LINK, LINK_TOKEN[:-1] + "\ufeff"),
    (credentials.POSTAL, POSTAL_TYPED.replace("-", "–")),  # an en dash is not ASCII
    (credentials.POSTAL, "7K3Q-9XWD-0114-MNPU"),  # U is not in the alphabet
    (credentials.POSTAL, "7K3Q-9XWD-0114-MNP"),
    ("email", LINK_TOKEN),
])
def test_malformed_secrets_are_refused_alike(page: Any, kind: str, typed: str) -> None:
    with pytest.raises(ValueError):
        credentials.private_credential(kind, typed, CONTEST)
    message = js(page, "(() => { try { bc.privateCredential(a[0], a[1], a[2]); return null; }"
                       " catch (error) { return String(error.message); } })()",
                 kind, typed, CONTEST)
    assert message


def test_signing_and_the_tracker_match(page: Any) -> None:
    x = credentials.private_credential(credentials.POSTAL, POSTAL_CODE, CONTEST)
    public = credentials.public_credential(x)
    sealed = elgamal.encrypt_ranking_with(ELECTION_KEY, [2, 0], 3, _scalars(3, 1))
    signature = ballot_signatures.sign_ballot(x, CONTEST, sealed)
    tracker = ballot_signatures.ballot_tracker(CONTEST, public, sealed, signature)
    assert js(page, "bc.toHex(bc.signBallot(h(a[0]), a[1], h(a[2])))",
              _hex(x), CONTEST, _hex(sealed)) == _hex(signature)
    assert js(page, "bc.toHex(bc.ballotTracker(a[0], h(a[1]), h(a[2]), h(a[3])))",
              CONTEST, _hex(public), _hex(sealed), _hex(signature)) == _hex(tracker)
    assert js(page, "bc.printedTracker(h(a[0]))", _hex(tracker)) == (
        ballot_signatures.printed_tracker(tracker))


@pytest.mark.parametrize("width", [1, 3, 4])
def test_the_proof_of_randomness_matches(page: Any, width: int) -> None:
    x = credentials.private_credential(credentials.LINK, LINK_TOKEN, CONTEST)
    public = credentials.public_credential(x)
    scalars = _scalars(width, 5)
    sealed = elgamal.encrypt_ranking_with(ELECTION_KEY, list(range(width))[::-1], width,
                                          scalars)
    proof = ballot_signatures.prove_randomness(CONTEST, public, sealed, scalars)
    made = js(page, "bc.toHex(bc.proveRandomness(a[0], h(a[1]), h(a[2]), a[3].map(h)))",
              CONTEST, _hex(public), _hex(sealed), [_hex(r) for r in scalars])
    assert made == _hex(proof)
    assert ballot_signatures.verify_randomness(CONTEST, public, sealed, bytes.fromhex(made))
    # a random sealing in the browser, proved there, verifies in Python
    done = js(page, "(() => { const s = bc.encryptRanking(h(a[0]), [0], a[1]); "
                    "return [bc.toHex(s.sealed), bc.toHex(bc.proveRandomness(a[2], h(a[3]), "
                    "s.sealed, s.scalars))]; })()",
              _hex(ELECTION_KEY), width, CONTEST, _hex(public))
    assert ballot_signatures.verify_randomness(CONTEST, public, bytes.fromhex(done[0]),
                                               bytes.fromhex(done[1]))


def test_the_browser_verifies_signatures_as_python_does(page: Any) -> None:
    x = credentials.private_credential(credentials.LINK, LINK_TOKEN, CONTEST)
    public = credentials.public_credential(x)
    sealed = elgamal.encrypt_ranking_with(ELECTION_KEY, [0, 3, 1], 4, _scalars(4, 2))
    signature = ballot_signatures.sign_ballot(x, CONTEST, sealed)
    verify = "bc.verifyBallot(h(a[0]), a[1], h(a[2]), h(a[3]))"

    def flipped(data: bytes, bit: int) -> bytes:
        changed = bytearray(data)
        changed[bit // 8] ^= 1 << (bit % 8)
        return bytes(changed)

    other = credentials.public_credential(group.scalar(12345))
    cases = [(public, CONTEST, sealed, signature, True),
             (public, CONTEST, sealed, flipped(signature, 0), False),
             (public, CONTEST, sealed, flipped(signature, 300), False),
             (public, CONTEST, flipped(sealed, 77), signature, False),
             (public, CONTEST + " ", sealed, signature, False),
             (other, CONTEST, sealed, signature, False),
             (group.IDENTITY, CONTEST, sealed, signature, False)]
    for key, contest, ballot, signed, valid in cases:
        assert ballot_signatures.verify_ballot(key, contest, ballot, signed) is valid
        assert js(page, verify, _hex(key), contest, _hex(ballot), _hex(signed)) is valid


def test_base64_and_hex_round_trip_as_python_writes_them(page: Any) -> None:
    data = bytes(range(256)) + b"\xff\x00"
    assert js(page, "bc.toBase64(h(a[0]))", _hex(data)) == base64.b64encode(data).decode()
    assert js(page, "bc.toHex(bc.fromBase64(a[0]))", base64.b64encode(data).decode()) == _hex(
        data)
    assert js(page, "bc.toHex(bc.fromHex(a[0].toUpperCase()))", _hex(data)) == _hex(data)
