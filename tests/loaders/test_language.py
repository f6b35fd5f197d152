"""`python -m loaders` speaks Spanish (the default) or English (--lang en): the summary, the progress bar and
the errors; file names, rows, columns and values stay exactly as they are, and the rejects CSV keeps its
English reasons for researchers' scripts."""
import io
import re

import click
import pytest
from click.testing import CliRunner

from graph.cli import cli as graph_cli
from graph.errors import StoreError
from graph.i18n import MESSAGES, Message, error_text
from graph.settings import Neo4jSettings
from graph.types import CLEANERS
from graph.store_neo4j import Neo4jStore
from loaders.cli import cli
from loaders.commands import csv_command, fedramp, usaspending
from loaders.report import LoadReport, Progress
from loaders.sources_io import WRONG_TYPE
from tests.loaders.conftest import AWARDS, BAD_AMOUNT, FIXTURES, ROOT, TRANSACTIONS


def test_the_same_failing_load_in_spanish_and_english_names_the_same_file_row_column_and_value(graph, tmp_path):
    before = graph.snapshot()
    spanish = graph.invoke(usaspending, BAD_AMOUNT, lang="es")
    rejects_es = (tmp_path / "rejects.csv").read_bytes()
    english = graph.invoke(usaspending, BAD_AMOUNT, lang="en")
    assert spanish.exit_code == english.exit_code == 1
    assert (f"{BAD_AMOUNT}, fila 3, columna 'total_obligated_amount': no es un monto: '12,3x4.00' "
            "(y 1 valor mal formado más). No se escribió nada. Corrige el archivo o carga las demás filas con "
            "--skip-invalid.") in spanish.output
    assert (f"{BAD_AMOUNT}, row 3, column 'total_obligated_amount': not an amount: '12,3x4.00' "
            "(and 1 more malformed value). Nothing was written. Fix the file, or load the other rows with "
            "--skip-invalid.") in english.output
    assert graph.snapshot() == before
    # The rejects CSV is for scripts: the same bytes, English reasons, whatever the language of the messages.
    assert rejects_es == (tmp_path / "rejects.csv").read_bytes()
    assert b",not an amount\r\n" in rejects_es and b",not a date\r\n" in rejects_es


def test_the_summary_in_spanish(graph):
    result = graph.invoke(usaspending, BAD_AMOUNT, "--skip-invalid", "--dry-run", lang="es")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert re.fullmatch(r"filas leídas: 3; usadas: 1; rechazadas: 2 \([0-9.]+ s\)", lines[0])
    assert lines[1].startswith("nodos que se escribirían: ") and " creados, " in lines[1]
    assert "  rechazadas 1 × no es un monto" in lines and "  rechazadas 1 × no es una fecha" in lines
    assert lines[-1] == "simulación (--dry-run): no se escribió nada"


def test_merges_are_reported_in_the_chosen_language_and_their_csv_stays_english(graph, tmp_path):
    merges = tmp_path / "merges.csv"
    args = (AWARDS, "--overrides", FIXTURES / "overrides.yaml", "--dry-run", "--merges", merges)
    spanish = graph.invoke(usaspending, *args, lang="es")
    merges_es = merges.read_bytes()
    english = graph.invoke(usaspending, *args, lang="en")
    assert "fusiones (" in spanish.output and "merges (" in english.output
    line = "Company 'ACME SURVEILLANCE, L.L.C.' (UEI ACMESRV0H1J2) -> company:acme-surveillance: "
    assert line + "forzada por el archivo de --overrides" in spanish.output
    assert line + "forced by the overrides file" in english.output
    assert merges_es == merges.read_bytes()
    assert b"company:acme-surveillance,forced by the overrides file\r\n" in merges_es


def test_a_recipient_without_uei_is_said_so_in_the_chosen_language(graph, tmp_path):
    merges = tmp_path / "merges.csv"
    spanish = graph.invoke(usaspending, AWARDS, "--dry-run", "--merges", merges, lang="es")
    assert "'AMAZON WEB SERVICES, INC.' (sin UEI) -> company:amazon-web-services" in spanish.output
    assert b"'AMAZON WEB SERVICES, INC.' (no UEI)" in merges.read_bytes()
    count = len(merges.read_text(encoding="utf-8").splitlines()) - 1
    assert f"fusiones ({count:,}) escritas en {merges}" in spanish.output  # a dry run still writes the CSV, and says so
    english = graph.invoke(usaspending, AWARDS, "--dry-run", lang="en")
    assert "'AMAZON WEB SERVICES, INC.' (no UEI) -> company:amazon-web-services" in english.output


