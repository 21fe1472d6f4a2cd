"""One module per subcommand of ``python -m analysis`` (see :mod:`analysis.cli`)."""
