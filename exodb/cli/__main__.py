"""``python -m exodb.cli`` runs the exodb command."""

from exodb.cli.app import main

if __name__ == "__main__":  # pragma: no cover
    main()
