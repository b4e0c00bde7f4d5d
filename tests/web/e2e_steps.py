"""Steps of the end-to-end test that are about the sealed ballot: the command line in child
processes (the returning officer's `psephos contest`, each trustee's `psephos trustee` in a
folder of their own, as on their own machine), the key ceremony, the server's mix and the
trustees' re-mixes of it, the decryption by k trustees, and the search of a database dump
and of the server's log for secrets.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

THRESHOLD = 2


class Admin:
    """`psephos contest --database URL ...` in a child process, as an administrator runs it."""

    def __init__(self, database: str, env: dict[str, str], slug: str) -> None:
        self.database, self.env, self.slug = database, env, slug

    def __call__(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "psephos", "contest", "--database",
                               self.database, *args], env=self.env, capture_output=True,
                              text=True, timeout=180, check=False)
        if ok:
            assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
        return done


class Trustee:
    """A trustee's own machine: a folder of their files, and `psephos trustee ...` run in it
    (no database, no network: files go to and from the returning officer by copying)."""

    def __init__(self, number: int, name: str, folder: Path, env: dict[str, str]) -> None:
        self.number, self.name, self.folder = number, name, folder
        # Nothing of the server's: a trustee's machine knows no database or secret key.
        self.env = {k: v for k, v in env.items() if not k.startswith("PSEPHOS_")}
        self.private = folder / "private.json"

    def __call__(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "psephos", "trustee", *args],
                              cwd=self.folder, env=self.env, capture_output=True, text=True,
                              timeout=180, check=False)
        assert done.returncode == 0, f"trustee {self.number} {args}: {done.stdout}{done.stderr}"
        return done.stdout

    def receive(self, *files: Path) -> list[Path]:
        """Copies of the returning officer's files on this machine (folders copied whole)."""
        copies = []
        for file in files:
            copy = self.folder / file.name
            if file.is_dir():
                shutil.copytree(file, copy)
            else:
                shutil.copyfile(file, copy)
            copies.append(copy)
        return copies


def key_ceremony(admin: Admin, names: list[str], folder: Path) -> list[Trustee]:
    """The trustees make the election key, any two of whom can decrypt (Pedersen's DKG):
    every step through `psephos trustee` and `psephos contest trustees`, the files carried
    between the returning officer's folder and each trustee's."""
    office = folder / "office"
    office.mkdir()
    trustees = []
    for number, name in enumerate(names, 1):
        machine = folder / f"trustee-{number}"
        machine.mkdir()
        trustee = Trustee(number, name, machine, admin.env)
        trustee("new", name, "--out", "private.json", "--public", "public.json")
        assert trustee.private.stat().st_mode & 0o777 == 0o600
        trustees.append(trustee)
    publics = [shutil.copyfile(t.folder / "public.json", office / f"public-{t.number}.json")
               for t in trustees]
    added = admin("trustees", "add", admin.slug, *map(str, publics)).stdout
    assert added.splitlines() == [f"trustee {t.number}: {t.name}" for t in trustees]
    ceremony = office / "ceremony.json"
    admin("trustees", "ceremony", admin.slug, "--threshold", str(THRESHOLD), "--out",
          str(ceremony))
    round1 = []
    for trustee in trustees:
        trustee.receive(ceremony)
        printed = trustee("round1", "private.json", "ceremony.json", "--out", "round1.json")
        assert f"any {THRESHOLD} of {len(trustees)} trustees" in printed, printed
        round1.append(shutil.copyfile(trustee.folder / "round1.json",
                                      office / f"round1-from-{trustee.number}.json"))
    submitted = admin("trustees", "submit", admin.slug, *map(str, round1)).stdout
    assert f"ceremony: round2, threshold {THRESHOLD}" in submitted, submitted
    admin("trustees", "round1", admin.slug, "--out-dir", str(office / "round1"))
    keys, round2 = set(), []
    for trustee in trustees:
        trustee.receive(office / "round1")
        printed = trustee("round2", "private.json", "ceremony.json", "round1",
                          "--out", "round2.json")
        accepted = re.search(rf"trustee {trustee.number} accepts; election key (\S+)", printed)
        assert accepted, printed
        keys.add(accepted[1])
        round2.append(shutil.copyfile(trustee.folder / "round2.json",
                                      office / f"round2-from-{trustee.number}.json"))
    admin("trustees", "submit", admin.slug, *map(str, round2))
    status = json.loads(admin("trustees", "status", admin.slug, "--json").stdout)
    assert (status["state"], status["threshold"], status["local"], status["missing"],
            status["round2"]) == ("complete", THRESHOLD, False, None,
                                 [t.number for t in trustees]), status
    assert {status["election_key"]} == keys, "every trustee computed the server's key"
    assert not list(office.glob("**/private*")), "no private file reaches the server"
    return trustees


