"""Workshop mode: what it closes is refused by the server, whatever the URL or the call; the trainer gets the link."""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit import config
from streamlit.testing.v1 import AppTest

from app_pages import story_editor, workshop
from graph.i18n import t
from graph.lan import qr_png
from graph.stories import read_story

ROOT = Path(__file__).resolve().parents[2]
SEED_STORY = ROOT / "seed_data" / "stories" / "quien-esta-detras-de-ice.yaml"


@pytest.fixture
def in_workshop(monkeypatch: pytest.MonkeyPatch, db_path: Path) -> Path:
    """Workshop mode on, the trainer's stories folder next to the graph file."""
    monkeypatch.setenv(workshop.ENV, "1")
    monkeypatch.delenv("HILOS_STORIES", raising=False)
    return db_path.parent / "stories"


@pytest.fixture
def listening_on():
    """Set Streamlit's server.address for one test, as `--server.address` would."""
    before = config.get_option("server.address")
    yield lambda address: config.set_option("server.address", address)
    config.set_option("server.address", before)


def editor_page() -> None:
    from app_pages import story_editor
    from app_pages.common import choose_lang

    choose_lang()
    story_editor.render()


def console_page() -> None:
    from app_pages import console
    from app_pages.common import choose_lang

    choose_lang()
    console.render()


def workshop_page() -> None:
    from app_pages import workshop
    from app_pages.common import choose_lang

    choose_lang()
    workshop.render()


@pytest.mark.parametrize("closed", sorted(workshop.CLOSED_PAGES))
def test_a_link_to_a_closed_page_opens_the_main_page_and_says_why(app, in_workshop, closed):
    app.query_params.update({"lang": "en", "page": closed})
    at = app.run()
    assert not at.exception
    assert [w.value for w in at.warning] == [t("workshop.closed_page", "en")]
    assert at.title[0].value == t("nav.trace", "en")
    assert not [widget for widget in at.text_input if str(widget.key).startswith("editor.")]
    assert not [button for button in at.button if button.key == "editor.save"]


def test_the_same_link_opens_the_editor_outside_workshop_mode(app, db_path):
    app.query_params.update({"lang": "en", "page": "story_editor"})
    at = app.run()
    assert not at.exception and not at.warning
    assert at.title[0].value == t("nav.story_editor", "en")


def test_the_editor_refuses_to_run_in_workshop_mode_even_when_called(in_workshop):
    at = AppTest.from_function(editor_page, default_timeout=60).run()
    assert [error.value for error in at.exception] == ["workshop mode does not allow 'edit'"]
    assert not at.text_input and not at.button


def test_the_console_refuses_to_run_in_workshop_mode_even_when_called(in_workshop):
    at = AppTest.from_function(console_page, default_timeout=60).run()
    assert [error.value for error in at.exception] == ["workshop mode does not allow 'console'"]
    assert not at.text_area and not at.button


def test_saving_a_story_is_refused_and_writes_nothing(in_workshop):
    story = read_story(SEED_STORY)
    with pytest.raises(workshop.Refused) as refused:
        story_editor.save(story)
    assert refused.value.action == "save"
    assert not in_workshop.exists()


def test_saving_works_outside_workshop_mode(db_path, monkeypatch):
    monkeypatch.delenv(workshop.ENV, raising=False)
    monkeypatch.delenv("HILOS_STORIES", raising=False)
    saved = story_editor.save(read_story(SEED_STORY))
    assert saved == db_path.parent / "stories" / SEED_STORY.name and read_story(saved).id == SEED_STORY.stem


@pytest.mark.parametrize("action", workshop.ACTIONS)
def test_every_closed_action_is_refused_in_workshop_mode_only(action, monkeypatch):
    monkeypatch.delenv(workshop.ENV, raising=False)
    workshop.refuse(action)
    monkeypatch.setenv(workshop.ENV, "1")
    with pytest.raises(workshop.Refused):
        workshop.refuse(action)


def test_the_flag_after_double_dash_turns_workshop_mode_on(monkeypatch):
    monkeypatch.delenv(workshop.ENV, raising=False)
    monkeypatch.setattr("sys.argv", ["app.py"])
    assert not workshop.active()
    monkeypatch.setattr("sys.argv", ["app.py", "--workshop"])
    assert workshop.active()


def test_workshop_navigation_leaves_out_the_editor_and_the_console(monkeypatch):
    pages = {name: st.Page(lambda: None, title=name, url_path=name)
             for name in ("trace", "search", "present", "exercises", "story_editor", "console")}
    monkeypatch.delenv(workshop.ENV, raising=False)
    assert list(workshop.open_pages(pages, "en")) == list(pages)
    monkeypatch.setenv(workshop.ENV, "1")
    assert list(workshop.open_pages(pages, "en")) == ["workshop", "trace", "search", "present", "exercises"]


def test_the_trainer_gets_the_room_link_and_its_qr_code(in_workshop, listening_on):
    listening_on("192.0.2.2")
    at = AppTest.from_function(workshop_page, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception and not at.warning
    assert [code.value for code in at.code] == ["http://192.0.2.2:8501/"]
    assert len(at.get("image")) == 1


def test_on_this_computer_only_the_page_says_how_to_open_it_to_the_room(in_workshop, listening_on):
    listening_on("127.0.0.1")
    at = AppTest.from_function(workshop_page, default_timeout=60)
    at.query_params["lang"] = "es"
    at.run()
    assert [w.value for w in at.warning] == [t("workshop.loopback", "es")]
    assert [code.value for code in at.code] == [".venv/bin/python -m app_pages.workshop"]
    assert not at.get("image")


def test_the_qr_code_is_a_png_that_changes_with_the_link():
    first, second = qr_png("http://192.0.2.2:8501/"), qr_png("http://192.0.2.3:8501/")
    assert first.startswith(b"\x89PNG\r\n\x1a\n") and second.startswith(b"\x89PNG") and first != second


def test_the_launcher_stops_without_a_network_address(monkeypatch, capsys):
    monkeypatch.setattr(workshop, "lan_address", lambda: None)
    assert workshop.main([]) == 1
    assert "No local network address" in capsys.readouterr().err
