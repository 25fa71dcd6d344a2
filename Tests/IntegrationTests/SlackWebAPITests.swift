import Foundation
import Logging
import SlackSimulator
import Testing
import VigilCore

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

    @Test func anAmbiguousFailureAfterSendingIsReportedNotResent() async throws {
        let stack = try await Stack()
        stack.simulator.injectFault(.dropConnectionAfterReading, method: "chat.postMessage")
        await #expect {
            _ = try await stack.api.postMessage(channel: "C0SIMALERTS", text: "exactly once")
        } throws: { error in
            guard let error = error as? SlackAPIError, case .deliveryUncertain = error.kind else { return false }
            return true
        }
        #expect(stack.simulator.calls(method: "chat.postMessage").count == 1, "never re-sent")
        #expect(try stack.simulator.messages(in: "C0SIMALERTS").filter { $0.text == "exactly once" }.count == 1, "and never doubled")
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
}
