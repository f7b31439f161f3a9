"""App: the CLI, the Streamlit UI and the features around answering (map, quiz, library, ...)."""
