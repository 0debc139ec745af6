"""The Streamlit review screen: page scripts (run by app.py's st.navigation) and their helpers.

Page scripts: login, cases, upload, overview, document, checklist, review, compare, export, users.
Helpers: ``common`` (session, store, model, selection, errors), ``helpers`` (pure functions),
``i18n`` (the app's Dutch and English strings).
"""
