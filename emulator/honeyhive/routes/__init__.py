"""One router per HoneyHive resource (and one for the control plane); each route parses, calls
its resource's operations, serialises. A route names its fault group where it is declared."""
