"""Step definitions, one module per domain concept; each step is one or two lines over support/."""
