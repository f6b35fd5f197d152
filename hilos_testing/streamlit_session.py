"""A Streamlit session without a browser: Streamlit's own websocket protocol, spoken as the browser speaks it.

The load test stands for a room of phones: each phone draws its page with its
own CPU, so what the server owes the room is its side of the protocol. This
client opens a session the way Streamlit's frontend does (the page, then
/_stcore/health and /_stcore/host-config, then the /_stcore/stream websocket
with the "streamlit" subprotocol and the page's Origin), asks for reruns with
BackMsg rerun_script (query string, widget states, page, context) and reads
ForwardMsgs until script_finished, keeping what the browser keeps: the widgets
of the last run and their values, the URL's query string, the app's pages.

Widget values are sent as the frontend sends them: every widget of the last run
with its value (the one typed, else the one the server set, else its default),
and buttons and custom components only when used. It speaks the widgets the
explorer's pages use; any other widget raises ProtocolError rather than sending
a state the browser would not. No auth cookies and no forward-message cache:
Hilos uses neither.
"""
from __future__ import annotations

import asyncio
import re
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Coroutine, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.WidgetStates_pb2 import WidgetState

SIDEBAR = 1  # the first index of a delta path: 0 main, 1 sidebar
# Sent only when pressed, or (a custom component) when its own code sets a value: Hilos's graph, on a click.
NOT_SENT_UNTIL_USED = frozenset({"button", "download_button", "component_instance"})
T = TypeVar("T")
# CommonMark's backslash escapes, as app_pages.markup writes them, and its invisible word joiner.
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_WORD_JOINER = "\u2060"
HEADERS = {"Accept-Language": "en-US,en;q=0.9"}  # as the test's chromium sends them


class ProtocolError(RuntimeError):
    """The server answered something this client (or a browser) would not expect."""


@dataclass
class Widget:
    """A widget of the last run: what it is, where it is, and the value the browser would send."""

    kind: str
    proto: Any
    in_sidebar: bool
    value: Any = None


@dataclass
class Run:
    """One rerun as the server answered it: seconds from asking to script_finished, and what it drew."""

    seconds: float
    elements: list[Any] = field(default_factory=list)  # the new Element protos, in order
    messages: int = 0  # ForwardMsgs the server sent for the run, script_finished included
    size: int = 0  # their bytes on the websocket

    def texts(self) -> list[str]:
        """What a reader sees of each text element and link: Markdown escapes removed."""
        shown = []
        for element in self.elements:
            kind = element.WhichOneof("type")
            if kind == "markdown":
                shown.append(element.markdown.body)
            elif kind == "page_link":
                shown.append(element.page_link.label)
            elif kind == "heading":
                shown.append(element.heading.body)
            elif kind == "alert":
                shown.append(element.alert.body)
        return [_ESCAPED.sub(r"\1", text).replace(_WORD_JOINER, "") for text in shown]


def _default(kind: str, proto: Any) -> Any:
    """The value the frontend takes for a widget new to it, or one the server sets: the server's, else the default."""
    if kind == "text_input":
        return proto.value if proto.set_value else (proto.default if proto.HasField("default") else None)
    if kind == "radio":
        if proto.set_value:
            return proto.raw_value
        return proto.options[proto.default] if proto.HasField("default") else None
    if kind == "button_group":
        return list(proto.raw_values) if proto.set_value else [proto.options[i].content for i in proto.default]
    if kind == "multiselect":
        return list(proto.raw_values) if proto.set_value else [proto.options[i] for i in proto.default]
    if kind == "number_input":
        return proto.value if proto.set_value else (proto.default if proto.HasField("default") else None)
    if kind == "slider":
        return list(proto.value) if proto.set_value else list(proto.default)
    raise ProtocolError(f"this client does not speak the {kind} widget")


def _state(widget_id: str, widget: Widget) -> WidgetState | None:
    """The WidgetState the frontend sends for `widget`; None when it sends none (no value yet)."""
    if widget.value is None:
        return None
    state = WidgetState(id=widget_id)
    if widget.kind in ("text_input", "radio"):
        state.string_value = widget.value
    elif widget.kind in ("button_group", "multiselect"):
        state.string_array_value.data[:] = widget.value
    elif widget.kind == "number_input":
        if widget.proto.data_type == NumberInput.INT:
            state.int_value = int(widget.value)
        else:
            state.double_value = float(widget.value)
    elif widget.kind == "slider":
        state.double_array_value.data[:] = widget.value
    return state


