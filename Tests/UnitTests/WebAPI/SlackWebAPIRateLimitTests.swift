import Foundation
import Logging
import Synchronization
import Testing

@testable import CurlHTTP
@testable import SlackWebClient

/// ``SlackWebAPI``'s budgets and Slack's `Retry-After`, driven by a ``ManualClock``: every wait is a sleep on that
/// clock, so these tests see each wait's length and decide when it ends, without waiting for real.
struct SlackWebAPIRateLimitTests {
    /// Answers requests from a script, in order (`ok: true` once the script runs out), and records when (on the
    /// manual clock) and to which method each request went.
    final class ScriptedTransport: HTTPTransport {
        struct Sent: Equatable {
            var method: String
            var at: Duration
        }

        private let clock: ManualClock
        private let state: Mutex<(script: [HTTPResponse], sent: [Sent])>

        init(clock: ManualClock, script: [HTTPResponse]) {
            self.clock = clock
            self.state = Mutex((script, []))
        }

        var sent: [Sent] { state.withLock { $0.sent } }

        func perform(_ request: HTTPRequest) async throws -> HTTPResponse {
            let method = String(request.url.split(separator: "/").last ?? "")
            let now = clock.now.offset
            return state.withLock { state in
                state.sent.append(Sent(method: method, at: now))
                return state.script.isEmpty ? SlackWebAPIRateLimitTests.ok() : state.script.removeFirst()
            }
        }
    }

    let clock = ManualClock()

