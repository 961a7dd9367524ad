"""``python -m claimbench``: the command line."""

import sys

from claimbench.cli import main

if __name__ == "__main__":
    sys.exit(main())
