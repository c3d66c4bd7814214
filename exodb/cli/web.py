"""``exodb serve``: the database in a web browser (Datasette), read-only."""

from __future__ import annotations

import click

from exodb.cli.common import Context, _user_errors, pass_context


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8001, show_default=True, help="Port."
)
@click.option(
    "--metadata-only",
    "metadata_file",
    type=click.Path(dir_okay=False),
    help="Write Datasette's metadata.json for this database to FILE and stop, for running or "
    "publishing Datasette yourself.",
)
@click.option(
    "--allow-sql",
    is_flag=True,
    help="Offer ad-hoc SQL on an address other than 127.0.0.1 too (there it is off: tables, "
    "facets, search and the canned queries remain).",
)
@pass_context
@_user_errors
def serve_command(
    ctx: Context, host: str, port: int, metadata_file: str | None, allow_sql: bool
) -> None:
    """Browse the database in Datasette, read-only: described tables and columns, facets,
    a search box on studies and the SQL cookbook's questions as canned queries.

    Needs the web extra (pip install 'exodb[web]'), except with --metadata-only.
    """
    import json

    from exodb.cli.common import _database_path
    from exodb.web.metadata import datasette_metadata

    engine = ctx.session().get_bind()
    path = _database_path(ctx)
    if path is None:
        raise click.ClickException(
            "exodb serve serves a SQLite file, and this database is not one; copy it into one "
            "with `exodb export csv DIR` and `exodb --db FILE.sqlite seed DIR`, then serve that"
        )
    metadata = datasette_metadata(engine, path.stem)
    if metadata_file:
        from exodb.cli.common import write

        write(json.dumps(metadata, indent=2, ensure_ascii=False) + "\n", metadata_file)
        return
    from exodb.web.serve import is_loopback, prepare, run

    local = is_loopback(host)
    sql = local or allow_sql
    app = prepare(path, metadata, host, port, allow_sql=sql)
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    click.echo(f"exodb: serving {path} read-only at {url} (Ctrl-C stops)", err=True)
    if not local:
        click.echo(
            f"exodb: listening on {host}: anyone who can reach this address can read the "
            "whole database"
            + ("" if allow_sql else "; ad-hoc SQL is off (--allow-sql turns it on)"),
            err=True,
        )
    run(app, host, port)
