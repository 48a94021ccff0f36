"""Comments, media by id, mentions, hashtags, reading messages and reactions, webhook
subscriptions and batches of one connected account, through the Python bindings, against the
in-process sandbox (the seeded engagement: comments, stories, mentions, hashtags)."""

import asyncio

import pytest

import instagraph
from conftest import COMPANY, REDIRECT, SCOPES, sandbox_client

BAKERY, TRAVELS, STUDIO = "alice.bakery", "alice.travels", "client.studio"


async def accounts(sandbox):
    """Alice's accounts connected with every scope these calls need (deleting media too)."""
    manager = instagraph.AccountManager(
        sandbox_client(sandbox), instagraph.Store.memory(instagraph.generate_sealing_key())
    )
    start = await manager.start_connect(
        instagraph.ConnectOptions(
            company_id=COMPANY,
            login=instagraph.LoginKind.FACEBOOK,
            scopes=SCOPES + ["instagram_manage_contents"],
        )
    )
    callback = await sandbox.consent(start.url, sandbox.users()[0].id, True)
    connection = await manager.finish_connect(callback)
    by_name = {a.username: a.ig_user_id for a in connection.accounts}
    return {name: await manager.access(COMPANY, by_name[name]) for name in (BAKERY, TRAVELS, STUDIO)}


def refused(err, argument):
    assert err.value.kind == instagraph.ErrorKind.INVALID_ARGUMENT, err.value
    assert err.value.argument == argument, err.value


def run(test):
    async def go():
        sandbox = await instagraph.start_sandbox(0)
        try:
            await test(sandbox, await accounts(sandbox))
        finally:
            await sandbox.stop()

    asyncio.run(go())


def test_comment_moderation_and_private_replies():
    async def body(sandbox, graphs):
        travels = graphs[TRAVELS]
        [post] = await travels.media(1)
        created = await travels.comment_on_media(post.id, "First! 🥐")
        read = await travels.comment(created)
        assert read.text == "First! 🥐" and read.username == TRAVELS

        reply = await travels.reply_to_comment(created, "And a reply")
        replies = await travels.comment_replies(created, None, None)
        assert [r.id for r in replies.items] == [reply]

        assert await travels.hide_comment(created, True) is True
        assert (await travels.comment(created)).hidden is True
        with pytest.raises(instagraph.InstagraphError) as err:
            await travels.reply_to_comment(created, "again")
        assert err.value.kind == instagraph.ErrorKind.GRAPH and err.value.user_title == "Comment is hidden"
        assert await travels.hide_comment(created, False) is True

        assert await travels.delete_comment(reply) is True
        assert (await travels.comment_replies(created, 10, None)).items == []
        with pytest.raises(instagraph.InstagraphError) as err:
            await travels.comment_replies(created, 51, None)
        refused(err, "limit")
        with pytest.raises(instagraph.InstagraphError) as err:
            await travels.comment_on_media(post.id, "z" * 2201)
        refused(err, "message")

        # Private replies: the recent comment is answered; the old one is refused before any
        # call by the windowed variant, and by Meta otherwise.
        seed = sandbox.engagement()
        bakery = graphs[BAKERY]
        sent = await bakery.private_reply_in_window(seed.recent_comment, "Thanks, DM'd you!")
        assert sent.message_id and sent.recipient_id
        with pytest.raises(instagraph.InstagraphError) as err:
            await bakery.private_reply_in_window(seed.old_comment, "Too late?")
        refused(err, "comment")
        with pytest.raises(instagraph.InstagraphError) as err:
            await bakery.private_reply(seed.old_comment, "Too late?")
        assert err.value.kind == instagraph.ErrorKind.GRAPH, err.value

    run(body)


def test_media_by_id_children_delete_comments_switch_stories_and_tags():
    async def body(sandbox, graphs):
        bakery, travels, studio = graphs[BAKERY], graphs[TRAVELS], graphs[STUDIO]
        carousel = next(m for m in await bakery.media(100) if m.media_type == "CAROUSEL_ALBUM")
        one = await bakery.media_by_id(carousel.id)
        assert one.id == carousel.id and one.caption == carousel.caption
        children = await bakery.media_children(carousel.id, None)
        assert len(children.items) == 3 and all(c.id and c.media_type for c in children.items)
        with pytest.raises(instagraph.InstagraphError) as err:
            await bakery.delete_media(children.items[0].id)
        assert err.value.subcode == 2207073, err.value

        [newest] = await travels.media(1)
        assert await travels.set_comments_enabled(newest.id, False) is True
        with pytest.raises(instagraph.InstagraphError):
            await travels.comment_on_media(newest.id, "closed?")
        assert await travels.set_comments_enabled(newest.id, True) is True
        await travels.comment_on_media(newest.id, "open again")

        every = await bakery.all_media(None)
        assert [m.id for m in every] == [m.id for m in await bakery.media(100)]
        assert len(await bakery.all_media(len(every))) == len(every)
        with pytest.raises(instagraph.InstagraphError) as err:
            await bakery.all_media(len(every) - 1)
        assert str(len(every) - 1) in err.value.reason, err.value

        before = await travels.media(100)
        assert await travels.delete_media(before[-1].id) is True
        after = await travels.media(100)
        assert len(after) == len(before) - 1 and before[-1].id not in {m.id for m in after}

        seed = sandbox.engagement()
        stories = [s.id for s in await studio.stories()]
        assert seed.story_many_viewers in stories and seed.story_few_viewers in stories

        tagged = await bakery.tagged_media(1, None)
        seen = [m.id for m in tagged.items]
        while tagged.after:
            tagged = await bakery.tagged_media(1, tagged.after)
            seen += [m.id for m in tagged.items]
        assert seed.mentioned_media in seen and len(seen) == len(set(seen)) > 1
        with pytest.raises(instagraph.InstagraphError) as err:
            await bakery.media_by_id("")
        refused(err, "media_id")

    run(body)


