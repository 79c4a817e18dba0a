"""Generated Python: everything kolrules builds with the ``ast`` module and then runs.

- ``emit``: building and running generated code (names, calls, constants in the namespace,
  ``run``), shared by the generators below;
- ``two_valued``: two-valued Python for an expression (``Generator``), a jurisdiction's scope
  and a presumption's condition (``compile_scope``, ``compile_condition``);
- ``plan``: a jurisdiction's rule versions built from it (``JurisdictionCode``) and the plan of
  each set in force, which decides every rule whose facts are all given;
- ``three_valued``: the rules' three-valued functions, which also name the missing facts
  (``KleeneCode``, and ``KleenePlan`` per set in force);
- ``record_check``: the fast record check generated from ``schema.py`` (``fast_check``).

The package itself imports nothing, so the records layer can use ``record_check`` without
loading the rules' generators.
"""
