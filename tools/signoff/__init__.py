"""Signing off an SDK release: the candidate SDK against a baseline, one report, one verdict.

    python -m tools.signoff run --candidate 1.7.0 [--baseline 1.6.1]   # what `make signoff` runs
    python -m tools.signoff report --env 1.7.0=DIR --env 1.6.1=DIR     # a merged multi-SDK report
    python -m tools.signoff verdict CANDIDATE_RESULTS BASELINE_RESULTS # the verdict alone
    python -m tools.signoff releases [--last 3] [--pre]                # published versions

`outcomes` reads what each scenario did from Allure results; `verdict` compares the two SDKs;
`postprocess` and `report` make the Allure 3 report; `releases` asks PyPI; `run` drives it all.
"""
