"""The ``massage-ctl`` command line. One module per subcommand (``cmd_*.py``)."""
