// The whole agency flow from Kotlin, against the sandbox inside the loaded library, with a
// Kotlin-implemented store; then the store conformance suite against that store, and garbage
// arguments. Prints "N passed, M failed" and exits non-zero on any failure.

import java.time.Duration
import java.time.Instant
import kotlinx.coroutines.runBlocking
import uniffi.instagraph.*
import uniffi.instagraph_core.*

const val COMPANY = "acme-agency"
const val REDIRECT = "https://agency.example/instagram/oauth2callback"
val SCOPES = listOf(
    "public_profile", "email", "pages_show_list", "pages_read_engagement", "pages_manage_metadata",
    "pages_messaging", "business_management", "instagram_basic", "instagram_content_publish",
    "instagram_manage_comments", "instagram_manage_insights", "instagram_manage_messages",
)

var passed = 0
var failed = 0

suspend fun check(name: String, body: suspend () -> Unit) {
    try {
        body()
        passed++
        println("ok   $name")
    } catch (e: Throwable) {
        failed++
        println("FAIL $name: $e")
    }
}

fun expect(condition: Boolean, what: String) {
    if (!condition) throw AssertionError(what)
}

class Progress : ProgressListener {
    val events = java.util.Collections.synchronizedList(mutableListOf<ProgressEvent>())
    override fun onProgress(event: ProgressEvent) {
        events.add(event)
    }
}

suspend fun invalidArgument(
    argument: String,
    kinds: Set<ErrorKind> = setOf(ErrorKind.INVALID_ARGUMENT, ErrorKind.CONFIG),
    call: suspend () -> Unit,
) {
    try {
        call()
    } catch (e: InstagraphException.Failed) {
        expect(e.kind in kinds, "kind ${e.kind}")
        expect(e.errorClass == ErrorClass.INVALID_INPUT, "class ${e.errorClass}")
        expect((e.argument ?: "").contains(argument) || e.reason.contains(argument), "names $argument: ${e.reason}")
        return
    }
    throw AssertionError("no error for $argument")
}

fun image(url: String, caption: String? = null) =
    PostSpec(kind = PostKind.IMAGE, items = listOf(PostItem(url = url)), caption = caption)

