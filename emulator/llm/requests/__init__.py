"""What an OpenAI request may say, checked with the ``openai`` package's own parameter types
(pydantic, strict) and refused in OpenAI's words: ``body`` (the JSON object), ``params`` (the
checks both routes share and their wording), ``chat`` and ``embeddings`` (each request, parsed
into the dataclass the engine uses)."""
