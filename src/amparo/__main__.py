"""``python -m amparo`` runs the same command line as ``amparo``."""

from amparo.cli import main

if __name__ == "__main__":
    main()
