"""The translation gate: every string of the code is in the catalogues, translated and compiled.

Run with the checkout's Python (`.venv/bin/python .ci/check_translations.py`, or `make
translations`). It copies the checkout's files (those git tracks, plus new files it does not
ignore) to a temporary folder, runs `makemessages -a` there for the `django` and `djangojs`
domains, and fails (exit 1), listing each message with where it is used, when

- a message of the code is missing from the checkout's .po, or the .po has one the code no
  longer uses (messages are compared by context, text and plural text; dates and location
  comments do not count),
- a message of the regenerated catalogue is untranslated or fuzzy,
- `msgfmt -c --check-format` refuses a .po,
- a .mo is not what its .po compiles to (the messages are compared, not the bytes: msgfmt
  versions lay the file out differently),
- the code has strings of a domain that has no .po at all (e.g. "djangojs.po missing").

It ends with a line per domain and language: "django (id): N translated / N total, N fuzzy,
N untranslated". It never writes into the checkout; `make messages` updates the catalogues in
place. Exit status 2: GNU gettext is missing, or makemessages failed.
"""

import ast
import gettext
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = ("django", "djangojs")
# What makemessages must not read: the tests, the benchmark and third-party JavaScript (the
# Makefile's I18N_IGNORE, for `make messages`, is the same list).
IGNORE = ["tests/*", "bench/*", "static/vendor/*"]
TOOLS = ("xgettext", "msgmerge", "msguniq", "msgfmt")
# The environment manage.py gets: development settings, and a database URL that is only parsed
# (nothing connects to it; without one the settings would start the embedded server).
ENVIRONMENT = {"DEBUG": "1", "DATABASE_URL": "postgres://i18n@127.0.0.1:1/i18n"}
# Run in the copy: makemessages for both domains, once Django is sure to read the copy's
# catalogues (LOCALE_PATHS inside it), so that nothing is ever written into the checkout.
MAKEMESSAGES = """
import os, sys
from pathlib import Path
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
here = Path.cwd().resolve()
outside = [str(p) for p in settings.LOCALE_PATHS if not Path(p).resolve().is_relative_to(here)]
if outside:
    sys.exit(f"LOCALE_PATHS outside the copy {here}: {outside}")
for domain in sys.argv[1:]:
    call_command("makemessages", all=True, domain=domain, ignore_patterns=IGNORE, verbosity=0)
"""


@dataclass
class Entry:
    """One message of a .po file."""

    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return self.msgctxt, self.msgid, self.msgid_plural

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return not self.fuzzy and bool(self.msgstr) and all(self.msgstr)

    def describe(self) -> str:
        text = repr(self.msgid) + (f" / {self.msgid_plural!r}" if self.msgid_plural is not None else "")
        text += f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        where = self.references[:3] + ([f"and {len(self.references) - 3} more"] if len(self.references) > 3 else [])
        return f"{text}  {' '.join(where) or '(no location)'}"


def read_po(path: Path) -> list[Entry]:
    """The messages of a .po file, header (msgid "") included, obsolete ones (#~) marked."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int | None] | None = None  # the keyword continuation lines extend

    def start(number: int) -> Entry:
        nonlocal entry
        if entry is None or entry.msgstr:
            entry = Entry(line=number)
            entries.append(entry)
        return entry

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = raw.strip()
        obsolete = text.startswith("#~")
        if obsolete:
            text = text[2:].strip()
            if text.startswith("|"):
                continue
        if not text or (text.startswith("#") and not obsolete):
            if text.startswith("#"):
                current = start(number)
                if text.startswith("#,"):
                    current.flags.update(flag.strip() for flag in text[2:].split(","))
                elif text.startswith("#:"):
                    current.references.extend(text[2:].split())
            target = None
            continue
        if text.startswith('"'):
            if entry is None or target is None:
                raise ValueError(f"{path}:{number}: a string outside a message")
            _extend(entry, target, ast.literal_eval(text))
            continue
        keyword, _, value = text.partition(" ")
        current = start(number) if keyword in ("msgctxt", "msgid") else entry
        if current is None:
            raise ValueError(f"{path}:{number}: {keyword} before msgid")
        current.obsolete = current.obsolete or obsolete
        if keyword.startswith("msgstr["):
            target = ("msgstr", int(keyword[7:-1]))
        elif keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
            target = (keyword, 0 if keyword == "msgstr" else None)
        else:
            raise ValueError(f"{path}:{number}: unknown keyword {keyword!r}")
        _set(current, target, ast.literal_eval(value))
    return entries


def _set(entry: Entry, target: tuple[str, int | None], value: str) -> None:
    name, index = target
    if index is None:
        setattr(entry, name, value)
    else:
        entry.msgstr.extend([""] * (index + 1 - len(entry.msgstr)))
        entry.msgstr[index] = value


def _extend(entry: Entry, target: tuple[str, int | None], value: str) -> None:
    name, index = target
    if index is None:
        setattr(entry, name, (getattr(entry, name) or "") + value)
    else:
        entry.msgstr[index] += value


def messages(path: Path) -> dict[tuple[str | None, str, str | None], Entry]:
    """The live messages of a .po (no header, no obsolete ones) by key; none if it is missing."""
    if not path.is_file():
        return {}
    return {entry.key: entry for entry in read_po(path) if entry.msgid and not entry.obsolete}


def copy_sources(destination: Path) -> None:
    """Copy the files git tracks (and new ones it does not ignore) that exist in the checkout."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in sorted(set(filter(None, listing.split("\0")))):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)


