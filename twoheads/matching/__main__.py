"""`python -m twoheads.matching` runs the match command."""

import sys

from twoheads.matching.cli import main

sys.exit(main())
