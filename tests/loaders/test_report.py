"""The progress bar (stderr, TTY only, rows/s) and the rejects CSV."""
import csv
import io

from loaders.report import LoadReport, Progress


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal(monkeypatch):
    monkeypatch.delenv("HILOS_NO_PROGRESS", raising=False)
    quiet = io.StringIO()
    progress = Progress("file.csv", 1000, stream=quiet)
    for _ in range(2000):
        progress.tick(1, 500)
    progress.done()
    assert quiet.getvalue() == ""
    tty = FakeTTY()
    progress = Progress("file.csv", 1000, stream=tty, lang="en")
    progress.last = -10.0  # draw at the next clock check
    for _ in range(Progress.EVERY):
        progress.tick(1, 500)
    progress.done()
    text = tty.getvalue()
    assert "file.csv [" in text and "50%" in text and "rows/s" in text and text.endswith("\n")


def test_rejects_csv_and_summary(tmp_path):
    report = LoadReport("usaspending", lang="en")
    report.rows_read, report.rows_used = 3, 1
    report.reject("a.csv", 2, "total_obligated_amount", "12,3x4", "not an amount", malformed=True)
    report.reject("a.csv", 3, "award_id_piid", "", "no PIID: the award cannot be identified")
    report.merge("Company", "'ACME INC' (no UEI)", "company:acme", "same normalized name 'acme'")
    path = report.write_rejects(tmp_path / "r.csv")
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [r["reason"] for r in rows] == ["not an amount", "no PIID: the award cannot be identified"]
    summary = report.summary()
    assert "rows read: 3; used: 1; rejected: 2" in summary
    assert "rejected 1 × not an amount" in summary and "rejected 1 × no PIID" in summary
    assert "Company 'ACME INC' (no UEI) -> company:acme: same normalized name 'acme'" in summary


def test_rejects_and_merges_csv_cells_never_run_as_spreadsheet_formulas(tmp_path):
    report = LoadReport("usaspending")
    report.reject("a.csv", 7, "recipient_name", '=HYPERLINK("http://x.test","y")', "not an amount", malformed=True)
    report.reject("a.csv", 8, "total_obligated_amount", "-500", "not a date")  # a number to a spreadsheet
    report.reject("a.csv", 9, "recipient_name", "-2+3+cmd|' /C calc'!A0", "no UEI")
    report.merge("Contract", "@SUM(A1)", "product:icm", "linked FOR_PRODUCT: the description names '+cmd'")
    rejects = list(csv.reader(report.write_rejects(tmp_path / "r.csv").open(encoding="utf-8")))
    assert [row[3] for row in rejects[1:]] == ['\'=HYPERLINK("http://x.test","y")', "-500",
                                           "'-2+3+cmd|' /C calc'!A0"]
    report.write_merges(tmp_path / "m.csv")
    [_header, merge] = list(csv.reader((tmp_path / "m.csv").open(encoding="utf-8")))
    assert merge[1] == "'@SUM(A1)" and merge[3] == "linked FOR_PRODUCT: the description names '+cmd'"
