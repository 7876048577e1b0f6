"""The wrapped llama.cpp server: loaded in this process (``server``), called over loopback HTTP
(``client``)."""