def test_spanish_is_the_default_and_lang_goes_before_or_after_the_command(tmp_path):
    db, missing = str(tmp_path / "g.json"), str(tmp_path / "nope.csv")
    runner = CliRunner()
    default = runner.invoke(cli, ["usaspending", missing, "--backend", "embedded", "--db", db])
    before = runner.invoke(cli, ["--lang", "en", "usaspending", missing, "--backend", "embedded", "--db", db])
    after = runner.invoke(cli, ["usaspending", missing, "--backend", "embedded", "--db", db, "--lang", "en"])
    assert default.exit_code == before.exit_code == after.exit_code == 1
    assert f"Error: {missing}: no se encontró el archivo. No se escribió nada." in default.output
    assert f"Error: {missing}: file not found. Nothing was written." in before.output
    assert after.output == before.output
    seeded = runner.invoke(cli, ["seed", "--dry-run", "--db", db, "--backend", "embedded"])
    assert seeded.exit_code == 0 and "relaciones (no se escribió nada)" in seeded.output


@pytest.mark.parametrize("args", [[], ["usaspending"], ["fedramp"], ["csv"], ["seed"]])
def test_help_speaks_spanish_unless_told_and_shows_the_language_option(args):
    spanish = " ".join(CliRunner().invoke(cli, [*args, "--help"]).output.split())  # as wrapped for the terminal
    assert "--lang [es|en] Idioma de lo que se imprime (por defecto: es)." in spanish
    assert "Mostrar esta ayuda y salir." in spanish
    english = CliRunner().invoke(cli, [*args, "--help", "--lang", "en"])
    assert english.exit_code == 0
    assert "--lang [es|en] Language of what is printed (default: es)." in " ".join(english.output.split())


@pytest.mark.parametrize("group", [cli, graph_cli], ids=["loaders", "graph"])
def test_every_help_text_of_the_command_lines_comes_from_the_catalog(group):
    """An English help text written in the code would stay English in Spanish: each is a catalog key."""
    CliRunner().invoke(group, ["--help"])
    commands = [group, *group.commands.values()]
    helps = [command for command in commands] + [param for command in commands for param in command.params
                                                 if isinstance(param, click.Option)]
    assert [getattr(item, "name", item) for item in helps if getattr(item, "help_key", None) not in MESSAGES] == []


def test_wrong_file_types_and_bad_overrides_in_both_languages(graph, tmp_path):
    json_file = FIXTURES / "fedramp_data.json"
    assert f"{json_file}: parece JSON, no CSV. No se escribió nada." in \
        graph.invoke(usaspending, json_file, lang="es").output
    assert f"{json_file}: looks like JSON, not CSV. Nothing was written." in \
        graph.invoke(usaspending, json_file, lang="en").output
    overrides = tmp_path / "o.yaml"
    overrides.write_text("force: {uei: X}\n")
    spanish = graph.invoke(usaspending, AWARDS, "--overrides", overrides, lang="es")
    assert f"{overrides}, campo 'force': 'force' debe ser una lista. No se escribió nada." in spanish.output


def test_an_unreachable_neo4j_is_said_in_the_chosen_language():
    env = {"NEO4J_URI": "bolt://127.0.0.1:1", "NEO4J_USERNAME": "neo4j", "NEO4J_PASSWORD": "x"}
    spanish = CliRunner().invoke(cli, ["usaspending", str(AWARDS), "--backend", "neo4j"], env=env)
    assert spanish.exit_code == 1
    assert ("Error: No se puede conectar con Neo4j en bolt://127.0.0.1:1: revisa que el servidor esté encendido "
            "y que NEO4J_URI sea correcta. No se escribió nada.\n") == spanish.output
    with pytest.raises(StoreError) as info:
        Neo4jStore.connect(Neo4jSettings("bolt://127.0.0.1:1", "neo4j", "x", "neo4j"))
    assert str(info.value) == error_text(info.value, "en")  # logs and str() stay English
    assert str(info.value).startswith("Cannot reach Neo4j at bolt://127.0.0.1:1: check that the server is running")


def test_the_progress_bar_counts_filas_in_spanish():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = Progress("a.csv", None, stream=stream, enabled=True, lang="es")
    progress.last = -10.0
    for _ in range(Progress.EVERY):
        progress.tick()
    progress.done()
    assert "a.csv: 512 filas, " in stream.getvalue() and " filas/s" in stream.getvalue()


