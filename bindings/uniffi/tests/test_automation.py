"""Messaging automation through the Python bindings, against the in-process sandbox: ice
breakers and the persistent menu set, read back and deleted, the User Profile API, sender
actions, quick replies and a generic template, and the core's limits as typed errors."""

import asyncio

import pytest

import instagraph
from conftest import BAKERY, COMPANY, connect


async def bakery_graph(sandbox):
    store = instagraph.Store.memory(instagraph.generate_sealing_key())
    manager, connection = await connect(sandbox, store)
    ig = next(a.ig_user_id for a in connection.accounts if a.username == BAKERY)
    await manager.add(COMPANY, [ig])
    return await manager.access(COMPANY, ig), ig


def test_messenger_profile_round_trip_and_limits():
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        try:
            graph, _ = await bakery_graph(sandbox)
            assert await graph.ice_breakers() == []
            breakers = [
                instagraph.IceBreakerLocale(
                    locale="default",
                    call_to_actions=[instagraph.IceBreaker(question="Open on Sunday?", payload="SUNDAY")],
                )
            ]
            assert await graph.set_ice_breakers(breakers) is True
            assert await graph.ice_breakers() == breakers
            assert await graph.delete_ice_breakers() is True
            assert await graph.ice_breakers() == []

            menu = [
                instagraph.PersistentMenu(
                    locale="default",
                    call_to_actions=[
                        instagraph.Button.POSTBACK(title="Talk to a baker", payload="AGENT"),
                        instagraph.Button.WEB_URL(title="Order", url="https://bakery.example/o"),
                    ],
                )
            ]
            assert await graph.set_persistent_menu(menu) is True
            assert await graph.persistent_menu() == menu
            assert await graph.delete_persistent_menu() is True
            assert await graph.persistent_menu() == []

            five = [instagraph.IceBreaker(question=f"Q{i}", payload="P") for i in range(5)]
            with pytest.raises(instagraph.InstagraphError) as err:
                await graph.set_ice_breakers([instagraph.IceBreakerLocale(locale="default", call_to_actions=five)])
            assert err.value.kind == instagraph.ErrorKind.INVALID_ARGUMENT
            assert err.value.argument == "ice_breakers.call_to_actions", err.value
        finally:
            await sandbox.stop()

    asyncio.run(go())


def test_profile_sender_actions_quick_replies_and_templates():
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        try:
            graph, ig = await bakery_graph(sandbox)
            conv = next(c for c in sandbox.conversations() if c.ig_user_id == ig and c.window == "open")
            profile = await graph.user_profile(conv.user_id)
            assert profile.id == conv.user_id and profile.username

            before = sandbox.message_count(conv.id)
            await graph.sender_action(conv.user_id, instagraph.SenderAction.TYPING_ON)
            sent = await graph.send_quick_replies(
                conv.user_id,
                "Bread or cake?",
                [instagraph.QuickReply(title="Bread", payload="B"), instagraph.QuickReply(title="Cake", payload="C")],
            )
            assert sent.message_id
            card = instagraph.GenericElement(
                title="Sourdough",
                subtitle="Fresh at 7",
                image_url="https://bakery.example/s.jpg",
                default_action_url=None,
                buttons=[instagraph.Button.POSTBACK(title="Reserve", payload="R1")],
            )
            sent = await graph.send_template(conv.user_id, [card])
            assert sent.message_id
            assert sandbox.message_count(conv.id) == before + 2

            with pytest.raises(instagraph.InstagraphError) as err:
                await graph.send_quick_replies(
                    conv.user_id, "Pick", [instagraph.QuickReply(title="x" * 21, payload="P")]
                )
            assert err.value.argument == "quick_replies.title", err.value
        finally:
            await sandbox.stop()

    asyncio.run(go())


def test_webhook_subscription_and_routing_events():
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        try:
            graph, ig = await bakery_graph(sandbox)
            assert await graph.subscribe_webhooks(["messages", "messaging_handover"]) is True
            assert await graph.unsubscribe_webhooks() is True
        finally:
            await sandbox.stop()

        body = (
            b'{"object":"instagram","entry":[{"id":"1","time":1,"messaging":['
            b'{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":3,"referral":{"ref":"bio","source":"SHORTLINK"}},'
            b'{"sender":{"id":"2"},"recipient":{"id":"1"},"timestamp":4,"take_thread_control":{"new_owner_app_id":"9"}}]}]}'
        )
        kinds = [e.kind for e in instagraph.webhook_parse(body)]
        assert kinds == ["referral", "handover"], kinds

    asyncio.run(go())