def compiled(mo: Path) -> dict:
    """What a .mo holds: its messages, and the header lines that change how they are read."""
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    info = catalogue.info()
    header = {name: info.get(name) for name in ("content-type", "plural-forms")}
    return {"header": header, **{key: value for key, value in catalogue._catalog.items() if key != ""}}


class Report:
    def __init__(self) -> None:
        self.problems = 0
        self.summary: list[str] = []

    def section(self, title: str, lines: list[str], shown: int | None = None) -> None:
        """Print a list of problems under its title (the first `shown` of them, if given)."""
        if lines:
            self.problems += len(lines)
            print(f"\n{title} ({len(lines)}):")
            for line in lines[:shown]:
                print(f"  {line}")
            if shown is not None and len(lines) > shown:
                print(f"  and {len(lines) - shown} more")


def check_domain(report: Report, work: Path, language: str, domain: str) -> None:
    relative = Path("locale") / language / "LC_MESSAGES"
    po, mo = ROOT / relative / f"{domain}.po", ROOT / relative / f"{domain}.mo"
    name = f"{relative}/{domain}.po"
    current = messages(po)
    fresh = messages(work / relative / f"{domain}.po")
    if not po.is_file() and not fresh:
        report.summary.append(f"{domain} ({language}): no strings in the code, no catalogue")
        return
    if not po.is_file():
        print(f"\n{name} missing: the code has {len(fresh)} strings of this domain (run make messages)")
        report.problems += 1
    missing = [fresh[key] for key in fresh.keys() - current.keys()]
    report.section(
        f"{name}: in the code but not in the catalogue (run make messages)",
        [entry.describe() for entry in sorted(missing, key=lambda e: e.references)],
    )
    obsolete = sorted((current[key] for key in current.keys() - fresh.keys()), key=lambda e: e.line)
    report.section(
        f"{name}: no longer in the code (run make messages)",
        [f"{entry.msgid!r}  {name}:{entry.line}" for entry in obsolete],
    )
    known = [entry for key, entry in sorted(fresh.items(), key=lambda item: item[1].references) if key in current]
    report.section(f"{name}: fuzzy", [entry.describe() for entry in known if entry.fuzzy])
    report.section(
        f"{name}: untranslated",
        [entry.describe() for entry in known if not entry.fuzzy and not entry.translated],
    )
    if po.is_file():
        check_compiled(report, work, po, mo)
    fuzzy = sum(entry.fuzzy for entry in fresh.values())
    translated = sum(entry.translated for entry in fresh.values())
    report.summary.append(
        f"{domain} ({language}): {translated} translated / {len(fresh)} total, {fuzzy} fuzzy, "
        f"{len(fresh) - translated - fuzzy} untranslated"
    )


def check_compiled(report: Report, work: Path, po: Path, mo: Path) -> None:
    """msgfmt's checks of the .po, and the committed .mo against what the .po compiles to."""
    output = work / f"{po.stem}.checked.mo"
    relative = po.relative_to(ROOT)
    result = subprocess.run(
        ["msgfmt", "-c", "--check-format", "-o", str(output), str(relative)], cwd=ROOT, capture_output=True, text=True
    )
    complaints = [line for line in result.stderr.splitlines() if not line.startswith("msgfmt: found")]
    report.section(f"{relative}: msgfmt -c --check-format", complaints)
    if result.returncode != 0:
        if not result.stderr.strip():
            report.section(f"{relative}: msgfmt failed", [f"exit status {result.returncode}"])
        return
    if not mo.is_file():
        report.section(f"{mo.relative_to(ROOT)} missing (run make messages)", ["compile the .po"])
        return
    want, have = compiled(output), compiled(mo)
    stale = sorted((key for key in want.keys() | have.keys() if want.get(key) != have.get(key)), key=str)
    report.section(
        f"{mo.relative_to(ROOT)} is not what {po.name} compiles to (run make messages)",
        [f"{_message(key)}: .po says {_short(want.get(key))}, .mo says {_short(have.get(key))}" for key in stale],
        shown=20,
    )


def _message(key) -> str:
    """A compiled catalogue's key as people read it: the msgid, its plural form, its context."""
    if key == "header":
        return "the header"
    msgid, form = key if isinstance(key, tuple) else (key, None)
    context, _, msgid = msgid.rpartition("\x04")
    return repr(msgid) + (f"[{form}]" if form is not None else "") + (f" (context {context!r})" if context else "")


def _short(value, width: int = 70) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def main() -> int:
    absent = [tool for tool in TOOLS if shutil.which(tool) is None]
    if absent:
        print(f"GNU gettext is missing ({', '.join(absent)}): apt-get install gettext", file=sys.stderr)
        return 2
    languages = sorted(p.parent.name for p in (ROOT / "locale").glob("*/LC_MESSAGES"))
    report = Report()
    with tempfile.TemporaryDirectory(prefix="gudang-i18n-") as temporary:
        work = Path(temporary)
        copy_sources(work)
        script = f"IGNORE = {IGNORE!r}\n{MAKEMESSAGES}"
        # Nothing of this process's environment may point Django at other settings or code.
        inherited = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH")}
        environment = {**inherited, **ENVIRONMENT}
        result = subprocess.run([sys.executable, "-c", script, *DOMAINS], cwd=work, env=environment)
        if result.returncode != 0:
            print("makemessages failed", file=sys.stderr)
            return 2
        for language in languages:
            for domain in DOMAINS:
                check_domain(report, work, language, domain)
    print()
    for line in report.summary:
        print(line)
    if report.problems:
        print(f"translations: {report.problems} problem{'s' if report.problems > 1 else ''}")
        return 1
    print("translations: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