def shuffle(admin: Admin, sections: list[str]) -> None:
    """After the close, the server's mix of every section, with its proof (stage 0)."""
    shuffled = admin("shuffle", admin.slug).stdout
    assert re.findall(r"section (\S+): \d+ ballots mixed", shuffled) == sections, shuffled


def remix(admin: Admin, mixers: list[Trustee], sections: list[str], folder: Path) -> None:
    """After the server's shuffle, each mixer in turn re-mixes every section on their own
    machine (`psephos trustee mix` of the chain's last stage from `psephos contest
    mix-files`) and the returning officer adds the stage (`psephos contest add-mix`): a chain
    of 1 + len(mixers) mixes a section (docs/verifiability.md, section 9.8). With the server's
    PSEPHOS_TRUSTEE_MIXES at len(mixers), no decryption request goes out before the last."""
    office = folder / "office"
    for stage, mixer in enumerate(mixers, 1):
        early = admin("decryption-request", admin.slug, str(office / "too-early"), ok=False)
        assert early.returncode != 0 and (
            f"{stage - 1} trustee re-mixes of the {len(mixers)} required"
            in early.stdout + early.stderr), early.stdout + early.stderr
        chain = office / f"chain-{stage}"
        admin("mix-files", admin.slug, str(chain))
        for section in sections:
            stages = chain_files(section, stage - 1)
            assert sorted(p.name for p in chain.glob(f"shuffle-{section}*.json")) == \
                sorted(stages)
            (last,) = mixer.receive(chain / stages[-1])
            out = f"mix-{section}-{stage}.json"
            printed = mixer("mix", last.name, "--out", out)
            assert printed.startswith(f"{out}: stage {stage} of {admin.slug}/{section}, "), \
                printed
            sent = shutil.copyfile(mixer.folder / out, office / f"{mixer.number}-{out}")
            added = admin("add-mix", admin.slug, section, str(sent)).stdout
            assert f"section {section}: stage {stage} added" in added, added


def chain_files(section: str, last: int) -> list[str]:
    """A section's chain of mixes, stage 0 (the server's) to ``last``, as files are named."""
    return [f"shuffle-{section}.json", *(f"shuffle-{section}-{s}.json"
                                         for s in range(1, last + 1))]


def decrypt(admin: Admin, trustees: list[Trustee], sections: list[str], folder: Path,
            *, stages: int) -> None:
    """One request a section, once its chain of ``stages`` mixes is complete; two of the
    three trustees each decrypt every section on their own machine after checking every
    stage's proof from the sealed ballots to the request (`psephos trustee decrypt
    --shuffle ...`, in order); their shares go back to the server."""
    requests = folder / "office" / "requests"
    admin("decryption-request", admin.slug, str(requests))
    files = sorted(requests.glob("request-*.json"))
    assert [f.name for f in files] == sorted(f"request-{s}.json" for s in sections)
    shares = []
    for trustee in (trustees[0], trustees[2]):
        for section in sections:
            chain = chain_files(section, stages - 1)
            assert sorted(p.name for p in requests.glob(f"shuffle-{section}*.json")) == \
                sorted(chain)
            trustee.receive(requests / f"request-{section}.json",
                            requests / f"sealed-{section}.json",
                            *(requests / name for name in chain))
            out = f"shares-{section}.json"
            checked = trustee("decrypt", "private.json", f"request-{section}.json",
                              *(a for name in chain for a in ("--shuffle", name)),
                              "--sealed", f"sealed-{section}.json", "--out", out)
            assert f"the proof of shuffle holds at each of its {stages} stages" in checked, \
                checked
            shares.append(shutil.copyfile(trustee.folder / out, folder / "office" /
                                          f"{trustee.number}-{out}"))
        if trustee is trustees[0]:  # one trustee's shares are not enough
            done = admin("decrypt", admin.slug, *map(str, shares)).stdout
            assert done.splitlines()[-1].startswith("still needed: "), done
    done = admin("decrypt", admin.slug, *map(str, shares[len(sections):])).stdout
    assert done.splitlines() == [
        *(f"{share}: accepted for section {section}"
          for share, section in zip(shares[len(sections):], sections, strict=True)),
        "enough shares for every section; run 'contest count'"], done


