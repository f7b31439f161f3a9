"""Admin: add documents and rebuild the index. Only with GOVASSIST_ADMIN_TOKEN set and entered."""

from __future__ import annotations

import streamlit as st

from app.resources import IndexWriteError, build_index, index_status
from app.ui.common import escape, settings
from app.uploads import UploadRejected, store_upload, token_matches
from index.store import StoreUnavailableError
from ingest.sources import SUPPORTED_SUFFIXES


def rebuild() -> None:
    config = settings()
    with st.status("Rebuilding the index…", expanded=True) as status:
        bar = st.progress(0.0, text="Reading the documents")

        def on_progress(done: int, total: int, label: str) -> None:
            bar.progress(done / max(total, 1), text=f"Embedding {label}: {done} of {total}")

        try:
            report = build_index(
                config, [config.corpus_dir, config.uploads_dir], on_progress=on_progress
            )
        except (IndexWriteError, StoreUnavailableError) as error:
            status.update(label="The index could not be rebuilt", state="error")
            st.error(escape(str(error)))
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
    entered = st.text_input("Admin token", type="password")
    if not token_matches(entered, config.admin_token):
        if entered:
            st.error("That token is not right.")
        return
    limit = int(config.upload_max_mb * 1_000_000)
    files = st.file_uploader(
        f"Add documents ({', '.join(SUPPORTED_SUFFIXES)}, up to {config.upload_max_mb:g} MB each)",
        type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES],
        accept_multiple_files=True,
    )
    if files and st.button("Save and rebuild the index", type="primary"):
        for file in files:
            try:
                path = store_upload(file.name, file.getvalue(), config.uploads_dir, limit)
                st.success(escape(f"Saved {path.name}"))
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
