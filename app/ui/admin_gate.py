"""The admin token, asked for and checked the same way on every admin page (Admin, Library),
with one count of wrong tokens per server process across them."""

from __future__ import annotations

import hashlib
import logging
import math

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from app.admin_access import AttemptLimiter
from app.settings import Settings
from app.upload_server import AdminUploadManager
from app.uploads import token_matches

log = logging.getLogger(__name__)


@st.cache_resource
def _attempts() -> AttemptLimiter:
    """Wrong tokens counted across every session (and admin page) of this server process."""
    return AttemptLimiter()


def _attempt_keys() -> list[str]:
    ctx = get_script_run_ctx()
    keys = [f"session {ctx.session_id if ctx else '?'}"]
    if st.context.ip_address:  # None when the app is reached as "localhost"
        keys.append(f"client {st.context.ip_address}")
    return keys


# The session's sign-in, kept apart from the token box: Streamlit forgets a widget's value when
# its page is left, and an admin going from Admin to Library should not type the token again.
# What is kept is a digest of the token the server had then, so a changed token signs out.
SIGNED_IN_KEY = "admin_signed_in"


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def signed_in(config: Settings) -> bool:
    """The admin token asked for and checked, with wrong tokens limited and logged; once
    right, remembered for the rest of this browser session (until "Sign out")."""
    if config.admin_token and st.session_state.get(SIGNED_IN_KEY) == _token_digest(
        config.admin_token
    ):
        if st.button("Sign out", help="Forget the admin token in this browser session."):
            del st.session_state[SIGNED_IN_KEY]
            st.rerun()
        return True
    entered = st.text_input("Admin token", type="password")
    if not entered:
        return False
    keys, attempts = _attempt_keys(), _attempts()
    wait = attempts.wait_s(keys)
    if wait > 0:
        st.error(f"Too many wrong tokens. Try again in {math.ceil(wait)} seconds.")
        return False
    if token_matches(entered, config.admin_token):
        attempts.succeeded(keys)
        st.session_state[SIGNED_IN_KEY] = _token_digest(config.admin_token)
        return True
    # Count each wrong token once, not again on every rerun while it stays in the box; only
    # its hash is kept.
    digest = hashlib.sha256(entered.encode("utf-8")).hexdigest()
    if st.session_state.get("admin_last_wrong") != digest:
        st.session_state["admin_last_wrong"] = digest
        failures, lockout = attempts.failed(keys)
        log.warning(
            "Wrong admin token (%s): failure %d, locked for %.0f s",
            ", ".join(keys), failures, lockout,
        )  # fmt: skip
        if lockout:
            st.error(f"That token is not right. Try again in {math.ceil(lockout)} seconds.")
            return False
    st.error("That token is not right.")
    return False


def admit_uploads() -> None:
    """Let this session's uploads be kept by the server (see app/upload_server.py)."""
    ctx = get_script_run_ctx()
    if ctx is not None and isinstance(ctx.uploaded_file_mgr, AdminUploadManager):
        ctx.uploaded_file_mgr.admit(ctx.session_id)
