"""One router per HoneyHive resource; each route parses, calls the backend, serialises."""
