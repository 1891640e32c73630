def test_needs_postgres(pg_url):
    assert pg_url
