"""The English messages of the source code, and what each language's catalogue lacks.

Used by ``python dev.py i18n`` (which writes the missing messages of a language as ``.po``
entries to fill in) and by ``tests/domain/test_i18n.py`` (which fails when a language lacks a
message English has, or a translation's placeholders differ). Messages are the first argument
of :func:`~funnel_core.domain.i18n.tr` and :func:`~funnel_core.domain.i18n.mark`, and the first
two of :func:`~funnel_core.domain.i18n.tr_n`, when they are string literals; Babel's Python
extractor finds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from funnel_core.domain.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalogue

__all__ = ["SOURCE_FOLDERS", "Gap", "SourceMessage", "gaps", "po_stub", "source_messages"]

#: Where user-facing text is written, relative to the project's root.
SOURCE_FOLDERS: tuple[str, ...] = ("app.py", "pages", "funnel_core")
KEYWORDS = {"tr": None, "tr_n": (1, 2), "mark": None}


@dataclass(frozen=True)
class SourceMessage:
    """One English message: its text (a pair for plural forms) and where it is written."""

    id: str | tuple[str, str]
    locations: tuple[str, ...]


@dataclass(frozen=True)
class Gap:
    """A message a language lacks (``missing``) or translates with other placeholders."""

    language: str
    message: SourceMessage
    problem: str  # "missing" or "placeholders"


def _files(root: Path) -> list[Path]:
    files: list[Path] = []
    for name in SOURCE_FOLDERS:
        path = root / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(p for p in sorted(path.rglob("*.py")) if "__pycache__" not in p.parts)
    return files


def source_messages(root: Path) -> list[SourceMessage]:
    """Every literal message of the source under ``root``, once each, in order of first use."""
    from babel.messages.extract import extract

    found: dict[str | tuple[str, str], list[str]] = {}
    for path in _files(root):
        with path.open("rb") as handle:
            for line, message, _, _ in extract("python", handle, keywords=KEYWORDS, comment_tags=(),
                                               options={}, strip_comment_tags=False):
                if isinstance(message, tuple):
                    if len(message) < 2 or not message[0] or not message[1]:
                        continue
                    key: str | tuple[str, str] = (message[0], message[1])
                elif not message:
                    continue
                else:
                    key = message
                found.setdefault(key, []).append(f"{path.relative_to(root)}:{line}")
    return [SourceMessage(key, tuple(places)) for key, places in found.items()]


def gaps(root: Path, languages: tuple[str, ...] | None = None) -> list[Gap]:
    """What each language (default: all but English) lacks of the source's messages."""
    messages = source_messages(root)
    result: list[Gap] = []
    for language in languages or tuple(code for code in LANGUAGES if code != DEFAULT_LANGUAGE):
        catalogue.cache_clear()
        book = catalogue(language)
        for message in messages:
            if isinstance(message.id, tuple):
                if message.id not in book.plurals:
                    problem = "placeholders" if message.id[0] in book.rejected else "missing"
                    result.append(Gap(language, message, problem))
            elif message.id not in book.messages:
                problem = "placeholders" if message.id in book.rejected else "missing"
                result.append(Gap(language, message, problem))
    return result


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def po_stub(gap_list: list[Gap]) -> str:
    """``.po`` entries with empty translations for ``gap_list`` (to be filled in)."""
    lines: list[str] = []
    for gap in gap_list:
        message = gap.message
        lines.append("#: " + " ".join(message.locations[:3]))
        if isinstance(message.id, tuple):
            lines += [f"msgid {_quote(message.id[0])}", f"msgid_plural {_quote(message.id[1])}"]
            forms = 3 if gap.language == "pl" else 2
            lines += [f'msgstr[{i}] ""' for i in range(forms)]
        else:
            lines += [f"msgid {_quote(message.id)}", 'msgstr ""']
        lines.append("")
    return "\n".join(lines)


PO_HEADER = '''# {name} messages of the SaaS funnel benchmarks app, {language_name}.
# English is the source language; see README.md, "Adding a language".
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: {language}\\n"

'''


def main(argv: list[str] | None = None) -> int:
    """``python -m funnel_core.domain.i18n_source [--only PATH] [--write AREA] [LANG ...]``.

    Prints how many messages each language lacks; ``--write AREA`` appends their empty
    entries to ``assets/locales/<lang>/<AREA>.po`` (created with a header), to be filled in.
    ``--only`` keeps the messages written under that path (``pages/results.py``, ``funnel_core/inputs``).
    """
    import argparse

    from funnel_core.domain.i18n import LOCALES_DIR

    parser = argparse.ArgumentParser(prog="python dev.py i18n", description=main.__doc__)
    parser.add_argument("languages", nargs="*", help="de, fr, pl (default: all three)")
    parser.add_argument("--only", action="append", default=[], metavar="PATH")
    parser.add_argument("--write", metavar="AREA", help="append the missing entries to AREA.po")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parents[2]
    languages = tuple(args.languages) or None
    found = gaps(root, languages)
    if args.only:
        found = [g for g in found if any(loc.startswith(tuple(args.only)) for loc in g.message.locations)]
    by_language: dict[str, list[Gap]] = {}
    for gap in found:
        by_language.setdefault(gap.language, []).append(gap)
    for language in languages or tuple(c for c in LANGUAGES if c != DEFAULT_LANGUAGE):
        items = by_language.get(language, [])
        wrong = sum(1 for g in items if g.problem == "placeholders")
        print(f"{language}: {len(items) - wrong} missing, {wrong} with other placeholders")
        for gap in items if not args.write else []:
            print(f"  {gap.problem}: {gap.message.id!r} ({gap.message.locations[0]})")
        if args.write and items:
            path = LOCALES_DIR / language / f"{args.write}.po"
            path.parent.mkdir(parents=True, exist_ok=True)
            text = "" if path.exists() else PO_HEADER.format(name=args.write, language=language,
                                                            language_name=LANGUAGES[language])
            with path.open("a", encoding="utf-8") as handle:
                handle.write(text + po_stub([g for g in items if g.problem == "missing"]) + "\n")
            print(f"  appended to {path.relative_to(root)}")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
