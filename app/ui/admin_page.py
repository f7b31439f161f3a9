"""Admin: add documents and rebuild the index. Only with GOVASSIST_ADMIN_TOKEN set and entered."""

from __future__ import annotations

import math

import streamlit as st

from app.resources import IndexWriteError, build_index, index_status
from app.ui.admin_gate import admit_uploads, signed_in
from app.ui.common import escape, settings
from app.uploads import (
    UploadRejected,
    safe_name,
    saved_message,
    store_upload,
    upload_limit_bytes,
)
from index.lock import IndexBusyError
from index.store import StoreUnavailableError
from ingest.sources import SUPPORTED_SUFFIXES


def rebuild() -> None:
    config = settings()
    with st.status("Rebuilding the index…", expanded=True) as status:
        bar = st.progress(0.0, text="Reading the documents")

        def on_progress(done: int, total: int, label: str) -> None:
            bar.progress(done / max(total, 1), text=f"Embedding {label}: {done} of {total}")

        def on_wait(holder: str) -> None:
            st.info(
                escape(
                    f"The index is being written by {holder}. This rebuild starts when that "
                    f"one finishes (waiting up to {config.index_wait_s:g} s)."
                )
            )
            bar.progress(0.0, text="Waiting for the other rebuild to finish")

        try:
            report = build_index(
                config, [config.corpus_dir, config.uploads_dir], on_progress=on_progress,
                writer="an admin rebuild in the app", on_wait=on_wait,
            )  # fmt: skip
        except (IndexWriteError, IndexBusyError, StoreUnavailableError) as error:
            status.update(label="The index could not be rebuilt", state="error")
            st.error(escape(str(error)))
            return
        except Exception as error:  # never a traceback on the page; the live version stays
            status.update(label="The index could not be rebuilt", state="error")
            st.error(
                escape(
                    f"The index could not be rebuilt ({type(error).__name__}: {error}). "
                    "The index as it was before keeps answering."
                )
            )
            return
        if report.repaired:
            st.warning(escape(f"The index was damaged ({report.repaired}); it was rebuilt."))
        for problem in report.problems:
            st.warning(escape(f"Skipped {problem.path.name}: {problem.reason}"))
        status.update(
            label=f"Index rebuilt: {report.files_summary()}; {report.total_chunks} passages.",
            state="complete" if not report.problems else "error",
        )
    # Every session picks up the new index version on its next question (see shared_assistant).


def page() -> None:
    st.title("Admin")
    config = settings()
    if not config.admin_token:
        st.info(
            "Uploads and re-indexing are switched off. Set GOVASSIST_ADMIN_TOKEN to enable them."
        )
        return
    if not signed_in(config):
        return
    admit_uploads()
    limit = upload_limit_bytes(config.upload_max_mb)
    files = st.file_uploader(
        f"Add documents ({', '.join(SUPPORTED_SUFFIXES)}, up to {config.upload_max_mb:g} MB each)",
        type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES],
        accept_multiple_files=True,
        # The same limit `govassist app` gives Streamlit's server (which enforces it).
        max_upload_size=math.ceil(config.upload_max_mb),
    )
    if files and st.button("Save and rebuild the index", type="primary"):
        for file in files:
            try:
                path = store_upload(file.name, file.getvalue(), config.uploads_dir, limit)
                message = saved_message(file.name, path)
                if path.name == safe_name(file.name):
                    st.success(escape(message))
                else:
                    st.warning(escape(message))
            except UploadRejected as error:
                st.error(escape(str(error)))
        rebuild()
    elif st.button("Rebuild the index"):
        rebuild()
    manifest = index_status(config)
    if manifest:
        st.caption(f"{len(manifest.files)} documents indexed, built {manifest.built_at}.")
        st.dataframe(
            [
                {"document": e.title, "id": e.doc_id, "passages": e.chunks}
                for e in manifest.files.values()
            ],
            hide_index=True,
        )


page()
