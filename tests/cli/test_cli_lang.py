"""``--lang`` (and ``$FUNNEL_LANG``): the command line writes its tables and reports in German,
French or Polish; JSON keys stay English; the language never outlives the command."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from funnel_core.cli.main import main
from funnel_core.domain.i18n import current_language

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "assets" / "example_company.csv"


def _run(capsys, *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_compare_table_in_german_has_german_headers_and_decimal_commas(capsys) -> None:
    out = _run(capsys, "compare", str(EXAMPLE), "--format", "table", "--lang", "de")
    header = out.splitlines()[0]
    assert "Wert" in header and "Haupt-Benchmark" in header
    assert "Besser" in out and "Schlechter" in out
    assert re.search(r"\d+,\d\s%", out)          # 5,0 %
    assert not re.search(r"\d+\.\d\s%", out)     # never 5.0 %
    assert current_language() == "en"


def test_compare_table_stays_english_by_default(capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FUNNEL_LANG", raising=False)
    out = _run(capsys, "compare", str(EXAMPLE), "--format", "table")
    assert out.splitlines()[0].startswith("KPI")
    assert "main benchmark: figure; where you stand; source" in out.splitlines()[0]
    assert re.search(r"\d+\.\d %", out)


@pytest.mark.parametrize(("language", "word"), [("fr", "Meilleur"), ("pl", "Lepiej")])
def test_compare_table_in_french_and_polish(capsys, language: str, word: str) -> None:
    out = _run(capsys, "compare", str(EXAMPLE), "--lang", language)
    assert word in out
    assert re.search(r"\d+,\d\s?%", out)


def test_the_environment_variable_sets_the_language(capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUNNEL_LANG", "de")
    out = _run(capsys, "compare", str(EXAMPLE))
    assert "Haupt-Benchmark" in out
    out = _run(capsys, "compare", str(EXAMPLE), "--lang", "en")  # the flag wins
    assert "main benchmark" in out


def test_json_keys_stay_english_in_every_language(capsys) -> None:
    english = json.loads(_run(capsys, "compare", str(EXAMPLE), "--format", "json"))
    german = json.loads(_run(capsys, "compare", str(EXAMPLE), "--format", "json", "--lang", "de"))

    def keys(value, out: set[str]) -> set[str]:
        if isinstance(value, dict):
            out.update(value)
            for item in value.values():
                keys(item, out)
        elif isinstance(value, list):
            for item in value:
                keys(item, out)
        return out

    assert keys(german, set()) == keys(english, set())
    assert german["kpis"][0]["value"] == english["kpis"][0]["value"]


def test_an_unknown_language_is_a_usage_error(capsys) -> None:
    assert main(["compare", str(EXAMPLE), "--lang", "xx"]) == 2
    assert "usage" in capsys.readouterr().err


def test_report_html_in_polish(tmp_path: Path, capsys) -> None:
    target = tmp_path / "x.html"
    assert main(["report", str(EXAMPLE), "-o", str(target), "--lang", "pl"]) == 0
    page = target.read_text(encoding="utf-8")
    assert '<html lang="pl">' in page
    assert "Największe różnice" in page and "Załącznik: szczegóły do strony 1" in page
    assert re.search(r"\d+,\d%", page)
    assert current_language() == "en"


def test_report_pdf_in_polish(tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:  # pragma: no cover
        pytest.skip("pdftotext is not installed")
    target = tmp_path / "x.pdf"
    assert main(["report", str(EXAMPLE), "-o", str(target), "--lang", "pl"]) == 0
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    assert "Największe różnice" in text
    assert "Podsumowanie dla zarządu".upper() in text
    assert re.search(r"\d+,\d%", text)


def test_whatif_and_targets_tables_follow_the_language(capsys) -> None:
    out = _run(capsys, "whatif", str(EXAMPLE), "--set", "leads=+10%", "--lang", "de")
    assert "Szenario" in out and "* = Wert oder Bewertung geändert" in out
    out = _run(capsys, "targets", str(EXAMPLE), "--lang", "fr")
    assert "nécessaire" in out or "Aucun KPI" in out


def test_python_dash_m_with_lang() -> None:
    """The command as a user runs it: ``python -m funnel_core compare FILE --lang de``."""
    done = subprocess.run([sys.executable, "-m", "funnel_core", "compare", str(EXAMPLE),
                           "--format", "table", "--lang", "de"], capture_output=True, cwd=ROOT,
                          timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode("utf-8")
    assert "Haupt-Benchmark" in out and re.search(r"\d+,\d\s%", out)


def test_cohorts_table_follows_the_language(capsys, tmp_path: Path) -> None:
    source = ROOT / "tests" / "data" / "cohort_monthly.csv"
    if not source.exists():  # pragma: no cover
        pytest.skip("no cohort example")
    english = _run(capsys, "cohorts", str(source))
    german = _run(capsys, "cohorts", str(source), "--lang", "de")
    assert "Summary" in english and "Zusammenfassung" in german
    assert "Kohorte" in german and "Summary" not in german
    assert re.search(r"\d\s%", german)  # 95 %, not 95%

