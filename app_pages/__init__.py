"""The pages of the Streamlit app and the small helpers they share (see app.py)."""
