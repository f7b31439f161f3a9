"""Where Streamlit keeps uploaded bytes, bounded: only sessions that entered the admin token may
store files, and each session holds at most a fixed total.

Streamlit's upload endpoint (`PUT /_stcore/upload_file/<session>/<file>`) accepts a file for any
live session, with an XSRF cookie and header the client makes itself, and keeps its bytes in
memory for the session's life: 16 files of 190 MB took a server from 1.96 to 5.0 GB. The endpoint
caps each request at `server.maxUploadSize` while it streams, then hands the bytes to the
runtime's uploaded-file manager; this manager refuses them there, so a refused file is freed with
its request. `govassist app` installs it (see `serve`).
"""

from __future__ import annotations

import logging
import sys
import threading

from starlette.exceptions import HTTPException
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec

log = logging.getLogger(__name__)

# An admin adds a few documents at a time: five files at the size limit (100 MB at 20 MB).
FILES_PER_SESSION = 5


class AdminUploadManager(MemoryUploadedFileManager):
    """Keeps uploads only for admitted (admin) sessions, up to `session_limit` bytes each."""

    session_limit = FILES_PER_SESSION * 20 * 1024 * 1024

    def __init__(self, upload_endpoint: str) -> None:
        super().__init__(upload_endpoint)
        self._admitted: set[str] = set()
        self._admit_lock = threading.Lock()
        self._add_lock = threading.Lock()  # the total is checked and the file added as one step

    def admit(self, session_id: str) -> None:
        """Let this session store uploads (it has entered the admin token)."""
        with self._admit_lock:
            self._admitted.add(session_id)

    def is_admitted(self, session_id: str) -> bool:
        """Whether this session may store uploads."""
        with self._admit_lock:
            return session_id in self._admitted

    def add_file(self, session_id: str, file: UploadedFileRec) -> None:
        """Store the file, or answer the PUT with 403 (not admin) or 413 (session total)."""
        if not self.is_admitted(session_id):
            log.warning("Upload refused: session %s has not entered the admin token", session_id)
            raise HTTPException(status_code=403, detail="Uploads need the admin token")
        with self._add_lock:
            with self._lock:
                held = sum(
                    len(f.data)
                    for file_id, f in self.file_storage.get(session_id, {}).items()
                    if file_id != file.file_id  # a file sent again replaces itself
                )
            if held + len(file.data) > self.session_limit:
                log.warning(
                    "Upload refused: session %s would hold %d bytes, over its %d",
                    session_id, held + len(file.data), self.session_limit,
                )  # fmt: skip
                raise HTTPException(status_code=413, detail="Too much uploaded in this session")
            super().add_file(session_id, file)

    def remove_session_files(self, session_id: str) -> None:
        """The session ended: drop its files and its admission."""
        super().remove_session_files(session_id)
        with self._admit_lock:
            self._admitted.discard(session_id)


def serve(argv: list[str], max_file_mb: int) -> None:
    """Run Streamlit's command line (`argv` after `streamlit`) with the bounded manager."""
    import streamlit.web.server.server as streamlit_server
    from streamlit.web import cli as streamlit_cli

    if not hasattr(streamlit_server, "MemoryUploadedFileManager"):
        raise SystemExit(
            "This Streamlit version builds its upload store differently: see app/upload_server.py"
        )

    AdminUploadManager.session_limit = FILES_PER_SESSION * max_file_mb * 1024 * 1024
    # Streamlit's Server builds its manager from this name when the server starts; there is no
    # setting for it, so the name is pointed at the bounded one before the server is made.
    streamlit_server.MemoryUploadedFileManager = AdminUploadManager  # type: ignore[misc]
    sys.argv = ["streamlit", *argv]
    streamlit_cli.main()


if __name__ == "__main__":  # python -m app.upload_server MAX_FILE_MB run APP_FILE [options]
    # Through the package, so the page's isinstance check sees the same class (not __main__'s).
    from app.upload_server import serve as package_serve

    package_serve(sys.argv[2:], int(sys.argv[1]))
