"""Messages of the limits, the workbook readers and the billing-export reader in German,
French and Polish: translated, with the file name, row and column kept; English unchanged;
messages written inside the worker process come back in the caller's language."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

import hostile_files as hf
from funnel_core.domain.i18n import current_language, use_language
from funnel_core.inputs.billing_errors import CohortInputError
from funnel_core.inputs.billing_read import read_export
from funnel_core.inputs.isolated import run_isolated, worker_died
from funnel_core.inputs.issues import InputError
from funnel_core.inputs.limits import (
    MIB,
    InputLimitError,
    UploadLimits,
    cell_too_long,
    check_byte_size,
    human_bytes,
    problem_of,
)
from funnel_core.inputs.safe_workbook import check_frame
from funnel_core.inputs.workbook_guard import check_workbook
from funnel_core.inputs.workbook_reader import read_workbook

DATA = Path(__file__).resolve().parents[1] / "data"
AS_OF = "2025-06-30"
LANGUAGES = ("de", "fr", "pl")

#: Words each language's message must contain (the English ones must not appear).
BYTES_WORDS = {"de": "mehr als die erlaubten 20 MB", "fr": "plus que les 20 Mo autorisés",
               "pl": "więcej niż dozwolone 20 MB"}
ROWS_WORDS = {"de": "hat 12 Zeilen, mehr als die erlaubten 10",
              "fr": "a 12 lignes, plus que les 10 autorisées",
              "pl": "ma za dużo wierszy (12, dozwolone: 10)"}
THE_FILE = {"de": "die Datei ", "fr": "le fichier ", "pl": "plik "}
ROW = {"de": "Zeile", "fr": "ligne", "pl": "wiersz"}
NO_USABLE_ROWS = {"de": "keine verwendbaren Zeilen (2 Datenzeilen gelesen); erstes Problem: ",
                  "fr": "aucune ligne exploitable (2 lignes de données lues) ; premier problème : ",
                  "pl": "brak użytecznych wierszy (odczytano 2 wiersze danych); pierwszy problem: "}
NEGATIVE_MRR = {"de": "negativer MRR-Wert ('-5')", "fr": "MRR négatif ('-5')",
                "pl": "ujemne MRR ('-5')"}
MISSING_MONTH = {"de": "fehlender Monat", "fr": "mois manquant", "pl": "brak miesiąca"}
NO_LAYOUT = {"de": "kein verwendbarer Aufbau", "fr": "aucune structure exploitable",
             "pl": "brak użytecznego układu"}
NO_SHEET = {"de": "'wide.xlsx' hat kein Tabellenblatt namens 'Nope'. Die Tabellenblätter sind: "
                  "'Read me', 'Funnel'.",
            "fr": "'wide.xlsx' n'a pas de feuille nommée 'Nope'. Ses feuilles sont : "
                  "'Read me', 'Funnel'.",
            "pl": "'wide.xlsx' nie ma arkusza o nazwie 'Nope'. Arkusze w pliku: "
                  "'Read me', 'Funnel'."}
NOT_READ = {"de": "diese Arbeitsmappe konnte nicht gelesen werden",
            "fr": "ce classeur n'a pas pu être lu",
            "pl": "nie udało się odczytać tego skoroszytu"}


def _xlsx(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


# --- limits ----------------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_a_file_over_the_byte_limit_is_refused_in_the_language(language: str) -> None:
    with use_language(language), pytest.raises(InputLimitError) as info:
        check_byte_size(25 * MIB, "big.xlsx")
    message = info.value.issue.message
    assert message.startswith("'big.xlsx' ")
    assert BYTES_WORDS[language] in message
    assert "more than" not in message and "allowed" not in message
    assert info.value.limit == "upload_bytes" and info.value.file == "big.xlsx"
    with use_language(language):
        assert problem_of(info.value, "big.xlsx").startswith(THE_FILE[language])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_table_over_the_row_limit_is_refused_in_the_language(language: str) -> None:
    frame = pd.DataFrame({"a": ["x"] * 12}, dtype=object)
    with use_language(language), pytest.raises(InputLimitError) as info:
        check_frame(frame, "funnel.xlsx", limits=UploadLimits(table_rows=10))
    assert info.value.issue.message.startswith(f"'funnel.xlsx' {ROWS_WORDS[language]}")
    assert info.value.limit == "table_rows"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_sheet_over_the_limits_names_file_sheet_and_cell_in_the_language(language: str) -> None:
    with use_language(language), pytest.raises(InputLimitError) as info:
        check_workbook(hf.sparse_workbook("XFD1048576"), "sparse.xlsx")
    message = info.value.issue.message
    assert message.startswith("'sparse.xlsx': ") and "XFD1048576" in message
    assert "declares" not in message and "Delete the empty rows" not in message
    assert {"de": "1.048.576", "fr": "1\u00a0048\u00a0576", "pl": "1\u00a0048\u00a0576"}[language] \
        in message  # the row count in the language's number format


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_long_cell_names_its_row_and_column_in_the_language(language: str) -> None:
    with use_language(language):
        error = cell_too_long("paste.csv", 40_000, row=7, column="C")
    message = error.issue.message
    assert message.startswith("'paste.csv' ") and f"{ROW[language]} 7" in message
    assert "C" in message and "characters" not in message


def test_sizes_follow_the_language() -> None:
    size = int(20.5 * MIB)
    assert human_bytes(size) == "20.5 MB"
    with use_language("de"):
        assert human_bytes(size) == "20,5 MB"
    with use_language("fr"):
        assert human_bytes(size) == "20,5 Mo"
    with use_language("pl"):
        assert human_bytes(3) == "3 bajty" and human_bytes(5) == "5 bajtów"


def test_english_limit_messages_are_unchanged() -> None:
    with pytest.raises(InputLimitError) as info:
        check_byte_size(25 * MIB, "big.xlsx")
    assert info.value.issue.message == (
        "'big.xlsx' is 25 MB, more than the 20 MB allowed. Keep only the sheet and the rows you "
        "need (or save it as CSV) and try again.")
    assert problem_of(info.value, "big.xlsx").startswith("the file is 25 MB")
    assert cell_too_long("a.csv", 40_000, row=3, column="B").issue.message.startswith(
        "'a.csv' has a cell (row 3, column 'B') of 40,000 characters, more than the 32,767")


# --- billing exports -------------------------------------------------------------------------

@pytest.mark.parametrize("language", LANGUAGES)
def test_a_billing_export_without_good_rows_is_told_in_the_language(language: str) -> None:
    data = b"customer_id,month,mrr\nc1,2025-01,-5\nc2,2025-02,-7\n"
    with use_language(language), pytest.raises(CohortInputError) as info:
        read_export(data, "export.csv", as_of=AS_OF)
    error = info.value
    assert str(error).startswith("export.csv: ")
    assert error.problem.startswith(NO_USABLE_ROWS[language])
    assert f"{ROW[language]} 2" in error.problem and NEGATIVE_MRR[language] in error.problem
    # what code needs, whatever the language
    assert error.first_issue is not None and error.first_issue.key == "negative MRR"
    assert (error.first_issue.row, error.first_issue.column) == (2, "mrr")
    assert error.summary == NO_USABLE_ROWS[language].split(";")[0].rstrip()


@pytest.mark.parametrize("language", LANGUAGES)
def test_billing_row_problems_are_told_in_the_language(language: str) -> None:
    data = b"customer_id,month,mrr\nc1,2025-01,10\nc2,,20\n"
    with use_language(language):
        export = read_export(data, "export.csv", as_of=AS_OF)
    issue = next(i for i in export.issues if i.row == 3)
    assert issue.message == MISSING_MONTH[language]
    assert issue.column == "month" and issue.key == "missing month"
    with use_language(language):
        assert str(issue).startswith(f"{ROW[language]} 3, ")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_billing_export_over_the_limit_keeps_the_file_name(language: str) -> None:
    with use_language(language), pytest.raises(CohortInputError) as info:
        read_export(hf.sparse_workbook("XFD1048576"), "export.xlsx", as_of=AS_OF)
    assert str(info.value).startswith("export.xlsx: ")
    assert "XFD1048576" in info.value.problem and "sheet" not in info.value.problem


def test_billing_messages_in_english_are_unchanged() -> None:
    with pytest.raises(CohortInputError) as info:
        read_export(b"customer_id,month,mrr\nc1,2025-01,-5\nc2,2025-02,-7\n", "export.csv",
                    as_of=AS_OF)
    assert str(info.value) == ("export.csv: no usable rows (2 data rows read); first problem: "
                               "row 2, column 'mrr': negative MRR ('-5')")
    assert info.value.summary == "no usable rows (2 data rows read)"


# --- the worker process ----------------------------------------------------------------------

def test_the_worker_speaks_the_callers_language() -> None:
    assert run_isolated(current_language, filename="x") == "en"
    with use_language("de"):
        assert run_isolated(current_language, filename="x") == "de"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_message_written_in_the_worker_comes_back_translated(language: str) -> None:
    data = (DATA / "wide.xlsx").read_bytes()
    with use_language(language), pytest.raises(InputError) as info:
        run_isolated(read_workbook, data, "wide.xlsx", ".xlsx", "Nope", filename="wide.xlsx")
    assert info.value.issue.message == NO_SHEET[language]


def test_a_billing_message_written_in_the_worker_comes_back_in_german() -> None:
    data = _xlsx(pd.DataFrame({"name": ["a", "b"], "colour": ["red", "blue"]}))
    with use_language("de"), pytest.raises(CohortInputError) as info:
        read_export(data, "export.xlsx", as_of=AS_OF)  # the sheet is read in the worker
    assert str(info.value).startswith(f"export.xlsx: {NO_LAYOUT['de']}")
    assert "'name', 'colour'" in info.value.problem and "columns seen" not in info.value.problem


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_workbook_could_not_be_read_message_in_the_language(language: str) -> None:
    with use_language(language):
        error = worker_died("sparse.xlsx", "exit code -6")
    assert error.issue.message.startswith(f"'sparse.xlsx': {NOT_READ[language]}")


def test_a_worker_that_dies_is_told_in_german() -> None:
    with use_language("de"), pytest.raises(InputLimitError) as info:
        run_isolated(hf.sleep_then_abort, 0.0, filename="sparse.xlsx")
    assert info.value.issue.message.startswith(f"'sparse.xlsx': {NOT_READ['de']}")
    assert info.value.limit == "worker"
