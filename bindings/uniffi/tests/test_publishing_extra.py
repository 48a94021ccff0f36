"""Trial reels, collaboration invites and Instagram Shopping through the Python bindings,
against the in-process sandbox."""

import asyncio

import pytest

import instagraph
from conftest import BAKERY, COMPANY, DictStore, connect

TRAVELS = "alice.travels"


def test_trial_reels_invites_and_shopping():
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        store = instagraph.Store.foreign(DictStore(), instagraph.generate_sealing_key())
        try:
            manager, connection = await connect(sandbox, store)
            # Discovery names the portfolios and the Pages with no Instagram account.
            assert [b.name for b in connection.businesses] == ["Alice Agency"], connection.businesses
            assert [p.name for p in connection.pages_without_instagram] == ["Alice Notes"]
            ids = {a.username: a.ig_user_id for a in connection.accounts}
            bakery, travels = ids[BAKERY], ids[TRAVELS]
            await manager.add(COMPANY, [bakery, travels])
            publisher = instagraph.Publisher(manager)

            # A trial reel publishes; trial parameters on an image are refused, naming the field.
            reel = await publisher.publish(
                COMPANY,
                bakery,
                instagraph.PostSpec(
                    kind=instagraph.PostKind.REEL,
                    items=[instagraph.PostItem(url="https://cdn.example.com/trial.mp4", video=True)],
                    trial_params=instagraph.TrialParams(
                        graduation_strategy=instagraph.GraduationStrategy.SS_PERFORMANCE
                    ),
                ),
                None,
                None,
            )
            assert reel.media_id
            with pytest.raises(instagraph.InstagraphError) as err:
                await publisher.publish(
                    COMPANY,
                    bakery,
                    instagraph.PostSpec(
                        kind=instagraph.PostKind.IMAGE,
                        items=[instagraph.PostItem(url="https://cdn.example.com/a.jpg")],
                        trial_params=instagraph.TrialParams(
                            graduation_strategy=instagraph.GraduationStrategy.MANUAL
                        ),
                    ),
                    None,
                    None,
                )
            assert err.value.kind == instagraph.ErrorKind.INVALID_ARGUMENT
            assert err.value.argument == "trial_params", err.value

            # Shopping: the bakery's catalog, a search, a tag on a published post.
            graph = await manager.access(COMPANY, bakery)
            assert await graph.product_tag_eligibility()
            catalogs = await graph.catalogs()
            assert [c.product_count for c in catalogs] == [4]
            found = await graph.search_products(catalogs[0].catalog_id, "croissant")
            assert [p.product_name for p in found] == ["Butter croissant"]
            post = await publisher.publish(
                COMPANY,
                bakery,
                instagraph.PostSpec(
                    kind=instagraph.PostKind.IMAGE,
                    items=[instagraph.PostItem(url="https://cdn.example.com/croissant.jpg")],
                ),
                None,
                None,
            )
            tag = instagraph.ProductTagSpec(product_id=found[0].product_id, x=0.4, y=0.6)
            assert await graph.update_media_product_tags(post.media_id, [tag])
            assert await graph.media_product_tags(post.media_id) == [tag]
            with pytest.raises(instagraph.InstagraphError) as err:
                await graph.update_media_product_tags(post.media_id, [])
            assert err.value.argument == "updated_tags", err.value
            before = await graph.product_appeal_status("4382881195057752")
            assert (before.review_status, before.eligible_for_appeal) == ("rejected", True), before
            assert await graph.appeal_product("4382881195057752", "It is a bread knife")
            after = await graph.product_appeal_status("4382881195057752")
            assert after.product_id == "4382881195057752" and after.eligible_for_appeal is False
            with pytest.raises(instagraph.InstagraphError) as err:
                await graph.product_appeal_status("")
            assert err.value.argument == "product_id", err.value

            # Collaboration invites: a post naming travels as collaborator invites it.
            travels_graph = await manager.access(COMPANY, travels)
            assert await travels_graph.collaboration_invites(10) == []
            together = await publisher.publish(
                COMPANY,
                bakery,
                instagraph.PostSpec(
                    kind=instagraph.PostKind.IMAGE,
                    items=[instagraph.PostItem(url="https://cdn.example.com/together.jpg")],
                    caption="Baked and travelled",
                    collaborators=[TRAVELS],
                ),
                None,
                None,
            )
            invites = await travels_graph.collaboration_invites(10)
            assert [(i.media_id, i.media_owner_username) for i in invites] == [(together.media_id, BAKERY)]
            assert await travels_graph.answer_collaboration_invite(together.media_id, True)
            assert await travels_graph.collaboration_invites(10) == []
            # Accepted or declined with the one-word calls, each invite then gone.
            for n, answer in enumerate(
                [travels_graph.accept_collaboration_invite, travels_graph.decline_collaboration_invite]
            ):
                invited = await publisher.publish(
                    COMPANY,
                    bakery,
                    instagraph.PostSpec(
                        kind=instagraph.PostKind.IMAGE,
                        items=[instagraph.PostItem(url=f"https://cdn.example.com/two-{n}.jpg")],
                        collaborators=[TRAVELS],
                    ),
                    None,
                    None,
                )
                [invite] = await travels_graph.collaboration_invites(10)
                assert invite.media_id == invited.media_id
                assert await answer(invited.media_id)
                assert await travels_graph.collaboration_invites(10) == []
            with pytest.raises(instagraph.InstagraphError) as err:
                await travels_graph.decline_collaboration_invite("")
            assert err.value.argument == "media_id"
            with pytest.raises(instagraph.InstagraphError) as err:
                await travels_graph.collaboration_invites(0)
            assert err.value.argument == "limit"
            with pytest.raises(instagraph.InstagraphError) as err:
                await travels_graph.answer_collaboration_invite("", False)
            assert err.value.argument == "media_id"
        finally:
            await sandbox.stop()

    asyncio.run(go())
