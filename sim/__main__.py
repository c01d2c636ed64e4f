"""python -m sim: the borderdrill command line."""

from sim.cli import main

main()
