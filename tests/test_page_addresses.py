"""Every page has a short address of its own on a real `govassist app` server: a browser opening
/admin gets the Admin page, not "Page not found"."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from test_admin_hardening_server import app_server, open_socket

pytestmark = pytest.mark.integration

ADDRESSES = {
    "": "Ask",
    "map": "Governance map",
    "duties": "Duties",
    "training": "Training",
    "library": "Library",
    "admin": "Admin",
}


def open_address(url: str, address: str) -> tuple[str, bool]:
    """What a browser opening `url/address` is shown: the page's title, and whether Streamlit
    said "Page not found" (the message a browser shows)."""
    with open_socket(url) as socket:
        message = BackMsg()
        message.rerun_script.page_name = address  # what the browser sends for the path
        socket.send(message.SerializeToString())
        shown, not_found = "", False
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(socket.recv(timeout=120))
            kind = forward.WhichOneof("type")
            if kind == "page_not_found":
                not_found = True
            elif kind == "navigation":
                titles = {p.page_script_hash: p.page_name for p in forward.navigation.app_pages}
                shown = titles.get(forward.navigation.page_script_hash, "")
            elif kind == "script_finished":
                return shown, not_found


def test_every_page_opens_at_its_short_address(tmp_path: Path) -> None:
    with app_server(tmp_path / "data") as url:
        for address, title in ADDRESSES.items():
            assert open_address(url, address) == (title, False), address
        # The file names are no address: the one people were given before is not found.
        assert open_address(url, "admin_page")[1]
