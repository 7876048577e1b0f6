"""Function calling with the real model: ``tools`` + ``tool_choice`` turned into a prompt and a
JSON schema that constrains SmolLM2's output (llama.cpp compiles the schema into a grammar),
and the constrained output turned back into OpenAI ``tool_calls``.

The model answers with one JSON object, the shape llama.cpp's own "generic" tool format uses
for models without a native one::

    {"tool_call": {"name": "<function>", "arguments": {...}}}   a call
    {"response": "<text>"}                                       an answer (tool_choice auto)

``required`` and a named function leave only the first shape (with only the named function);
``auto`` allows both, so the model decides. The arguments are generated under the function's
own ``parameters`` schema, bounded where it leaves strings and arrays open, and a call gets
the tokens that bounded JSON needs whatever ``max_tokens`` says: the arguments always parse as
JSON valid against the schema.

``plan`` is the request side (the prompt and the schema), ``reply`` the reply side (the
model's JSON read back, as OpenAI's choices and stream deltas).
"""
