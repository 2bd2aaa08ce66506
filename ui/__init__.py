"""The Streamlit page (`streamlit run ui/app.py`): app.py wires the small modules beside it."""
