"""Library: every indexed document, for anyone; removing or replacing one, and the files the
last ingest could not read, only with GOVASSIST_ADMIN_TOKEN set and entered (the Admin page's
check)."""

from __future__ import annotations

import streamlit as st

from app.resources import include_document, library, replace_document
from app.settings import Settings
from app.ui.admin_gate import admit_uploads, signed_in
from app.ui.common import escape, settings
from app.ui.documents import (
    CHANGE_ERRORS,
    done,
    on_wait,
    remove_section,
    show_notice,
    upload_key,
    upload_limit_mb,
)
from app.uploads import upload_limit_bytes
from index.library import (
    Document,
    Exclusion,
    Library,
    LibraryError,
    Skipped,
    size_label,
    to_the_minute,
)
from ingest.sources import SUPPORTED_SUFFIXES

RULES = (
    "Removing a document takes it out of answers, the governance map and the training quiz. "
    "A document uploaded in the app is deleted from the uploads folder. A document of the "
    "shipped corpus (or any folder ingested from the command line) is never deleted: it is "
    "excluded from the index, every later ingest keeps it out, and it can be included again "
    "below. A replacement keeps the document's id, so links, filters and feedback still point "
    "at it; it is stored with the uploads."
)


def documents_table(documents: tuple[Document, ...]) -> None:
    """One row per document: what a reader looks for first, the id (what the command line
    takes) last, so that the columns fit the page beside a long title."""
    st.dataframe(
        [
            {
                "title": d.title,
                "author": d.author,
                "year": str(d.year or ""),
                "format": d.format,
                "pages": str(d.pages or ""),
                "passages": d.passages,
                "size": size_label(d.size),
                "added (UTC)": to_the_minute(d.added),
                "from": d.origin,
                "id": d.doc_id,
            }
            for d in documents
        ],
        hide_index=True,
        column_config={
            # Wide enough for a statutory guidance title on a projector ("Early years
            # foundation stage statutory framework ..." was cut after 25 letters).
            "title": st.column_config.TextColumn(width="large", pinned=True),
            "author": st.column_config.TextColumn(width="medium"),
            "id": st.column_config.TextColumn(width="small"),
        },
    )


def replace_section(config: Settings, document: Document) -> None:
    limit_mb = upload_limit_mb(config)
    file = st.file_uploader(
        f"Replace it with a new file ({', '.join(SUPPORTED_SUFFIXES)}, up to "
        f"{limit_mb} MB); it keeps the id {document.doc_id}",
        type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES],
        max_upload_size=limit_mb,
        key=upload_key(f"library-replace-{document.doc_id}"),
    )
    if file is None or not st.button("Replace the document", key="library-replace"):
        return
    bar = st.progress(0.0, text="Reading the new file")

    def on_progress(done: int, total: int, label: str) -> None:
        bar.progress(done / max(total, 1), text=f"Embedding {label}: {done} of {total}")

    try:
        report = replace_document(
            config, document.doc_id, file.name, file.getvalue(),
            upload_limit_bytes(limit_mb), on_progress=on_progress, on_wait=on_wait,
        )  # fmt: skip
    except CHANGE_ERRORS as error:
        bar.empty()  # nothing is being read any more: a bar left standing says otherwise
        reason = str(error).rstrip(".")
        st.error(escape(f"{reason}. The current version of “{document.title}” stays in use."))
        return
    done(
        f"Replaced {document.title} with {file.name} (id {document.doc_id}); "
        f"{report.chunks_embedded} passages embedded, {report.chunks_kept} kept."
    )


def excluded_section(
    config: Settings, excluded: tuple[Exclusion, ...], indexed: frozenset[str] = frozenset()
) -> None:
    """The files kept out of the index, each with "Include again", except one whose id a
    replacement now holds (`indexed`): that file is the version the replacement took over."""
    st.subheader("Excluded documents")
    if not excluded:
        st.caption("None: every document found is indexed.")
        return
    for number, record in enumerate(excluded):
        left, right = st.columns([4, 1])
        left.markdown(escape(f"{record.title} ({record.doc_id}): {record.path}"))
        if record.doc_id in indexed:
            left.caption(
                "Replaced: the library holds a newer file under this id. To go back to this "
                "one, remove the newer file, then include this one again."
            )
            continue
        if right.button("Include again", key=f"library-include-{number}"):
            try:
                include_document(config, record.doc_id, on_wait=on_wait)
            except CHANGE_ERRORS as error:
                # Said under its row; the rows after it are still drawn.
                left.error(escape(str(error)))
                continue
            done(f"Included {record.title} again.")


def skipped_section(skipped: Skipped) -> None:
    st.subheader("Files the last ingest skipped")
    if not skipped.at:
        st.caption("No ingest has been recorded yet.")
        return
    when = to_the_minute(skipped.at)
    if not skipped.files:
        st.caption(escape(f"None: the last ingest ({skipped.by}, {when} UTC) read every file."))
        return
    st.caption(escape(f"By {skipped.by}, {when} UTC."))
    st.dataframe(
        [{"file": f.path, "reason": f.reason} for f in skipped.files],
        hide_index=True,
    )


def listing(contents: Library) -> None:
    """Every indexed document, for anyone: which documents the answers come from."""
    if not contents.documents:
        st.info(
            "No documents are indexed yet: add some on the Admin page, or run govassist ingest."
        )
        return
    st.caption(
        f"{len(contents.documents)} documents, index built {to_the_minute(contents.built_at)} UTC."
    )
    documents_table(contents.documents)


def changes(config: Settings, contents: Library) -> None:
    """Removing, replacing and including again, and what the last ingest skipped: admins."""
    st.caption(RULES)
    if contents.documents:
        by_id = {d.doc_id: d for d in contents.documents}
        chosen = st.selectbox(
            "Document",
            list(by_id),
            format_func=lambda doc_id: f"{by_id[doc_id].title} ({doc_id})",
            key="library-document",
        )
        if chosen:
            remove_section(config, by_id[chosen])
            replace_section(config, by_id[chosen])
    indexed = frozenset(d.doc_id for d in contents.documents)
    excluded_section(config, contents.excluded, indexed)
    skipped_section(contents.skipped)


def page() -> None:
    st.title("Library")
    config = settings()
    show_notice()
    try:
        contents = library(config)
    except LibraryError as error:
        st.error(escape(str(error)))
        return
    listing(contents)
    st.subheader("Change the library")
    if not config.admin_token:
        st.info("Changing the library is switched off. Set GOVASSIST_ADMIN_TOKEN to enable it.")
        return
    if not signed_in(config):
        return
    admit_uploads()
    changes(config, contents)


page()
