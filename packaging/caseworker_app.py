"""The frozen app's entry point: the same `caseworker` command as the source
tree's (the window, or a verb such as `enrol` or `sync`)."""

import sys

from ui.main import main

if __name__ == "__main__":
    sys.exit(main())