suspend fun fullFlow(sandbox: Sandbox) {
    val kotlinStore = MapStore()
    val keyA = generateSealingKey()
    val store = Store.foreign(kotlinStore, keyA)
    val client = Client(
        ClientConfig(
            appId = sandbox.appId(),
            appSecret = sandbox.appSecret(),
            sandboxUrl = sandbox.baseUrl(),
            redirectUri = REDIRECT,
        )
    )
    val manager = AccountManager(client, store)

    // Connect through the scripted consent.
    val start = manager.startConnect(ConnectOptions(companyId = COMPANY, login = LoginKind.FACEBOOK, scopes = SCOPES))
    val alice = sandbox.users().first()
    val callback = sandbox.consent(start.url, alice.id, true)
    expect(callback.startsWith(REDIRECT) && callback.contains("code="), "callback $callback")
    val connection = manager.finishConnect(callback)
    val bakery = connection.accounts.first { it.username == "alice.bakery" }
    val ig = bakery.igUserId
    expect(bakery.source == AccountSource.PAGE_LINKED, "the core's AccountSource")
    expect(kotlinStore.values("accounts/").size == connection.accounts.size, "accounts stored in Kotlin")
    expect(kotlinStore.values("oauth-states/").isEmpty(), "the state is single use")
    expect(kotlinStore.values("tokens/").all { it.contains("\"sealed\":\"v1.") }, "sealed tokens only")

    // Add, assign, list with live details.
    expect(manager.add(COMPANY, listOf(ig)).updated == 1uL, "added")
    expect(manager.assign(COMPANY, "client-42", listOf(ig)).updated == 1uL, "assigned")
    val added = manager.added(COMPANY)
    expect(added.map { it.account.igUserId } == listOf(ig), "added list")
    expect(added[0].liveError == null && added[0].liveFollowersCount != null, "live details")

    // Publish an image and a carousel with progress.
    val publisher = Publisher(manager)
    val before = sandbox.publishedCount(ig)
    val progress = Progress()
    val published = publisher.publish(COMPANY, ig, image("https://images.example.com/k.jpg", "From Kotlin"), "kt-1", progress)
    expect(published.mediaId != null && published.permalink != null, "published")
    expect(progress.events.first() is ProgressEvent.Created, "first event ${progress.events.first()}")
    expect(progress.events.last() is ProgressEvent.Published, "last event")
    val replay = publisher.publish(COMPANY, ig, image("https://images.example.com/k.jpg"), "kt-1", null)
    expect(replay.replayed && replay.mediaId == published.mediaId, "exactly once")
    val carouselProgress = Progress()
    val carousel = publisher.publish(
        COMPANY, ig,
        PostSpec(
            kind = PostKind.CAROUSEL,
            items = listOf(PostItem(url = "https://images.example.com/a.jpg", altText = "Shop"), PostItem(url = "https://images.example.com/b.jpg")),
            caption = "Opening day",
        ),
        null, carouselProgress,
    )
    expect(carousel.itemContainers.size == 2, "two items")
    expect(carouselProgress.events.count { it is ProgressEvent.Created } == 3, "3 containers")
    expect(sandbox.publishedCount(ig) == before + 2u, "two posts on the account")

    // The scheduler publishes through the app's publisher: one view of the quota. A due post
    // runs once; the report is the core's TickReport.
    val scheduler = Scheduler(publisher)
    val quota = publisher.quota(COMPANY, ig)
    val due = scheduler.schedule(COMPANY, ig, image("https://images.example.com/due.jpg"), Instant.now().minusSeconds(1), "kt-due")
    expect(due.status == JobStatus.SCHEDULED, "scheduled")
    val tick: TickReport = scheduler.runDue("kt-worker")
    expect(tick.claimed == 1uL && tick.published == 1uL, "tick $tick")
    expect(scheduler.jobs(COMPANY).first { it.id == due.id }.status == JobStatus.PUBLISHED, "published by the worker")
    expect(publisher.quota(COMPANY, ig).used == quota.used + 1uL, "the scheduled post counts in the publisher's quota")

    // Insights, comments, messages.
    val graph = manager.access(COMPANY, ig)
    val until = Instant.now()
    val reach = graph.accountInsights(listOf("reach"), InsightPeriod.DAY, until.minus(Duration.ofDays(7)), until)
    expect(reach[0].name == "reach" && reach[0].values.size >= 6, "reach values")
    expect(graph.mediaInsights(published.mediaId!!).any { it.name == "reach" }, "media insights")
    val media = graph.media(25u)
    val commented = media.first { (it.commentsCount ?: 0uL) > 0uL }
    val comment = graph.comments(commented.id).first { it.hidden != true }
    val count = sandbox.commentCount(commented.id)
    graph.replyToComment(comment.id, "Thank you from Kotlin!")
    expect(sandbox.commentCount(commented.id) == count + 1u, "reply counted")
    val open = sandbox.conversations().first { it.igUserId == ig && it.window == "open" }
    val messages = sandbox.messageCount(open.id)
    expect(graph.sendMessage(open.userId, "We open at 8!").messageId != null, "sent")
    expect(sandbox.messageCount(open.id) == messages + 1u, "message counted")
    val closed = sandbox.conversations().first { it.igUserId == ig && it.window == "closed" }
    try {
        graph.sendMessage(closed.userId, "Hello?")
        throw AssertionError("a closed window must be refused")
    } catch (e: InstagraphException.Failed) {
        expect(e.kind == ErrorKind.MESSAGING_WINDOW && e.code != null && e.fbtraceId != null, "typed window error $e")
    }

    // Key rotation: B seals, A still opens; after the reseal, B alone reads every token.
    val keyB = generateSealingKey()
    val report = Store.foreign(kotlinStore, keyB, listOf(keyA)).resealTokens()
    expect(report.found >= 1uL && report.resealed == report.found && report.unreadable == 0uL, "resealed $report")
    val afterRotation = AccountManager(client, Store.foreign(kotlinStore, keyB)).access(COMPANY, ig)
    expect(afterRotation.media(1u).isNotEmpty(), "read with the new key alone")
}

fun main() = runBlocking {
    val sandbox = startSandbox(0u)
    try {
        check("full flow with a Kotlin store") { fullFlow(sandbox) }
        val cases = storeConformanceCases()
        check("the conformance suite is complete") { expect(cases.size >= 40, "${cases.size} cases") }
        for (case in cases) {
            check("store conformance $case") {
                val store = MapStore()
                val failure = runStoreConformanceCase(case, store)
                expect(failure == null, failure ?: "")
                expect(store.calls > 0, "the case reached the Kotlin store")
            }
        }
        val manager = AccountManager(
            Client(ClientConfig(appId = "1", appSecret = "s", sandboxUrl = "http://127.0.0.1:9")),
            Store.memory(generateSealingKey()),
        )
        val publisher = Publisher(manager)
        check("garbage: empty ids") {
            invalidArgument("company_id") { manager.add("", listOf("1")) }
            invalidArgument("ids") { manager.add("acme", listOf()) }
            invalidArgument("ids") { manager.add("acme", listOf("")) }
            invalidArgument("callback_url") { manager.finishConnect("") }
        }
        check("garbage: invalid URLs") {
            invalidArgument("image_url") { publisher.publish("acme", "1", image("not a url"), null, null) }
            invalidArgument("hosts") { Client(ClientConfig(appId = "1", sandboxUrl = "::")) }
        }
        check("garbage: huge caption") {
            invalidArgument("caption") { publisher.publish("acme", "1", image("https://x.example/a.jpg", "a".repeat(100_000)), null, null) }
        }
        check("garbage: a time chrono cannot hold") {
            val scheduler = Scheduler(publisher)
            invalidArgument("at") { scheduler.schedule("acme", "1", image("https://x.example/a.jpg"), Instant.MAX, null) }
        }
        check("garbage: bad sealing key") {
            invalidArgument("sealing_key", setOf(ErrorKind.STORE)) { Store.memory("nope") }
        }
    } finally {
        sandbox.stop()
    }
    println("$passed passed, $failed failed")
    if (failed > 0) kotlin.system.exitProcess(1)
}
