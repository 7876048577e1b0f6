"""The domain operations, one module per HoneyHive resource: what the routes (and the control
plane) can do, over storage. Each raises the typed errors of `errors.py`; none knows HTTP."""
