"""``python -m translator``."""

from .cli import main

main()