    func api(_ transport: ScriptedTransport, configuration: SlackWebAPI.Configuration = .init()) -> SlackWebAPI {
        SlackWebAPI(baseURL: "https://slack.test/api/", botToken: SlackToken("xoxb-test"), appToken: SlackToken("xapp-test"),
                    transport: transport, configuration: configuration, clock: clock,
                    logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    static func ok(_ fields: String = #""ts":"1.0","url":"wss://socket.test/1","channel":{"id":"C1"}"#) -> HTTPResponse {
        HTTPResponse(status: 200, body: Array(#"{"ok":true,\#(fields)}"#.utf8))
    }

    static func http429(retryAfter: String?) -> HTTPResponse {
        HTTPResponse(status: 429, headers: retryAfter.map { ["Retry-After": $0] } ?? [:],
                     body: Array(#"{"ok":false,"error":"ratelimited"}"#.utf8))
    }

    static func ratelimitedInBody(retryAfter: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: ["Retry-After": retryAfter], body: Array(#"{"ok":false,"error":"ratelimited"}"#.utf8))
    }

    @Test func http429IsWaitedOutForRetryAfterThenRetried() async throws {
        let transport = ScriptedTransport(clock: clock, script: [Self.http429(retryAfter: "7")])
        let api = api(transport)
        async let ts = api.postMessage(channel: "C1", text: "after the window")
        await clock.waitForSleepers()
        #expect(clock.sleepingUntil == [.seconds(7)], "the whole Retry-After window, no more")
        clock.advance(by: .milliseconds(6_999))
        #expect(transport.sent.count == 1, "nothing is sent inside the window")
        clock.advance(by: .milliseconds(1))
        #expect(try await ts == "1.0")
        #expect(transport.sent.map(\.at) == [.zero, .seconds(7)])
    }

    @Test func ratelimitedInTheBodyTakesTheSamePathAndHoldsEveryCallToTheMethod() async throws {
        let transport = ScriptedTransport(clock: clock, script: [Self.ratelimitedInBody(retryAfter: "3")])
        let api = api(transport)
        async let first = api.conversationInfo(channel: "C1")
        await clock.waitForSleepers()
        // A second call to the same method, made inside the window, waits for its end as well.
        async let second = api.conversationInfo(channel: "C2")
        await clock.waitForSleepers(2)
        #expect(clock.sleepingUntil.first == .seconds(3))
        #expect(clock.sleepingUntil.allSatisfy { $0 >= .seconds(3) }, "both wait out the window")
        #expect(await api.queueDepth == 2)
        clock.advance(by: .seconds(3))
        _ = try await first
        #expect(transport.sent.map(\.at) == [.zero, .seconds(3)], "the retry goes at the window's end")
        clock.advance(by: .seconds(1))
        _ = try await second
        #expect(transport.sent.count == 3)
        #expect(transport.sent.allSatisfy { $0.at == .zero || $0.at >= .seconds(3) }, "nothing inside the window")
        #expect(await api.queueDepth == 0)
    }

    @Test func withoutRetryAfterTheConfiguredDefaultIsWaited() async throws {
        let transport = ScriptedTransport(clock: clock, script: [Self.http429(retryAfter: nil)])
        var configuration = SlackWebAPI.Configuration()
        configuration.defaultRetryAfter = .seconds(2)
        let api = api(transport, configuration: configuration)
        async let info = api.conversationInfo(channel: "C1")
        await clock.waitForSleepers()
        #expect(clock.sleepingUntil == [.seconds(2)])
        clock.advance(by: .seconds(2))
        _ = try await info
        #expect(transport.sent.map(\.at) == [.zero, .seconds(2)])
    }

    @Test func afterTheLastRetryTheErrorSaysHowLongSlackAskedToWait() async throws {
        let transport = ScriptedTransport(clock: clock, script: [Self.http429(retryAfter: "5"), Self.ratelimitedInBody(retryAfter: "9")])
        var configuration = SlackWebAPI.Configuration()
        configuration.maximumRateLimitRetries = 1
        let api = api(transport, configuration: configuration)
        async let info = api.conversationInfo(channel: "C1")
        await clock.waitForSleepers()
        clock.advance(by: .seconds(5))
        var thrown: (any Error)?
        do { _ = try await info } catch { thrown = error }
        let error = try #require(thrown as? SlackAPIError)
        #expect(error.kind == .rateLimited)
        #expect(error.retryAfter == .seconds(9))
        #expect(transport.sent.count == 2)
        #expect(clock.sleepingUntil.isEmpty, "no wait after the last attempt")
    }

    @Test func aCallThatDoesNotRetryStillHoldsTheNextOneForTheWindow() async throws {
        let transport = ScriptedTransport(clock: clock, script: [Self.http429(retryAfter: "4")])
        let api = api(transport)
        let error = await #expect(throws: SlackAPIError.self) { _ = try await api.openConnection() }
        #expect(error?.kind == .rateLimited)
        #expect(error?.retryAfter == .seconds(4))
        async let url = api.openConnection()
        await clock.waitForSleepers()
        #expect(clock.sleepingUntil == [.seconds(4)])
        #expect(transport.sent.count == 1)
        clock.advance(by: .seconds(4))
        #expect(try await url == "wss://socket.test/1")
    }

    @Test func postsToOneChannelAreSpacedByItsBudgetCountedFromTheAnswer() async throws {
        let transport = ScriptedTransport(clock: clock, script: [])
        let api = api(transport)
        _ = try await api.postMessage(channel: "C1", text: "first")
        _ = try await api.postMessage(channel: "C2", text: "another channel goes at once")
        async let second = api.postMessage(channel: "C1", text: "second")
        await clock.waitForSleepers()
        #expect(clock.sleepingUntil == [.seconds(1)])
        clock.advance(by: .seconds(1))
        _ = try await second
        #expect(transport.sent.map(\.at) == [.zero, .zero, .seconds(1)])
    }

    @Test func aTierBudgetHoldsCallsBeyondItsBurst() async throws {
        let transport = ScriptedTransport(clock: clock, script: [])
        var configuration = SlackWebAPI.Configuration()
        configuration.budgets.tier3 = RateLimitBudget(burst: 2, interval: .seconds(10))
        let api = api(transport, configuration: configuration)
        _ = try await api.conversationInfo(channel: "C1")
        _ = try await api.conversationInfo(channel: "C2")
        async let third = api.conversationInfo(channel: "C3")
        await clock.waitForSleepers()
        #expect(clock.sleepingUntil == [.seconds(10)])
        clock.advance(by: .seconds(10))
        _ = try await third
        #expect(transport.sent.map(\.at) == [.zero, .zero, .seconds(10)])
    }

    @Test func serverErrorBackoffIsASleepOnTheSameClock() async throws {
        let transport = ScriptedTransport(clock: clock, script: [HTTPResponse(status: 503)])
        var configuration = SlackWebAPI.Configuration()
        configuration.initialBackoff = .seconds(1)
        configuration.maximumBackoff = .seconds(8)
        let api = api(transport, configuration: configuration)
        async let info = api.conversationInfo(channel: "C1")
        await clock.waitForSleepers()
        let backoff = try #require(clock.sleepingUntil.first)
        #expect(backoff > .zero && backoff <= .seconds(2), "full jitter up to twice the first backoff")
        clock.advance(by: backoff)
        _ = try await info
        #expect(transport.sent.map(\.at) == [.zero, backoff])
    }

    @Test func aCallCancelledWhileWaitingLeavesTheLine() async throws {
        let transport = ScriptedTransport(clock: clock, script: [Self.http429(retryAfter: "30")])
        let api = api(transport)
        await withTaskGroup(of: (any Error)?.self) { group in
            group.addTask {
                do { _ = try await api.conversationInfo(channel: "C1") } catch { return error }
                return nil
            }
            await clock.waitForSleepers()
            #expect(await api.queueDepth == 1)
            group.cancelAll()
            let error = await group.next() ?? nil
            #expect(error is CancellationError)
        }
        #expect(await api.queueDepth == 0)
        #expect(transport.sent.count == 1, "nothing sent after the cancellation")
    }
}
