"""All SQL of the emulator, depending on nothing above it: the database (`store.py`: tenants,
raw payloads, events), the span tree derived on read (`span_tree.py`) and the evaluation records
(`records.py`). Every key starts with the project id: no query crosses tenants."""
