"""The app: Ask (the chat), the governance map, training, the library, admin.

Run with `govassist app` (or `streamlit run app/streamlit_app.py`). The model and the index load
once per server process and are shared by every browser session (see app/ui/common.py).
"""

from __future__ import annotations

import streamlit as st

from app.ui.common import page_icon, page_style

# Presentation mode, for a projector: large type and the sidebar folded away. Read before the
# toggle is drawn, as the page's settings come first. It is kept in the address ("?present=1"),
# so a reload, or an address typed with it ("/map?present=1"), opens in it too.
PRESENT_PARAMETER = "present"
if "presentation" not in st.session_state and st.query_params.get(PRESENT_PARAMETER) == "1":
    st.session_state["presentation"] = True
presenting = bool(st.session_state.get("presentation", False))
st.set_page_config(
    page_title="govassist",
    page_icon=page_icon(),
    layout="wide",
    initial_sidebar_state="collapsed" if presenting else "auto",
)
# Each page's address is its own short name (/admin, /map), not its file's (/admin_page): the
# one people are told and type. Ask, the default, is at "/".
navigation = st.navigation(
    [
        # Material icons ship with Streamlit's own font: no emoji font needed on the server.
        st.Page("ui/ask_page.py", title="Ask", icon=":material/forum:", default=True),
        st.Page("ui/map_page.py", title="Governance map", icon=":material/account_tree:",
                url_path="map"),
        st.Page("ui/duties_page.py", title="Duties", icon=":material/checklist:",
                url_path="duties"),
        st.Page("ui/training_page.py", title="Training", icon=":material/school:",
                url_path="training"),
        st.Page("ui/library_page.py", title="Library", icon=":material/library_books:",
                url_path="library"),
        st.Page("ui/admin_page.py", title="Admin", icon=":material/settings:", url_path="admin"),
    ]
)  # fmt: skip
# Switching presentation on folds the sidebar away once. The page setting above does it on a
# wide screen; on a narrow one (a laptop at 200% zoom: 640 px) Streamlit keeps an open sidebar
# open over half the page, so its own "Collapse sidebar" button is pressed.
FOLD_SIDEBAR = """<script>
(() => {
  const button = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (button) { button.click(); }
})();
</script>"""


def _presentation_switched() -> None:
    st.session_state["fold_sidebar"] = bool(st.session_state.get("presentation"))


st.sidebar.toggle(
    "Presentation mode",
    key="presentation",
    on_change=_presentation_switched,
    help="Large type and the sidebar folded away, for a projector. Open the sidebar (top "
    "left) to switch it off.",
)
if presenting:
    st.query_params[PRESENT_PARAMETER] = "1"  # again on every page: switching pages drops it
elif PRESENT_PARAMETER in st.query_params:
    del st.query_params[PRESENT_PARAMETER]
page_style(presenting)
if st.session_state.pop("fold_sidebar", False):
    st.html(FOLD_SIDEBAR, unsafe_allow_javascript=True)
navigation.run()
