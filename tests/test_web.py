"""The web UI: Datasette's metadata generated from the schema, `exodb serve`, and a real browser.

The metadata is checked without Datasette; the served pages through Datasette's own in-process
client; and what a reader sees in Debian's Chromium, driven by Selenium with Debian's
chromium-driver (no browser is downloaded). The browser tests skip, saying why, where no browser
is installed, unless EXODB_REQUIRE_BROWSER is set (as .ci/run does once it has installed one).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from urllib.parse import urlencode

import pytest

from exodb.cli import main
from exodb.console.sql import run_sql
from exodb.schema.describe import describe
from exodb.schema.tables import metadata as schema_metadata
from exodb.storage.config import sqlite_path, sqlite_url
from exodb.storage.connection import make_engine
from exodb.web import cookbook
from exodb.web.metadata import SOURCE_URL, TITLE, datasette_metadata

from .conftest import BACKEND

RECIPES = {r.number: r for r in cookbook.recipes()}


def _metadata(url: str, name: str = "exodb") -> dict:
    engine = make_engine(url)
    try:
        return datasette_metadata(engine, name)
    finally:
        engine.dispose()


# --- the metadata, from the schema ------------------------------------------------------------


def test_metadata_names_the_source_review(seeded_url):
    metadata = _metadata(seeded_url)
    assert metadata["title"] == TITLE
    assert metadata["source_url"] == "https://doi.org/10.3389/fneur.2025.1645457"
    assert metadata["source"].startswith("Cha, Z., Li, Y. et al. (2025). Exosome-mediated repair")
    assert metadata["license"].startswith("MIT")
    assert list(metadata["databases"]) == ["exodb"]


def test_every_table_view_and_column_is_described_as_exodb_schema_says(seeded_url):
    tables = _metadata(seeded_url)["databases"]["exodb"]["tables"]
    engine = make_engine(seeded_url)
    docs = describe(engine)
    engine.dispose()
    for doc in docs:
        described = tables[doc.table]["columns"][doc.column]
        # A view's first column carries the view's comment in `exodb schema`, and a coded
        # column's description may go on to list its codes.
        assert described and (described in doc.comment or described.startswith(doc.comment)), (
            doc.table,
            doc.column,
        )
    for table in schema_metadata.tables.values():
        assert tables[table.name]["description"] == table.comment
    assert tables["study_dimensions"]["description"].startswith("One row per study: its design")
    assert tables["study"]["columns"]["first_author"] == (
        "First author as the review's text names it."
    )


def test_view_columns_say_what_their_view_computes(seeded_url):
    tables = _metadata(seeded_url)["databases"]["exodb"]["tables"]
    assert tables["arm_measurement"]["columns"]["unit"] == (
        "The unit of the value (the measurement's own, else the scale's)."
    )
    assert tables["outcome_detail"]["columns"]["unit"] == (
        schema_metadata.tables["outcome"].c.unit.comment
    )
    assert tables["study_cargo_link"]["columns"]["role"].startswith(
        "Whether the exosomes carry the molecule (cargo) or were loaded with it"
    )
    assert tables["arm_measurement"]["columns"]["injury_model"] == (
        schema_metadata.tables["animal_model"].c.injury_model.comment
    )
    assert tables["study_risk_of_bias"]["columns"]["blinding_assessors"] == (
        "The SYRCLE judgement (low, high, unclear) in the domain 'blinding assessors'."
    )
    assert "subspecies is not counted" in tables["study_dimensions"]["columns"]["species"]


def test_every_coded_column_names_its_codes(seeded_url):
    from sqlalchemy import Enum

    tables = _metadata(seeded_url)["databases"]["exodb"]["tables"]
    for table in schema_metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, Enum):
                described = tables[table.name]["columns"][column.name]
                assert all(code in described for code in column.type.enums), described
    assert tables["cell_source_profile"]["columns"]["immunogenicity"] == "low < moderate < high."


def test_internal_tables_are_hidden_and_evidence_is_not(seeded_url):
    tables = _metadata(seeded_url)["databases"]["exodb"]["tables"]
    hidden = {name for name, entry in tables.items() if entry.get("hidden")}
    for internal in ("alembic_version", "data_version", "report_cache", "import_log"):
        assert internal in hidden
    assert "search_document" in hidden
    if BACKEND == "sqlite":
        assert {"search_fts", "search_fts_data", "search_fts_study", "search_fts_study_idx"} <= (
            hidden
        )
    assert not hidden & {"study", "reference", "cell_source", "study_dimensions"}


def test_labels_sorts_facets_units_and_search(seeded_url):
    tables = _metadata(seeded_url)["databases"]["exodb"]["tables"]
    assert tables["study"]["label_column"] == "key"
    assert tables["reference"]["label_column"] == "number"
    assert tables["molecule"]["label_column"] == "key"
    assert tables["reference"]["sort"] == "number"
    assert tables["study"]["facets"] == ["design", "exosome_based", "theme", "cell_source_id"]
    assert tables["reference"]["facets"] == ["check_status"]
    assert tables["study_dimensions"]["facets"][:2] == [
        {"array": "mechanisms"},
        {"array": "species"},
    ]
    assert tables["outcome_measurement"]["units"] == {"timepoint_days": "day"}
    assert tables["arm_measurement"]["units"] == {
        "first_dose_hours": "hour",
        "interval_hours": "hour",
        "timepoint_days": "day",
    }
    assert tables["ev_preparation"]["units"] == {"size_nm": "nanometer"}
    if BACKEND == "sqlite":
        assert tables["study"]["fts_table"] == "search_fts_study"
        assert tables["study"]["fts_pk"] == "id"


def test_canned_queries_are_the_cookbook(seeded_url):
    queries = _metadata(seeded_url)["databases"]["exodb"]["queries"]
    assert len(queries) == len(RECIPES) == 23
    family = queries["q02-which-studies-deliver-a-mirna-of"]
    assert family["title"] == (
        "2. Which studies deliver a miRNA of a given family (miR-21: not miR-210, not miR-216a)?"
    )
    assert family["params"] == ["family"]
    assert "family = 21" in family["description"]
    assert family["sql"] == RECIPES[2].sql.strip()
    bbb = next(q for q in queries.values() if q["title"].startswith("19. "))
    assert bbb["params"] == ["scale", "day"]
    assert "bundled database leaves empty" in bbb["description"]
    assert "params" not in queries["q01-which-cell-sources-have-low-immunogenicity"]


def test_recipe_parameters_skip_strings_comments_and_casts():
    sql = (
        "SELECT ':b', x::text, '10:30', \"odd :c name\" -- the study's :d\n"
        "FROM t /* :e */ WHERE y = :a AND z = :a AND w = ':f'\n"
    )
    text = f"### 1. Q?\r\n\r\nParameters: `a=1`\r\n\r\n```sql\r\n{sql}```\r\n\r\n| x |\r\n"
    (recipe,) = cookbook.parse(text.replace("\n", "\r\n").replace("\r\r", "\r"))
    assert recipe.names == ["a"]
    assert recipe.parameters == (("a", "1"),)
    assert recipe.expected == "| x |\n"


@pytest.mark.parametrize(
    ("recipe", "message"),
    [
        (
            "### 3. Q?\n\nParameters: a=1\n\n```sql\nSELECT :a\n```\n\n| x |\n",
            "'### 3. Q?' does not read as a recipe",
        ),
        (
            "### 3. Q?\n\nParameters: `a`\n\n```sql\nSELECT :a\n```\n\n| x |\n",
            "each parameter is written `name=value`",
        ),
        (
            "### 3. Q?\n\n```sql\nSELECT :a\n```\n\n| x |\n",
            "'### 3. Q?' gives parameters [] and its SQL uses ['a']",
        ),
        (
            "### 3. Q?\n\nParameters: `a=1`, `b=2`\n\n```sql\nSELECT :a\n```\n\n| x |\n",
            "gives parameters ['a', 'b'] and its SQL uses ['a']",
        ),
    ],
)
def test_a_recipe_that_does_not_read_is_an_error(recipe, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        cookbook.parse("# Cookbook\n\n" + recipe)


def test_metadata_only_writes_the_library_metadata(runner, seeded_url, tmp_path):
    target = tmp_path / "metadata.json"
    result = runner.invoke(main, ["--db", seeded_url, "serve", "--metadata-only", str(target)])
    if BACKEND != "sqlite":
        assert result.exit_code == 1
        assert "exodb serve serves a SQLite file, and this database is not one" in result.stderr
        assert not target.exists()
        return
    assert result.exit_code == 0, result.output
    name = sqlite_path(seeded_url).stem
    assert json.loads(target.read_text(encoding="utf-8")) == _metadata(seeded_url, name)
    assert result.stderr == f"exodb: wrote {target}\n"


@pytest.mark.sqlite_only
def test_serve_without_datasette_says_how_to_install_it(runner, seeded_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "datasette", None)
    result = runner.invoke(main, ["--db", str(seeded_path), "serve", "--port", "8001"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: exodb serve needs Datasette, an optional extra: pip install 'exodb[web]'\n"
    )


@pytest.mark.sqlite_only
def test_serve_on_a_port_in_use_is_a_clear_error(runner, seeded_path):
    pytest.importorskip("datasette")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(main, ["--db", str(seeded_path), "serve", "--port", str(port)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{port} (")
    assert "Traceback" not in result.output


# --- the pages, through Datasette's own client ------------------------------------------------


@pytest.fixture(scope="module")
def served(example_extraction_url):
    """Datasette on the example extraction (the bundled seeds plus extracted studies)."""
    pytest.importorskip("datasette")
    path = sqlite_path(example_extraction_url)
    if path is None:
        pytest.skip("Datasette serves SQLite files")
    from exodb.web.serve import instance

    site = instance(path, _metadata(example_extraction_url, path.stem))

    def get(url: str):
        return asyncio.run(site.client.get(f"/{path.stem}{url}"))

    return get


def test_search_box_on_studies_finds_the_ferroptosis_studies(served):
    response = served("/study.json?_search=ferroptosis&_shape=array&_col=key")
    assert response.status_code == 200
    assert [row["key"] for row in response.json()] == ["chen_65", "zhang_64"]


@pytest.mark.parametrize("query", ["miR-21", "NFKB", "neuron", "regenerate axon", "κB"])
def test_the_search_box_matches_as_exodb_search_does(served, example_extraction_session, query):
    from exodb.console.search import search

    hits = search(example_extraction_session, query, entity="study", limit=10_000)
    expected = sorted({hit.key for hit in hits})
    response = served("/study.json?" + urlencode({"_search": query, "_shape": "array"}))
    assert response.status_code == 200
    assert sorted(row["key"] for row in response.json()) == expected
    assert expected  # each query finds studies
    if query == "miR-21":  # the family, never miR-210
        assert expected == ["fu_54", "liu_129"]


def test_a_search_exodb_cannot_read_is_a_clear_400(served):
    response = served("/study.json?" + urlencode({"_search": "word " * 100}))
    assert response.status_code == 400
    assert "a search takes at most" in response.json()["error"]


def test_canned_query_with_a_parameter_returns_the_cookbooks_rows(served):
    response = served("/q02-which-studies-deliver-a-mirna-of.json?family=21&_shape=array")
    assert response.status_code == 200
    assert [(r["study"], r["ref"], r["cargo"]) for r in response.json()] == [
        ("fu_54", 54, "miR-21a-3p"),
        ("liu_129", 129, "miR-21"),
    ]
    day = next(r for r in RECIPES.values() if r.number == 19)
    slug = day.slug
    rows = served(f"/{slug}.json?scale=BBB&day=28&_shape=array").json()
    assert [(r["arm"], r["n"], r["central"]) for r in rows] == [
        ("ev_high", 9, 13.4),
        ("ev_low", 10, 10.9),
        ("sham", 6, 21.0),
        ("vehicle", 8, 8.7),
    ]


def test_array_facets_answer_which_mechanisms_in_which_species(served, example_extraction_url):
    response = served(
        "/study_dimensions.json?species__arraycontains=rat&_facet_array=mechanisms&_size=0"
    )
    facets = response.json()["facet_results"]["mechanisms"]["results"]
    counts = {f["value"]: f["count"] for f in facets}
    # The same question asked of the two link views, in SQL: studies per mechanism in rats.
    by_hand = run_sql(
        example_extraction_url,
        "SELECT m.mechanism, count(DISTINCT m.study) FROM study_mechanism_link AS m "
        "JOIN study_species_link AS s ON s.study = m.study WHERE s.species = 'rat' "
        "GROUP BY m.mechanism",
    ).rows
    assert counts == dict(by_hand)
    assert counts == {"axon_regeneration": 3, "neuroprotection": 2, "immune_regulation": 1}


HOSTILE_SQL = [
    "DELETE FROM study",
    "with t as (select 1) delete from study",
    "with t as (select 1) insert into disease (key, name) values ('x', 'x')",
    "PRAGMA writable_schema = 1",
    "ATTACH DATABASE '/tmp/exodb-web-attach.sqlite' AS other",
    "VACUUM INTO '/tmp/exodb-web-vacuum.sqlite'",
    "select 1; delete from study",
    "select randomblob(1000000000)",
]


def test_served_database_refuses_writes(served, example_extraction_url):
    path = sqlite_path(example_extraction_url)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    for sql in HOSTILE_SQL:
        response = served(".json?" + urlencode({"sql": sql}))
        assert response.status_code == 400, (sql, response.status_code)
        assert response.json()["ok"] is False
    assert "Statement must be a SELECT" in served(".json?sql=DELETE+FROM+study").text
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    for written in ("/tmp/exodb-web-attach.sqlite", "/tmp/exodb-web-vacuum.sqlite"):
        assert not os.path.exists(written)


def test_one_request_cannot_build_a_huge_value(served):
    response = served(".json?sql=select+randomblob(1000000000)")
    assert response.status_code == 400
    assert "string or blob too big" in response.json()["error"]
    concatenated = served(
        ".json?sql=select+group_concat(summary%7C%7Csummary%7C%7Csummary)+from+study,study"
    )
    assert concatenated.status_code == 400


def test_the_consoles_authorizer_guards_every_connection(served):
    for sql in ("select fts3_tokenizer('simple')", "select load_extension('x')"):
        response = served(".json?" + urlencode({"sql": sql}))
        assert response.status_code == 400, sql
        assert "not authorized" in response.json()["error"]
    # A write Datasette's own check lets through (a CTE) is refused by the authorizer.
    response = served(".json?" + urlencode({"sql": "with t as (select 1) delete from study"}))
    assert response.status_code == 400
    assert served("/study.json?_size=0").json()["filtered_table_rows_count"] == 59


def test_unknown_pages_are_404_and_the_file_is_not_downloadable(served):
    assert served("/a/b/c").status_code == 404
    assert served(".db").status_code == 403  # /<database>.db, the download


@pytest.mark.sqlite_only
def test_an_immutable_database_is_not_downloadable_either(seeded_path, monkeypatch):
    pytest.importorskip("datasette")
    from exodb.web import serve

    monkeypatch.setattr(serve, "needs_immutable", lambda path: True)
    site = serve.instance(seeded_path, {})
    response = asyncio.run(site.client.get(f"/{seeded_path.stem}.db"))
    assert response.status_code == 403


@pytest.mark.sqlite_only
def test_only_get_and_head_reach_datasette(seeded_path):
    pytest.importorskip("datasette")
    import httpx

    from exodb.web.serve import READ_ONLY_BODY, application

    before = hashlib.sha256(seeded_path.read_bytes()).hexdigest()
    app = application(seeded_path, {})

    async def send(method: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://x") as client:
            return await client.request(method, f"/{seeded_path.stem}/q02", data={"a": "1"})

    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = asyncio.run(send(method))
        assert response.status_code == 405
        assert response.content == READ_ONLY_BODY
        assert response.headers["allow"] == "GET, HEAD"
    assert asyncio.run(send("GET")).status_code == 404  # no such page: Datasette answered
    assert hashlib.sha256(seeded_path.read_bytes()).hexdigest() == before


@pytest.mark.sqlite_only
def test_without_ad_hoc_sql_the_tables_facets_and_canned_queries_remain(seeded_path):
    pytest.importorskip("datasette")
    from exodb.web.serve import instance

    engine = make_engine(sqlite_url(seeded_path))
    site = instance(seeded_path, datasette_metadata(engine, seeded_path.stem), allow_sql=False)
    engine.dispose()
    name = seeded_path.stem

    def get(url: str):
        return asyncio.run(site.client.get(f"/{name}{url}"))

    assert get(".json?sql=select+1").status_code == 403
    assert get("/study.json?_where=1=1").status_code == 403
    assert get("/study.json?_search=ferroptosis&_shape=array&_col=key").json() == [
        {"id": 2, "key": "chen_65"},
        {"id": 54, "key": "zhang_64"},
    ]
    rows = get("/q02-which-studies-deliver-a-mirna-of.json?family=21&_shape=array").json()
    assert [r["study"] for r in rows] == ["fu_54", "liu_129"]


@pytest.mark.sqlite_only
def test_serving_beyond_this_machine_warns_and_turns_ad_hoc_sql_off(
    runner, seeded_path, monkeypatch
):
    pytest.importorskip("datasette")
    from exodb.web import serve

    started = []
    monkeypatch.setattr(serve, "check_port", lambda host, port: None)
    monkeypatch.setattr(serve, "run", lambda app, host, port: started.append((host, port)))
    made = []
    real = serve.application
    monkeypatch.setattr(
        serve,
        "application",
        lambda path, metadata, allow_sql=True: made.append(allow_sql) or real(path, metadata),
    )
    shared = runner.invoke(main, ["--db", str(seeded_path), "serve", "--host", "0.0.0.0"])
    assert shared.exit_code == 0, shared.output
    assert started == [("0.0.0.0", 8001)] and made == [False]
    assert shared.stderr.splitlines()[1] == (
        "exodb: listening on 0.0.0.0: anyone who can reach this address can read the whole "
        "database; ad-hoc SQL is off (--allow-sql turns it on)"
    )
    asked = runner.invoke(
        main, ["--db", str(seeded_path), "serve", "--host", "0.0.0.0", "--allow-sql"]
    )
    assert asked.exit_code == 0 and made == [False, True]
    local = runner.invoke(main, ["--db", str(seeded_path), "serve"])
    assert local.exit_code == 0 and made == [False, True, True]
    assert local.stderr == (
        f"exodb: serving {seeded_path} read-only at http://127.0.0.1:8001/ (Ctrl-C stops)\n"
    )


# --- in a real browser ------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def _no_browser_reason() -> str | None:
    try:
        import datasette  # noqa: F401
        import selenium  # noqa: F401
    except ImportError as exc:
        return f"needs the test extras ({exc.name} is not installed)"
    if not CHROMIUM or not CHROMEDRIVER:
        return "no browser: install Debian's chromium and chromium-driver"
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def browser_site(example_extraction_url, tmp_path_factory):
    """`exodb serve` in its own process on 127.0.0.1, and headless Chromium, each for a
    bounded time."""
    reason = _no_browser_reason()
    if reason:
        if os.environ.get("EXODB_REQUIRE_BROWSER"):
            pytest.fail(f"the browser tests must run here: {reason}")
        pytest.skip(reason)
    path = sqlite_path(example_extraction_url)
    if path is None:
        pytest.skip("Datasette serves SQLite files")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("w") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "exodb", "--db", str(path), "serve", "--port", str(port)],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"exodb serve did not start: {log.read_text()}")
            time.sleep(0.2)
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-extensions",
        "--no-first-run",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver, f"{base}/{path.stem}", base
    finally:
        driver.quit()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def _text(driver) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.TAG_NAME, "body").text


def test_browser_home_page_shows_title_and_source(browser_site):
    from selenium.webdriver.common.by import By

    driver, _, base = browser_site
    driver.get(base + "/")
    assert TITLE in driver.title
    assert TITLE in _text(driver)
    sources = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "a")]
    assert SOURCE_URL in sources
    # Internal tables are not listed; the evidence is.
    assert "alembic_version" not in _text(driver)


def test_browser_table_page_shows_descriptions_and_facets(browser_site):
    from selenium.webdriver.common.by import By

    driver, database, _ = browser_site
    driver.get(database + "/study_dimensions")
    text = _text(driver)
    assert "One row per study: its design, cell source and route" in text
    described = driver.find_elements(By.CSS_SELECTOR, "dl.column-descriptions dt")
    assert "mechanisms" in [d.text for d in described]
    facets = [
        f.get_attribute("data-column") for f in driver.find_elements(By.CSS_SELECTOR, ".facet-info")
    ]
    assert {"mechanisms", "species", "cell_source", "design"} <= set(facets)


def test_browser_canned_query_with_a_parameter_returns_the_cookbooks_rows(browser_site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    driver, database, _ = browser_site
    recipe = RECIPES[19]
    driver.get(f"{database}/{recipe.slug}")
    # Fill in the parameters the page asks for, as a reader would, and run the query.
    for name, value in recipe.parameters:
        field = driver.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    driver.find_element(By.CSS_SELECTOR, "input[type=submit][value='Run SQL']").click()
    WebDriverWait(driver, 20).until(
        lambda d: (
            "scale=BBB" in d.current_url
            and d.find_elements(By.CSS_SELECTOR, "table.rows-and-columns td")
        )
    )
    cells = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "table.rows-and-columns td")]
    # The cookbook's table, row by row: study, arm, role, control arm, ... (10 columns).
    expected = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in recipe.expected.splitlines()[2:]
    ]
    rows = [cells[i : i + 10] for i in range(0, len(cells), 10)]
    assert [row[1] for row in rows] == [row[1] for row in expected]
    assert [float(row[7]) for row in rows] == [float(row[7]) for row in expected]


def test_browser_search_box_returns_the_ferroptosis_studies(browser_site):
    from selenium.webdriver.common.by import By

    driver, database, _ = browser_site
    driver.get(database + "/study")
    box = driver.find_element(By.ID, "_search")
    box.send_keys("ferroptosis")
    box.submit()
    keys = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "td.col-key")]
    assert keys == ["chen_65", "zhang_64"]
    # The page's URL carries the search, so it can be shared.
    assert "_search=ferroptosis" in driver.current_url
