"""Reports beyond text and JSON (``kolrules.reporters``): one module per format.

- ``table``: CSV, one row per finding;
- ``page``: one self-contained HTML page;
- ``gaps``: which absent facts would decide the most undetermined findings;
- ``sarif``: rule-file diagnostics as SARIF 2.1.0 and GitHub annotations.
"""
