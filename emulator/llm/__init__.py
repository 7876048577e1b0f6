"""An OpenAI-compatible HTTP front in front of a real small model (SmolLM2 via llama.cpp).

Run it with ``python -m emulator.llm --port 0``; see README.md in this folder.
"""
