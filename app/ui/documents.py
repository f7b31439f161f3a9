"""What the Library and Admin pages share: the upload size limit, and removing a document
(asked first, then done, then told on the next run)."""

from __future__ import annotations

import math

import streamlit as st

from app.resources import IndexWriteError, remove_document
from app.settings import Settings
from app.ui.common import escape
from app.uploads import UploadRejected
from index.library import Document, LibraryError
from index.lock import IndexBusyError
from index.store import StoreUnavailableError

# What goes wrong in a change that the page explains instead of showing a traceback.
CHANGE_ERRORS = (LibraryError, UploadRejected, IndexWriteError, IndexBusyError,
                 StoreUnavailableError)  # fmt: skip


def upload_limit_mb(config: Settings) -> int:
    """The per-file upload limit in whole megabytes: the one number the page states, the
    upload widget enforces and the app checks. Streamlit takes whole megabytes only, and
    `govassist app` gives its server this same number (GOVASSIST_UPLOAD_MAX_MB rounded up)."""
    return math.ceil(config.upload_max_mb)


def on_wait(holder: str) -> None:
    """Say that a change waits for another writer of the index."""
    st.info(escape(f"The index is being written by {holder}; this change waits for it."))


# A change empties the upload boxes: a new key is a new, empty widget. A file left in the box
# after it was added reads as not yet added, and a second click would add it again.
UPLOAD_ROUND = "upload_round"


def upload_key(name: str) -> str:
    """The key of an upload box, new after every change."""
    return f"{name}-{st.session_state.get(UPLOAD_ROUND, 0)}"


def clear_uploads() -> None:
    """Draw every upload box empty on the next run."""
    st.session_state[UPLOAD_ROUND] = st.session_state.get(UPLOAD_ROUND, 0) + 1


def done(message: str) -> None:
    """Tell the admin on the next run (the page is drawn again from the new index)."""
    st.session_state["library_notice"] = message
    st.session_state.pop("library_confirm", None)
    clear_uploads()
    st.rerun()


def show_notice() -> None:
    """The outcome of the last change, once."""
    if notice := st.session_state.pop("library_notice", None):
        st.success(escape(notice))


def _what_removal_does(document: Document) -> str:
    if document.origin == "upload":
        return "The uploaded file is deleted from the uploads folder."
    return (
        "The file itself is kept (it is not the app's to delete): it is excluded from the "
        "index, and can be included again in the library."
    )


def remove_section(config: Settings, document: Document) -> None:
    """A "Remove" button for `document`, then a confirmation saying what removing does."""
    if st.session_state.get("library_confirm") != document.doc_id:
        # A label is Markdown: a title's image or link would be fetched or followed.
        if st.button(escape(f"Remove {document.title}"), key="library-remove"):
            st.session_state["library_confirm"] = document.doc_id
            st.rerun()
        return
    st.warning(
        escape(
            f"Remove “{document.title}” ({document.doc_id}) from the index? "
            f"{_what_removal_does(document)}"
        )
    )
    yes, cancel = st.columns(2)
    if cancel.button("Cancel", key="library-cancel"):
        st.session_state.pop("library_confirm", None)
        st.rerun()
    if yes.button("Yes, remove it", type="primary", key="library-confirm"):
        try:
            with st.spinner("Removing…"):
                report = remove_document(config, document.doc_id, on_wait=on_wait)
        except CHANGE_ERRORS as error:
            st.session_state.pop("library_confirm", None)
            st.error(escape(str(error)))
            return
        done(f"Removed {document.title}; {report.total_chunks} passages in the index.")
