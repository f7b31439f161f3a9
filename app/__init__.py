"""App: the assistant (`Answer`s with citations), the CLI and the Streamlit UI."""