def test_mentions_and_hashtags():
    async def body(sandbox, graphs):
        bakery = graphs[BAKERY]
        seed = sandbox.engagement()
        media = await bakery.mentioned_media(seed.mentioned_media)
        assert media.id == seed.mentioned_media and "@alice.bakery" in media.caption
        comment = await bakery.mentioned_comment(seed.mentioned_comment)
        assert comment.id == seed.mentioned_comment and "@alice.bakery" in comment.text
        on_caption = await bakery.reply_to_mention(seed.mentioned_media, None, "Thanks!")
        assert on_caption
        with pytest.raises(instagraph.InstagraphError) as err:
            await bakery.reply_to_mention(seed.mentioned_media, None, "")
        refused(err, "message")
        own = (await graphs[TRAVELS].media(1))[0].id
        with pytest.raises(instagraph.InstagraphError) as err:
            await bakery.mentioned_media(own)
        assert err.value.kind == instagraph.ErrorKind.GRAPH and err.value.code == 100

        assert "sourdough" in seed.hashtag_names
        assert await bakery.hashtag_budget_used() == 0
        tag = await bakery.search_hashtag("sourdough")
        await bakery.search_hashtag("SOURDOUGH")
        assert await bakery.hashtag_budget_used() == 1
        found = await bakery.hashtag(tag, None)
        assert (found.id, found.name) == (tag, "sourdough")
        assert (await bakery.hashtag(tag, ["id"])).name is None
        with pytest.raises(instagraph.InstagraphError) as err:
            await bakery.hashtag(tag, [])
        refused(err, "fields")
        top = await bakery.hashtag_media(tag, instagraph.HashtagMediaKind.TOP, 5, None)
        assert len(top.items) == 5 and top.after
        following = await bakery.hashtag_media(tag, instagraph.HashtagMediaKind.TOP, 5, top.after)
        assert not {m.id for m in top.items} & {m.id for m in following.items}
        recent = await bakery.hashtag_media(tag, instagraph.HashtagMediaKind.RECENT, None, None)
        assert recent.items

    run(body)


def test_reading_messages_reactions_and_subscribed_apps():
    async def body(sandbox, graphs):
        bakery = graphs[BAKERY]
        conversation = next(
            c for c in sandbox.conversations()
            if c.ig_user_id == bakery.ig_user_id() and c.window == "open"
        )
        three = await bakery.conversation_messages(conversation.id, 3)
        assert 1 <= len(three) <= 3 and all(m.id for m in three)
        newest = three[0]
        again = await bakery.message(newest.id, None)
        assert (again.id, again.text) == (newest.id, newest.text)
        narrow = await bakery.message(newest.id, ["id"])
        assert narrow.id == newest.id and narrow.text is None
        with pytest.raises(instagraph.InstagraphError) as err:
            await bakery.conversation_messages(conversation.id, 21)
        refused(err, "limit")

        reacted = await bakery.react_to_message(conversation.user_id, newest.id, None)
        assert reacted.recipient_id == conversation.user_id
        unreacted = await bakery.unreact_to_message(conversation.user_id, newest.id)
        assert unreacted.recipient_id == conversation.user_id
        with pytest.raises(instagraph.InstagraphError) as err:
            await bakery.react_to_message(conversation.user_id, newest.id, " ")
        refused(err, "reaction")

        assert await bakery.subscribe_webhooks(["comments", "messages"]) is True
        apps = await bakery.subscribed_apps()
        assert len(apps) == 1 and sorted(apps[0].subscribed_fields) == ["comments", "messages"]

    run(body)


def test_batches():
    async def body(sandbox, graphs):
        bakery, studio = graphs[BAKERY], graphs[STUDIO]
        get = instagraph.BatchMethod.GET
        out = await bakery.batch(
            [
                instagraph.BatchOperation(
                    method=get, relative_url=f"{bakery.ig_user_id()}?fields=id,username", body={}
                ),
                instagraph.BatchOperation(method=get, relative_url="no-such-node", body={}),
            ],
            None,
        )
        assert len(out) == 2
        assert out[0].code == 200 and BAKERY in out[0].body and out[0].failure is None
        assert out[1].body is None and out[1].failure.code is not None, out[1]
        with pytest.raises(instagraph.InstagraphError) as err:
            await bakery.batch([instagraph.BatchOperation(method=get, relative_url=" ", body={})], None)
        refused(err, "relative_url")
        with pytest.raises(instagraph.InstagraphError) as err:
            await bakery.batch([], 0)
        refused(err, "concurrency")

        seed = sandbox.engagement()
        story = instagraph.MediaKind.STORY
        insights = await studio.media_insights_batch(
            [
                instagraph.MediaInsightsRequest(media_id=seed.story_many_viewers, kind=story),
                instagraph.MediaInsightsRequest(media_id=seed.story_few_viewers, kind=story),
            ],
            None,
        )
        assert [i.media_id for i in insights] == [seed.story_many_viewers, seed.story_few_viewers]
        assert insights[0].metrics and insights[0].failure is None
        assert insights[1].metrics == [] and insights[1].failure.code == 10, insights[1]
        with pytest.raises(instagraph.InstagraphError) as err:
            await studio.media_insights_batch(
                [instagraph.MediaInsightsRequest(media_id="", kind=story)], None
            )
        refused(err, "media_id")

    run(body)
