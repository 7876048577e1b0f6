"""Request bodies of the routes the emulator serves, as pydantic models, one module per resource.

Unknown keys are rejected where HoneyHive rejects them (and wherever a typo would silently lose
data: export/search queries, event updates). Types are strict, as a JSON-schema (zod) validator
checks them: `"5"` is not a number and `true` is not a limit. Validation errors become a 400
naming the field.
"""
