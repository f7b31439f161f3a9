"""The Streamlit pages and what they share. Only this folder and `app/streamlit_app.py` import
streamlit."""