def test_every_message_key_the_code_names_is_in_the_catalog():
    """A typo in a rare error's key would only fail when someone meets that error: check them all now."""
    named = set()
    for path in [*(ROOT / "loaders").glob("*.py"), *(ROOT / "graph").glob("*.py")]:
        named |= set(re.findall(r"""Message\(\s*"([a-z0-9_.]+)\"""", path.read_text(encoding="utf-8")))
    named |= {f"file.wrong_type.{kind}" for kind in WRONG_TYPE}
    named |= {f"valid.{kind}" for kind in CLEANERS}  # a schema property's type, as "not {type}" says it
    assert len(named) > 60
    assert sorted(named - set(MESSAGES)) == []
    with pytest.raises(KeyError):
        Message("file.not_fuond")


def test_nested_messages_render_in_the_same_language():
    reason = Message("merge.uei_recorded", reason=Message("merge.same_name", key="acme"), uei="ABC")
    assert reason.render("es") == "mismo nombre normalizado 'acme'; se le registró el UEI ABC"
    assert str(reason) == "same normalized name 'acme'; UEI ABC recorded on it"


def test_messages_with_other_values_hash_apart_and_equal_ones_alike():
    """A 1M-row load keeps its merges in a set: hashing by key alone made that set a list (26 s became 128 s)."""
    records = {Message("merge.record_no_uei", name=f"VENDOR {number}") for number in range(1000)}
    assert len(records) == 1000 and len({hash(record) for record in records}) > 990
    assert hash(Message("merge.record_uei", name="A", uei="B")) == hash(Message("merge.record_uei", uei="B", name="A"))


def test_an_office_placed_under_a_component_is_an_oficina_in_spanish_and_stays_english_in_its_csv(graph, tmp_path):
    merges = tmp_path / "merges.csv"
    spanish = graph.invoke(usaspending, AWARDS, TRANSACTIONS, "--dry-run", "--merges", merges, lang="es")
    assert "Agency oficina 'ICE HSI INVESTIGATIVE PROGRAMS' -> agency:hsi: colocada bajo agency:hsi" in spanish.output
    assert b"Agency,office 'ICE HSI INVESTIGATIVE PROGRAMS',agency:hsi," in merges.read_bytes()


def test_a_yaml_slip_in_the_overrides_is_one_line_naming_where_and_a_missing_file_is_said_so(graph, tmp_path):
    overrides = tmp_path / "o.yaml"
    overrides.write_text("force:\n  - {uei: X}\n  junk\n")
    spanish = graph.invoke(usaspending, AWARDS, "--overrides", overrides, lang="es").output
    assert (f"Error: {overrides}: no se puede leer el archivo de --overrides: error de sintaxis en la línea 4, "
            "columna 1 (could not find expected ':'): revisa la sangría,") in spanish
    assert "<unicode string>" not in spanish and len(spanish.strip().splitlines()) == 1
    missing = graph.invoke(usaspending, AWARDS, "--overrides", tmp_path / "nope.yaml", lang="es").output
    assert "nope.yaml: no se puede leer el archivo de --overrides: no se encontró el archivo." in missing


def test_counts_in_the_summary_are_grouped_by_thousands():
    report = LoadReport("usaspending", lang="es")
    for number in range(1_234):
        report.merge("Company", f"'V{number}'", f"company:v{number}", "same UEI")
    lines = report.summary(max_merges=3).splitlines()
    assert "fusiones (1,234):" in lines and "  ... y 1,231 más (ver --merges)" in lines


def test_a_workbook_under_another_name_is_called_a_workbook(graph, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["AOSNUMBER", "City"])
    book.save(tmp_path / "sheet.xlsx")
    as_csv, as_json = tmp_path / "sheet.csv", tmp_path / "sheet.json"
    as_csv.write_bytes((tmp_path / "sheet.xlsx").read_bytes())
    as_json.write_bytes(as_csv.read_bytes())
    mapped = graph.invoke(csv_command, as_csv, "--mapping", "atlas_of_surveillance", lang="es").output
    assert (f"{as_csv}: es un libro de Excel, pero su nombre no termina en .xlsx: cámbiale el nombre para que "
            "termine en .xlsx y cárgalo de nuevo. No se escribió nada.") in mapped
    no_extension = tmp_path / "sheet"
    no_extension.write_bytes(b"a,b\n1,2\n")
    assert f"{no_extension}: tipo de archivo no admitido (sin extensión): se espera" in \
        graph.invoke(usaspending, no_extension, lang="es").output
    assert f"{as_json}: is an Excel workbook, not JSON: download the FedRAMP Marketplace JSON file" in \
        graph.invoke(fedramp, as_json, lang="en").output
