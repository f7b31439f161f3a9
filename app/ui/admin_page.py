"""Admin: add documents and rebuild the index. Only with GOVASSIST_ADMIN_TOKEN set and entered."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from app.resources import IndexWriteError, build_index, index_status, library
from app.settings import Settings
from app.ui.admin_gate import admit_uploads, signed_in
from app.ui.common import escape, settings
from app.ui.documents import (
    clear_uploads,
    remove_section,
    show_notice,
    upload_key,
    upload_limit_mb,
)
from app.uploads import (
    UploadRejected,
    safe_name,
    saved_message,
    store_upload,
    upload_limit_bytes,
)
from index.build import SyncReport
from index.library import LibraryError
from index.lock import IndexBusyError
from index.store import StoreUnavailableError
from ingest.sources import SUPPORTED_SUFFIXES


def rebuild() -> SyncReport | None:
    """Rebuild the index from the corpus and the uploads; None when it could not be rebuilt
    (the index as it was keeps answering)."""
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
            return None
        except Exception as error:  # never a traceback on the page; the live version stays
            status.update(label="The index could not be rebuilt", state="error")
            st.error(
                escape(
                    f"The index could not be rebuilt ({type(error).__name__}: {error}). "
                    "The index as it was before keeps answering."
                )
            )
            return None
        if report.repaired:
            st.warning(escape(f"The index was damaged ({report.repaired}); it was rebuilt."))
        status.update(
            label=index_summary(report), state="complete" if not report.problems else "error"
        )
    # Every session picks up the new index version on its next question (see shared_assistant).
    return report


def index_summary(report: SyncReport, not_added: int = 0) -> str:
    """What a rebuild did, in one line: "Index rebuilt" only when a file was added, changed or
    removed; the uploads refused before indexing (`not_added`) counted beside the rest."""
    changed = report.files_updated or report.files_removed
    refused = f"; {not_added} more not added (below)" if not_added else ""
    head = "Index rebuilt" if changed else "Index unchanged"
    return f"{head}: {report.files_summary()}{refused}; {report.total_chunks} passages."


# What the last save did, shown on the run after it (which draws the upload box empty).
UPLOAD_OUTCOME = "admin_upload_outcome"


def save_and_rebuild(config: Settings, files: list[UploadedFile]) -> None:
    """Store the files, rebuild, then say of each file whether it is in the index: a file
    that could not be read is an error with its reason (and is not kept), never "Saved"."""
    stored: list[tuple[str, Path]] = []
    rejected: list[str] = []
    for file in files:
        try:
            path = store_upload(
                file.name, file.getvalue(), config.uploads_dir,
                upload_limit_bytes(upload_limit_mb(config)),
            )  # fmt: skip
        except UploadRejected as error:
            rejected.append(f"Not added: {error}.")
            continue
        stored.append((file.name, path))
    report = rebuild()
    if report is None:
        # The rebuild's error stays on the page, and the files stay in the box to try again.
        for message in rejected:
            st.error(escape(message))
        for name, path in stored:
            st.warning(
                escape(f"{name} is kept as {path.name} but not yet indexed: rebuild the index.")
            )
        return
    outcome = [("info", index_summary(report, len(rejected))), *(("error", m) for m in rejected)]
    problems = {problem.path.resolve(): problem.reason for problem in report.problems}
    for name, path in stored:
        reason = problems.pop(path.resolve(), None)
        if reason is not None:
            path.unlink(missing_ok=True)  # an upload no ingest can read would fail every one
            outcome.append(
                ("error", f"{name} could not be added: {reason}. The file was not kept.")
            )
        elif path.name == safe_name(name):
            outcome.append(("success", saved_message(name, path)))
        else:
            outcome.append(("warning", saved_message(name, path)))
    for path, reason in problems.items():  # files of the corpus folder, not uploaded here
        outcome.append(("warning", f"Skipped {path.name}: {reason}"))
    st.session_state[UPLOAD_OUTCOME] = outcome
    clear_uploads()
    st.rerun()


def show_upload_outcome() -> None:
    """What the last save did, file by file, once (the page was drawn again after it)."""
    shown = {"info": st.info, "success": st.success, "warning": st.warning, "error": st.error}
    for level, message in st.session_state.pop(UPLOAD_OUTCOME, []):
        shown[level](escape(message))


def uploads_section(config: Settings) -> None:
    """The uploaded documents, each of which can be removed (as in the library)."""
    st.subheader("Uploaded documents")
    try:
        uploaded = [d for d in library(config).documents if d.origin == "upload"]
    except LibraryError as error:
        st.error(escape(str(error)))
        return
    if not uploaded:
        st.caption("None yet.")
        return
    by_id = {d.doc_id: d for d in uploaded}
    chosen = st.selectbox(
        "Uploaded document",
        list(by_id),
        format_func=lambda doc_id: f"{by_id[doc_id].title} ({doc_id})",
        key="admin-upload",
    )
    if chosen:
        remove_section(config, by_id[chosen])


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
    show_notice()
    show_upload_outcome()
    limit_mb = upload_limit_mb(config)
    files = st.file_uploader(
        f"Add documents ({', '.join(SUPPORTED_SUFFIXES)}, up to {limit_mb} MB each)",
        type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES],
        accept_multiple_files=True,
        # The same limit `govassist app` gives Streamlit's server (which enforces it).
        max_upload_size=limit_mb,
        key=upload_key("admin-upload"),
    )
    if files and st.button("Save and rebuild the index", type="primary"):
        save_and_rebuild(config, files)
    elif st.button("Rebuild the index"):
        report = rebuild()
        for problem in report.problems if report else ():
            st.warning(escape(f"Skipped {problem.path.name}: {problem.reason}"))
    uploads_section(config)
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
