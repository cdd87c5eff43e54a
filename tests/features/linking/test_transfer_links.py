"""A linked member survives `copbot export` and `copbot import`: still one member behind both identities."""

from __future__ import annotations

from adapters.app.bootstrap import build
from adapters.app.config import CommunityConfig
from tests.conftest import make_config
from tests.features.linking.helpers import board, discord, kudos, link, member_of, slack
from tests.storage.test_transfer import copbot

ANN_S, ANN_D, BOB_S, CAROL_D = slack("U1", "ann"), discord("42", "ann_d"), slack("U2", "bob"), discord("44", "carol")


async def test_a_link_is_exported_and_imported_with_its_member(both, store_url, tmp_path, clock):
    await kudos(both, BOB_S, ANN_S)
    await kudos(both, CAROL_D, ANN_D)
    await link(both, ANN_S, ANN_D)
    file = tmp_path / "both.json"
    with file.open("w") as out:
        exported = copbot("export", "--community", "Both", database=store_url, stdout=out)
    assert exported.returncode == 0, exported.stderr
    target = f"sqlite+aiosqlite:///{tmp_path}/target.db"
    imported = copbot("import", str(file), database=target)
    assert imported.returncode == 0, imported.stderr
    moved = await build(make_config(target, communities=[CommunityConfig(name="Both", slack=["T1"],
                                                                           discord=["G1"])]), clock=clock)
    try:
        assert (await member_of(moved, ANN_S)).id == (await member_of(moved, ANN_D)).id
        assert await board(moved) == {"ann": 2}
    finally:
        await moved.close()
