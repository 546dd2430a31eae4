"""The table of header aliases: other ways to write each field and context key, by language.

The aliases live in ``assets/header_aliases.csv``, one row per alias::

    field,language,alias
    visitors,en,Website visitors
    new_customers,de,Neukunden
    currency,fr,Devise

``field``
    A canonical field name (:data:`funnel_core.domain.constants.FIELD_NAMES`) or a context
    key (:data:`funnel_core.domain.constants.CONTEXT_FIELDS`: ``period``, ``currency`` ...).
``language``
    ``en``, ``de``, ``fr``, ``pl``, or ``any`` for words used as they are in several
    languages ("Leads", "MQLs"). The language of the names a file uses decides how its
    ambiguous numbers (1.234) are read.
``alias``
    The name as users write it; matching ignores case, spaces, punctuation and accents
    (:func:`funnel_core.inputs.name_keys.normalise_text`).

The canonical name and the label of a field are always accepted and need no row. The file
is read and checked once, when this module is first imported: an unknown field or language,
an empty alias, or one alias (after normalising) given to two fields or context keys -- or
naming another field -- stops with a :class:`HeaderAliasError` that names the file and
row. The same alias listed twice for one field is allowed (spelling variants such as
"Kwartał" and "Kwartal"); the first row gives its language.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from funnel_core.domain.constants import ASSETS_DIR, CONTEXT_FIELDS, FIELDS
from funnel_core.inputs.name_keys import normalise_text

__all__ = [
    "ALIAS_LANGUAGES",
    "CONTEXT_KEY_ALIASES",
    "FIELD_ALIASES",
    "HEADER_ALIASES",
    "HEADER_ALIASES_FILE",
    "HeaderAliasError",
    "HeaderAliases",
    "load_header_aliases",
]

#: The shipped alias table.
HEADER_ALIASES_FILE: Path = ASSETS_DIR / "header_aliases.csv"
#: Values of the ``language`` column.
ALIAS_LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "pl", "any")
_COLUMNS: tuple[str, ...] = ("field", "language", "alias")

#: target -> language -> aliases, in the order of the file.
AliasTable = dict[str, dict[str, tuple[str, ...]]]


class HeaderAliasError(ValueError):
    """The alias table has a bad row; the message names the file and the row."""


@dataclass(frozen=True)
class HeaderAliases:
    """The alias table, split into metric fields and context keys.

    Attributes
    ----------
    fields : dict
        Canonical field name -> language -> aliases (fields without a row are absent).
    context_keys : dict
        Context key -> language -> aliases.
    """

    fields: AliasTable
    context_keys: AliasTable


def _read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """The data rows of the file with their 1-based row numbers (the header is row 1)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None or tuple(c.strip() for c in header) != _COLUMNS:
                raise HeaderAliasError(
                    f"{path}, row 1: the columns must be {', '.join(_COLUMNS)}; found "
                    f"{', '.join(header) if header else 'an empty file'}"
                )
            return [(reader.line_num, row) for row in reader]
    except OSError as exc:
        raise HeaderAliasError(f"{path}: cannot read the alias table: "
                               f"{exc.strerror or exc}") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise HeaderAliasError(f"{path}: the alias table is not readable UTF-8 CSV: {exc}") \
            from None


def load_header_aliases(path: Path | str = HEADER_ALIASES_FILE) -> HeaderAliases:
    """Read and check an alias table (the shipped one by default).

    Parameters
    ----------
    path : Path or str
        A CSV file with the columns ``field``, ``language``, ``alias``.

    Returns
    -------
    HeaderAliases
        Rows in file order; blank rows are skipped.

    Raises
    ------
    HeaderAliasError
        For a missing or unreadable file, other columns, a row without three cells, an
        unknown field or language, an alias that normalises to nothing (``"%"``), or an
        alias that also belongs to another field or context key (as an alias, its name or
        its label). The message names the file and the row.
    """
    path = Path(path)
    # comparison key -> (target, where it comes from) for names, labels and rows so far
    owner: dict[str, tuple[str, str]] = {}
    for spec in FIELDS:
        label = getattr(spec, "label_en", None) or spec.label  # English, whatever the session speaks
        owner.setdefault(normalise_text(spec.name), (spec.name, f"the name of {spec.name!r}"))
        owner.setdefault(normalise_text(label),
                         (spec.name, f"the label of {spec.name!r} ({label!r})"))
    for key in CONTEXT_FIELDS:
        owner.setdefault(normalise_text(key), (key, f"the name of context key {key!r}"))
    field_names = {spec.name for spec in FIELDS}
    fields: AliasTable = {}
    context_keys: AliasTable = {}
    for row_number, row in _read_rows(path):
        if not any(cell.strip() for cell in row):
            continue
        where = f"{path}, row {row_number}"
        if len(row) != len(_COLUMNS):
            raise HeaderAliasError(f"{where}: expected 3 cells (field, language, alias), "
                                   f"found {len(row)}")
        target, language, alias = (cell.strip() for cell in row)
        if target in field_names:
            table = fields
        elif target in CONTEXT_FIELDS:
            table = context_keys
        else:
            raise HeaderAliasError(f"{where}: unknown field {target!r}; use a field name such "
                                   f"as 'new_customers' or a context key "
                                   f"({', '.join(CONTEXT_FIELDS)})")
        if language not in ALIAS_LANGUAGES:
            raise HeaderAliasError(f"{where}: unknown language {language!r} for alias "
                                   f"{alias!r}; use one of {', '.join(ALIAS_LANGUAGES)}")
        key = normalise_text(alias)
        if not key:
            raise HeaderAliasError(f"{where}: the alias {alias!r} has no letters or digits")
        other, known_as = owner.setdefault(
            key, (target, f"an alias of {target!r} (row {row_number}, {alias!r})"))
        if other != target:
            raise HeaderAliasError(f"{where}: the alias {alias!r} for {target!r} is already "
                                   f"{known_as}; one alias can name one field only")
        by_language = table.setdefault(target, {})
        by_language[language] = by_language.get(language, ()) + (alias,)
    return HeaderAliases(fields=fields, context_keys=context_keys)


#: The shipped table, read once.
HEADER_ALIASES: HeaderAliases = load_header_aliases()
#: Canonical field -> language -> other ways to write it.
FIELD_ALIASES: AliasTable = HEADER_ALIASES.fields
#: Context key -> language -> ways to write it. Period words that name a date column
#: (month, date ...) map to "period" too: in a long file their value is the period's label
#: or length.
CONTEXT_KEY_ALIASES: AliasTable = HEADER_ALIASES.context_keys
