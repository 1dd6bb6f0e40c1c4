"""``python -m massage_ctl`` — same as the ``massage-ctl`` command."""

from massage_ctl.cli.main import main

raise SystemExit(main())