def database_dump(url: str) -> str:
    """Every row of the database as text, as an operator's backup would hold it: SQLite's
    own dump (`iterdump`, what `sqlite3 FILE .dump` prints), or PostgreSQL's `pg_dump`
    (or, where that client is not installed, a COPY of every table)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        with sqlite3.connect(parts.path) as connection:
            return "\n".join(connection.iterdump())
    pg_dump = shutil.which("pg_dump") or next(
        (p for p in ("/usr/local/bin/pg_dump", "/usr/bin/pg_dump") if os.path.exists(p)), None)
    if pg_dump:
        return subprocess.run([pg_dump, "--no-owner", url], capture_output=True, text=True,
                              check=True, timeout=120).stdout
    import psycopg

    lines = []
    with psycopg.connect(url) as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        for table in tables:
            with connection.cursor().copy(f'COPY "{table}" TO STDOUT') as copy:
                lines.append(f"-- {table}\n" + b"".join(bytes(b) for b in copy).decode())
    return "\n".join(lines)


def secret_forms(secret: str) -> set[str]:
    """A voter's secret as it could be written down: as given, in either case, a postal code
    without its dashes, and the hex of its bytes (as a binary column would hold it)."""
    forms = {secret, secret.lower(), secret.upper()}
    forms |= {f.replace("-", "") for f in forms}
    return forms | {f.encode().hex() for f in forms}


def ranking_forms(names: list[str], ids: dict[str, int], paper: list[str]) -> set[str]:
    """A ranking of two or more candidates as it could be stored in plain text: JSON lists
    of candidate ids (how `OpenedBallot` keeps an opened ballot), of 0- and 1-based places
    on the ballot paper, or of names; the names joined by commas (CSV) or by ">" (the
    preference notation); each also as the hex of its bytes."""
    pks = [ids[n] for n in names]
    places = [paper.index(n) for n in names]
    forms = set()
    for values in (pks, places, [p + 1 for p in places], names):
        forms.add(json.dumps(values))
        forms.add(json.dumps(values, separators=(",", ":")))
    for glue in (",", ", ", ">", " > "):
        forms.add(glue.join(names))
    return forms | {f.encode().hex() for f in forms}


HEX = re.compile(r"[0-9a-f]+")


def found_in(text: str, forms: Iterable[str], *, whole: bool = False) -> list[str]:
    """Each form that occurs in ``text`` (a hex form in either case). With ``whole``, a
    sequence of names must not be part of a longer one: ``Ada,Brian`` is not found in
    ``Ada,Brian,Grace`` (the ballot paper itself), as ``[3, 1]`` is not in ``[3, 1, 2]``."""
    lowered = text.lower()
    hits = []
    for form in sorted(set(forms)):
        if HEX.fullmatch(form):
            found = form in lowered
        elif whole and not form.startswith("["):
            found = re.search(rf"(?<![\w,>]){re.escape(form)}(?!\w|\s*[,>]\s*\w)",
                              text) is not None
        else:
            found = form in text
        if found:
            hits.append(form)
    return hits


def candidate_ids(database: str, slug: str) -> tuple[dict[str, int], list[str]]:
    """Each candidate's primary key, and the ballot paper's names in order."""
    from tests.web.databases import using_database

    with using_database(database):
        from psephos.contests.models import Candidate

        rows = list(Candidate.objects.filter(contest__slug=slug).order_by("order", "pk")
                    .values_list("name", "pk", "on_ballot"))
    return {name: pk for name, pk, _ in rows}, [name for name, _, on in rows if on]


def log_text(output: list[str]) -> str:
    return "\n".join(output)


def secrets_of(links: dict[str, str], codes: dict[str, str], extra: Any = ()) -> set[str]:
    """Every voting token and postal code the test has seen."""
    tokens = {link.rstrip("/").rsplit("/", 1)[1] for link in links.values()}
    return tokens | set(codes.values()) | set(extra)
