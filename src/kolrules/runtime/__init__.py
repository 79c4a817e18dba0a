"""What compiled rules and the reference evaluator share: the one copy of the language's
three-valued semantics (``kolrules.runtime.kleene``)."""
