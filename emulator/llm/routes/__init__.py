"""The HTTP routes: OpenAI's (``chat``, ``embeddings``, ``models``) behind ``gate`` (key check,
injected latency and faults, request log), and the control plane (``control``)."""