class StreamlitSession:
    """One browser tab's session with a Streamlit app at `url` (http://host:port), opened at `path`."""

    def __init__(self, url: str, path: str, query: str = "", timeout: float = 60) -> None:
        self.url = url.rstrip("/")
        self.page_name = path.strip("/")
        self.query = query
        self.timeout = timeout
        self.widgets: dict[str, Widget] = {}
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.page_hash = ""
        self._socket: Any = None

    async def open(self) -> Run:
        """Load the page as a browser does, connect, and run the script once (the page's first draw)."""
        for path in (f"/{self.page_name}?{self.query}", "/_stcore/health", "/_stcore/host-config"):
            await asyncio.to_thread(self._fetch, path)  # not on the event loop other sessions share
        address = urlsplit(self.url)
        self._socket = await websockets.connect(
            f"ws://{address.netloc}/_stcore/stream", subprotocols=["streamlit"], origin=self.url,
            additional_headers=HEADERS, max_size=None, open_timeout=self.timeout)
        return await self.rerun(first=True)

    def _fetch(self, path: str) -> None:
        request = urllib.request.Request(self.url + path, headers=HEADERS)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            response.read()

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()

    def widget(self, label: str) -> tuple[str, Widget]:
        """The widget of the last run labelled `label`; ProtocolError if there is none."""
        for widget_id, widget in self.widgets.items():
            if getattr(widget.proto, "label", None) == label:
                return widget_id, widget
        raise ProtocolError(f"no widget labelled {label!r} in the last run")

    async def enter(self, label: str, text: str) -> Run:
        """Type `text` into the text box labelled `label` and press Enter (one rerun)."""
        _, widget = self.widget(label)
        widget.value = text
        if widget.proto.query_param_key:  # a bound widget: the frontend writes it to the URL
            params = dict(parse_qsl(self.query, keep_blank_values=True))
            params[widget.proto.query_param_key] = text
            self.query = urlencode(params)
        return await self.rerun()

    async def go(self, url_path: str, query: str) -> Run:
        """Follow a link to the page at `url_path` with `query`: the main area's widgets are left behind."""
        if url_path not in self.pages:
            raise ProtocolError(f"the app has no page at /{url_path}")
        self.page_name, self.page_hash, self.query = url_path, self.pages[url_path], query
        self.widgets = {key: widget for key, widget in self.widgets.items() if widget.in_sidebar}
        return await self.rerun()

    async def rerun(self, first: bool = False) -> Run:
        """Ask for a rerun with the current URL and widget values; the run, once the script has finished."""
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = self.query
        if first:
            rerun.page_name = self.page_name
        else:
            rerun.page_script_hash = self.page_hash
        states = (_state(widget_id, widget) for widget_id, widget in self.widgets.items())
        rerun.widget_states.widgets.extend(state for state in states if state is not None)
        context = rerun.context_info
        context.timezone, context.timezone_offset, context.locale = "UTC", 0, "en-US"
        context.url, context.is_embedded, context.color_scheme = f"{self.url}/{self.page_name}", False, "light"
        began = time.monotonic()
        await self._socket.send(message.SerializeToString())
        run = Run(0.0)
        self.widgets = await self._read_run(run)
        run.seconds = time.monotonic() - began
        return run

    async def _read_run(self, run: Run) -> dict[str, Widget]:
        """ForwardMsgs until script_finished, counted in `run` with the elements drawn; the widgets they hold."""
        widgets: dict[str, Widget] = {}
        deadline = time.monotonic() + self.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ProtocolError(f"no script_finished within {self.timeout:g} s")
            frame = await _receive(self._socket, left)
            run.messages, run.size = run.messages + 1, run.size + len(frame)
            message = ForwardMsg.FromString(frame)
            kind = message.WhichOneof("type")
            if kind == "script_finished":
                return widgets
            if kind == "new_session":
                self.page_hash = message.new_session.page_script_hash
            elif kind == "navigation":
                self.pages = {page.url_pathname: page.page_script_hash for page in message.navigation.app_pages}
                self.page_hash = message.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query = message.page_info_changed.query_string
            elif kind == "page_not_found":
                raise ProtocolError(f"the server found no page {message.page_not_found.page_name!r}")
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                element = message.delta.new_element
                run.elements.append(element)
                self._keep_widget(element, message.metadata.delta_path[0] == SIDEBAR, widgets)

    def _keep_widget(self, element: Any, in_sidebar: bool, widgets: dict[str, Widget]) -> None:
        kind = element.WhichOneof("type")
        proto = getattr(element, kind)
        widget_id = getattr(proto, "id", "")
        if not widget_id.startswith("$$ID-") or kind in NOT_SENT_UNTIL_USED:
            return
        before = self.widgets.get(widget_id)
        # As the frontend: a widget it already holds keeps its value unless the server sets one.
        value = before.value if before is not None and not proto.set_value else _default(kind, proto)
        widgets[widget_id] = Widget(kind, proto, in_sidebar, value)


async def _receive(socket: Any, timeout: float) -> bytes:
    frame = await asyncio.wait_for(socket.recv(), timeout)
    if isinstance(frame, str):
        raise ProtocolError("Streamlit sends binary protobufs, not text frames")
    return frame


def run_apart(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run in a thread of its own: a test session's sync Playwright keeps an event loop running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
