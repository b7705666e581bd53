"""Reading clicks from Streamlit's selection state; saving uploads safely."""

from __future__ import annotations

from dataclasses import dataclass

from streamlit.elements.plotly_chart import PlotlySelectionState, PlotlyState

from dashboard.selection import clicked_keys
from dashboard.uploads import extension, save_uploads


def state(points):
    return PlotlyState({"selection": PlotlySelectionState(
        {"points": points, "point_indices": [], "box": [], "lasso": []})})


def test_clicked_keys_from_customdata():
    pts = [{"point_index": 3, "customdata": ["Kabul (AF)", "Kabul"]},
           {"point_index": 0, "customdata": ["Doha (QA)"]},
           {"point_index": 3, "customdata": ["Kabul (AF)"]}, {"point_index": 1}]
    assert clicked_keys(state(pts)) == ("Kabul (AF)", "Doha (QA)")
    assert clicked_keys(state([])) == ()
    assert clicked_keys(None) == ()


@dataclass
class FakeUpload:
    name: str
    body: bytes

    @property
    def size(self) -> int:
        return len(self.body)

    def getvalue(self) -> bytes:
        return self.body


def test_uploads_get_generated_names_in_a_private_folder(tmp_path):
    files = [FakeUpload("../../evil.txt", b"a"), FakeUpload("notes.MD", b"b"),
             FakeUpload("run.exe", b"c"), FakeUpload("big.csv", b"x" * (2 * 1024 * 1024))]
    folder, saved, problems = save_uploads(files, max_mb=1, root=tmp_path)
    assert folder.parent == tmp_path
    assert [s.path.name for s in saved] == ["upload_0000.txt", "upload_0001.md"]
    assert all(s.path.parent == folder for s in saved)
    assert [s.original for s in saved] == ["../../evil.txt", "notes.MD"]
    assert len(problems) == 2 and "run.exe" in problems[0] and "big.csv" in problems[1]
    assert not (tmp_path.parent / "evil.txt").exists()


def test_extension():
    assert extension("a.HTML") == "html" and extension("x.jsonl") == "jsonl"
    assert extension("a.txt.exe") is None and extension("noext") is None
    assert extension("..\\..\\a.csv") == "csv"
