"""Which honeyhive SDK a run tests: a spec (a published version, a wheel or sdist, a local
checkout, a git URL with a ref) parsed and keyed (`spec`), an overlay virtualenv per SDK built
once and reused (`build`), and the identity of the SDK a Python process imports (`identity`).

    python -m tools.sdk build 1.6.1      # prints the SDK venv's python (built on first use)
    python -m tools.sdk identity         # the SDK this interpreter imports, one line (or --json)
"""
