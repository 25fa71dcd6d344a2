import VigilBase
import AlertReading
import CurlHTTP
import SlackWebClient
import Vigil
import Foundation
import Logging
import SlackSimulator
import Testing

/// The Web API actor over the real libcurl driver against the simulator.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct SlackWebAPITests {
    struct Stack {
        let simulator: SlackSimulator
        let curl: CurlMultiDriver
        let api: SlackWebAPI

        init(configuration: SlackSimulator.Configuration = .init(), budgets: RateLimiter<ContinuousClock.Instant>.Budgets = .init(),
             botToken: String = "xoxb-test-webapi") async throws {
            simulator = try await SlackSimulator.start(configuration: configuration)
            curl = try CurlMultiDriver(logger: SocketModeHarness.quietLogger)
            var apiConfiguration = SlackWebAPI.Configuration()
            apiConfiguration.budgets = budgets
            apiConfiguration.initialBackoff = .milliseconds(20)
            api = SlackWebAPI(baseURL: simulator.apiBaseURL, botToken: SlackToken(botToken), appToken: SlackToken("xapp-test-webapi"),
                              transport: curl, configuration: apiConfiguration, logger: SocketModeHarness.quietLogger)
        }

        func stop() async {
            await curl.shutdown()
            await simulator.shutdown()
        }
    }

    @Test func authTestReportsIdentityAndScopes() async throws {
        let stack = try await Stack()
        let identity = try await stack.api.authTest()
        #expect(identity.teamID == "T0SIMTEAM")
        #expect(identity.userID == "U0SIMBOT")
        #expect(identity.botID == "B0SIMBOT")
        #expect(identity.grantedScopes.contains("chat:write"))
        let call = try #require(stack.simulator.calls(method: "auth.test").first)
        #expect(call.token == "xoxb-test-webapi")
        await stack.stop()
    }

    @Test func slacksTransientErrorsAreRetriedWhereThatCannotDoublePost() async throws {
        let stack = try await Stack()
        // Not carried out: retried, for a read and for a post alike.
        stack.simulator.injectFault(.slackError("service_unavailable"), method: "conversations.history")
        stack.simulator.injectFault(.slackError("request_timeout"), method: "chat.postMessage")
        _ = try await stack.api.conversationHistory(channel: "C0SIMALERTS", oldest: nil, limit: 10)
        #expect(stack.simulator.calls(method: "conversations.history").count == 2)
        _ = try await stack.api.postMessage(channel: "C0SIMALERTS", text: "after request_timeout")
        #expect(stack.simulator.calls(method: "chat.postMessage").count == 2)
        // Maybe partly carried out: a read is retried, a post is reported as uncertain and not sent again.
        stack.simulator.injectFault(.slackError("internal_error"), method: "conversations.history")
        _ = try await stack.api.conversationHistory(channel: "C0SIMALERTS", oldest: nil, limit: 10)
        #expect(stack.simulator.calls(method: "conversations.history").count == 4)
        stack.simulator.injectFault(.slackError("internal_error"), method: "chat.postMessage")
        let error = await #expect(throws: SlackAPIError.self) {
            _ = try await stack.api.postMessage(channel: "C0SIMALERTS", text: "after internal_error")
        }
        #expect(error?.kind == .deliveryUncertain("Slack answered internal_error"))
        #expect(error?.isTransient == true)
        #expect(stack.simulator.calls(method: "chat.postMessage").count == 3)
        await stack.stop()
    }

    @Test func retryAfterIsHonouredAndTheMessageStillDelivered() async throws {
        let stack = try await Stack()
        stack.simulator.injectFault(.rateLimited(retryAfterSeconds: 3), method: "chat.postMessage")
        let ts = try await stack.api.postMessage(channel: "C0SIMALERTS", text: "after the window")
        #expect(!ts.isEmpty)
        let calls = stack.simulator.calls(method: "chat.postMessage")
        #expect(calls.count == 2)
        #expect(calls[1].receivedAt - calls[0].receivedAt >= .seconds(3), "no call inside the Retry-After window")
        #expect(try stack.simulator.messages(in: "C0SIMALERTS").contains { $0.text == "after the window" })
        await stack.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func thirtyPostsInOneSecondAreAllDeliveredWithFewRateLimits() async throws {
        let stack = try await Stack()
        try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<30 {
                group.addTask { try await stack.api.postMessage(channel: "C0SIMOPS", text: "storm \(index)") }
            }
            try await group.waitForAll()
        }
        let delivered = try stack.simulator.messages(in: "C0SIMOPS").filter { ($0.text ?? "").hasPrefix("storm ") }
        #expect(delivered.count == 30)
        let limited = stack.simulator.calls(method: "chat.postMessage").filter { $0.responseStatus == 429 }
        #expect(limited.count <= 3, "the budget avoids 429s instead of reacting to them")
        await stack.stop()
    }

    @Test func serverErrorsAreRetriedThenDelivered() async throws {
        let stack = try await Stack()
        stack.simulator.injectFault(.serverError(status: 503), method: "chat.postMessage", count: 2)
        _ = try await stack.api.postMessage(channel: "C0SIMALERTS", text: "through the 503s")
        #expect(stack.simulator.calls(method: "chat.postMessage").count == 3)
        #expect(try stack.simulator.messages(in: "C0SIMALERTS").filter { $0.text == "through the 503s" }.count == 1)
        await stack.stop()
    }

    /// Posts "exactly once" while the simulator drops the connection after reading the request: the post must
    /// fail as ``SlackAPIError/Kind/deliveryUncertain``.
    private func postIsReportedUncertainWhenTheConnectionDrops(_ stack: Stack) async throws {
        stack.simulator.injectFault(.dropConnectionAfterReading, method: "chat.postMessage")
        await #expect {
            _ = try await stack.api.postMessage(channel: "C0SIMALERTS", text: "exactly once")
        } throws: { error in
            guard let error = error as? SlackAPIError, case .deliveryUncertain = error.kind else { return false }
            return true
        }
    }

    @Test func anAmbiguousFailureAfterSendingIsReportedNotResent() async throws {
        let stack = try await Stack()
        try await postIsReportedUncertainWhenTheConnectionDrops(stack)
        #expect(stack.simulator.calls(method: "chat.postMessage").count == 1, "never re-sent")
        #expect(try stack.simulator.messages(in: "C0SIMALERTS").filter { $0.text == "exactly once" }.count == 1, "and never doubled")
        await stack.stop()
    }

    /// libcurl silently sends a request again when a *reused* connection dies before any answer byte; a post must
    /// not be, so its transfer fails instead (found by the alert-channel tests: the reply appeared twice).
    @Test func anAmbiguousFailureOnAReusedConnectionIsNotResentByLibcurl() async throws {
        let stack = try await Stack()
        _ = try await stack.api.authTest()  // leaves a kept-alive connection for the post to reuse
        try await postIsReportedUncertainWhenTheConnectionDrops(stack)
        let posts = stack.simulator.calls(method: "chat.postMessage")
        #expect(posts.count == 1, "never re-sent: \(posts.map(\.description))")
        #expect(posts.first?.httpConnection == stack.simulator.calls(method: "auth.test").first?.httpConnection, "the connection was reused")
        #expect(try stack.simulator.messages(in: "C0SIMALERTS").filter { $0.text == "exactly once" }.count == 1)
        // An idempotent read on a dropped reused connection is still retried (by libcurl or the client).
        stack.simulator.injectFault(.dropConnectionAfterReading, method: "conversations.info")
        _ = try await stack.api.conversationInfo(channel: "C0SIMALERTS")
        await stack.stop()
    }

    @Test func notInChannelJoinsThenDelivers() async throws {
        let stack = try await Stack()
        _ = try await stack.api.postMessage(channel: "C0SIMRANDOM", text: "joined first")
        #expect(stack.simulator.calls(method: "conversations.join").count == 1)
        #expect(try stack.simulator.messages(in: "C0SIMRANDOM").contains { $0.text == "joined first" })
        await stack.stop()
    }

    @Test func revokedTokenIsAFatalTypedError() async throws {
        var configuration = SlackSimulator.Configuration()
        configuration.revokedTokens = ["xoxb-test-revoked"]
        let stack = try await Stack(configuration: configuration, botToken: "xoxb-test-revoked")
        await #expect {
            _ = try await stack.api.authTest()
        } throws: { error in
            guard let error = error as? SlackAPIError else { return false }
            return error.isFatalAuth && error.code == "token_revoked" && !error.description.contains("xoxb-test-revoked")
        }
        await stack.stop()
    }

    @Test func missingScopeNamesNeededAndProvided() async throws {
        let stack = try await Stack()
        stack.simulator.injectFault(.slackError("missing_scope", extra: ["needed": "reactions:write", "provided": "chat:write"]),
                                    method: "reactions.add")
        await #expect {
            try await stack.api.addReaction(channel: "C0SIMALERTS", ts: "1.0", name: "eyes")
        } throws: { error in
            guard let error = error as? SlackAPIError else { return false }
            return error.needed == "reactions:write" && error.provided == "chat:write"
        }
        await stack.stop()
    }

    /// `conversations.history` and `conversations.replies` over pages the simulator caps at 2 messages, with the
    /// metadata of Vigil's posts returned only when asked for.
    @Test func historyAndRepliesFollowTheCursorAndReturnMetadataWhenAsked() async throws {
        var configuration = SlackSimulator.Configuration()
        configuration.maximumPageSize = 2
        configuration.channelPostRateLimit = nil
        let stack = try await Stack(configuration: configuration)
        let channel = "C0SIMALERTS"
        let before = try stack.simulator.postAsBot(channel: channel, text: "before the cursor")
        var posted: [String] = []
        for index in 1...5 { posted.append(try stack.simulator.postAsBot(channel: channel, text: "alert \(index)")) }
        let tag = VigilMessageMetadata.investigation(7)
        var replies: [String] = []
        for index in 1...3 {
            replies.append(try await stack.api.postMessage(channel: channel, text: "reply \(index)", threadTS: posted[0],
                                                           metadata: tag.json))
        }

        var pages = CatchUpPages(limit: 100)
        while case .fetch(let cursor, let limit) = pages.next {
            let page = try await stack.api.historyPage(channel: channel, oldest: before, limit: limit, cursor: cursor)
            #expect(page.messages.count <= 2)
            pages.add(page.messages, nextCursor: page.nextCursor)
        }
        #expect(pages.pagesRead == 3)
        #expect(pages.messagesOldestFirst.compactMap { $0["ts"]?.stringValue } == posted)

        let thread = try await stack.api.thread(channel: channel, ts: posted[0])
        #expect(thread.compactMap { $0["ts"]?.stringValue } == [posted[0]] + replies)
        #expect(stack.simulator.calls(method: "conversations.replies").count == 2, "4 messages at most 2 a page")
        let own = MessageClassifier.OwnIdentity(botID: "B0SIMBOT", userID: "U0SIMBOT")
        #expect(tag.findOwn(in: thread, own: own) == replies[0])
        let withoutMetadata = try await stack.api.conversationReplies(channel: channel, ts: posted[0])
        #expect(withoutMetadata.allSatisfy { $0["metadata"] == nil })
        await stack.stop()
    }
}
