async def test_create_and_list(api):
    r = await api("POST", "sessions", {"title": "Backend"})
    assert r.status == 201, r.body
    r = await api("GET", "sessions")
    assert r.status == 200, r.body
    assert r.json["total"] == 1
