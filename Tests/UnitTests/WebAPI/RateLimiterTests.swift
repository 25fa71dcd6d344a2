import Testing

@testable import SlackWebClient
@testable import VigilBase

/// The limiter is driven with explicit instants: nothing sleeps.
struct RateLimiterTests {
    typealias Limiter = RateLimiter<ContinuousClock.Instant>
    let start = ContinuousClock.now

    @Test func bucketRefillsAtItsRate() {
        var bucket = TokenBucket(capacity: 2, refillInterval: .seconds(1), now: start)
        check(bucket.tryTake(at: start))
        check(bucket.tryTake(at: start))
        check(!bucket.tryTake(at: start))
        check(bucket.waitTime(at: start) == .seconds(1))
        check(bucket.waitTime(at: start + .milliseconds(400)) == .milliseconds(600))
        check(bucket.tryTake(at: start + .seconds(1)))
        // Never more than the capacity, however long it rested.
        check(bucket.tryTake(at: start + .seconds(100)))
        check(bucket.tryTake(at: start + .seconds(100)))
        check(!bucket.tryTake(at: start + .seconds(100)))
    }

    @Test func retryAfterBlocksTheBucketForItsWholeWindow() {
        var bucket = TokenBucket(capacity: 10, refillInterval: .milliseconds(10), now: start)
        bucket.block(for: .seconds(3), at: start)
        check(bucket.waitTime(at: start) == .seconds(3))
        check(!bucket.tryTake(at: start + .milliseconds(2_999)))
        check(bucket.tryTake(at: start + .seconds(3)))
    }

    @Test func postMessageIsLimitedPerChannel() {
        var limiter = Limiter()
        let keysA = limiter.keys(for: .chatPostMessage, channel: "C1")
        let keysB = limiter.keys(for: .chatPostMessage, channel: "C2")
        let first = limiter.ticket(priority: .investigation)
        check(limiter.acquire(keysA, ticket: first, now: start) == .zero)
        let second = limiter.ticket(priority: .investigation)
        let wait = limiter.acquire(keysA, ticket: second, now: start)
        #expect(wait >= .seconds(1), "one post per second per channel")
        let other = limiter.ticket(priority: .investigation)
        check(limiter.acquire(keysB, ticket: other, now: start) == .zero, "another channel has its own budget")
        check(limiter.acquire(keysA, ticket: second, now: start + .seconds(1)) == .zero)
    }

    @Test func higherPriorityGoesFirstWhenBudgetIsShort() {
        var limiter = Limiter()
        let keys = limiter.keys(for: .chatPostMessage, channel: "C1")
        let opener = limiter.ticket(priority: .investigation)
        check(limiter.acquire(keys, ticket: opener, now: start) == .zero)
        let status = limiter.ticket(priority: .statusUpdate)
        check(limiter.acquire(keys, ticket: status, now: start) > .zero)
        let investigation = limiter.ticket(priority: .investigation)
        check(limiter.acquire(keys, ticket: investigation, now: start) > .zero)
        // When the next token is there, the status update (older) must still wait for the investigation.
        let later = start + .seconds(1)
        check(limiter.acquire(keys, ticket: status, now: later) > .zero)
        check(limiter.acquire(keys, ticket: investigation, now: later) == .zero)
        check(limiter.acquire(keys, ticket: status, now: later + .seconds(1)) == .zero)
        #expect(limiter.waitingCount == 0)
    }

    @Test func sameTierCallsAreServedOldestFirst() {
        var limiter = Limiter()
        let keys = limiter.keys(for: .chatUpdate, channel: nil)
        var tickets: [Limiter.Ticket] = []
        for _ in 0..<12 {
            let ticket = limiter.ticket(priority: .statusUpdate)
            tickets.append(ticket)
            _ = limiter.acquire(keys, ticket: ticket, now: start)
        }
        // Tier 3: burst 10 went at once; the 11th waits, and the 12th waits longer.
        let eleventh = limiter.acquire(keys, ticket: tickets[10], now: start)
        let twelfth = limiter.acquire(keys, ticket: tickets[11], now: start)
        #expect(eleventh > .zero)
        #expect(twelfth > eleventh)
    }

    @Test func aLineForTheWorkspaceBudgetMovesAtThatBudgetsPace() {
        // 100 posts to 40 channels at once: 30 go (the workspace burst), the rest queue for the workspace budget
        // (5/s). The call 10 places back in that line must come back in about 2 s, not 10 s (paced by a channel's
        // 1 s interval, as an earlier version did, which throttled alert storms to about one post a second).
        var limiter = Limiter()
        var waits: [Duration] = []
        for index in 0..<100 {
            let keys = limiter.keys(for: .chatPostMessage, channel: "C\(index % 40)")
            waits.append(limiter.acquire(keys, ticket: limiter.ticket(priority: .investigation), now: start))
        }
        #expect(waits.prefix(30).allSatisfy { $0 == .zero })
        #expect(waits[40] > .zero)
        #expect(waits[40] <= .seconds(3), "\(waits[40])")
        // Serving the whole line at 5/s takes about 14 s; nobody is told to wait much longer than that.
        #expect(waits.max()! <= .seconds(16), "\(waits.max()!)")
    }

    @Test func withdrawnCallsLeaveTheLine() {
        var limiter = Limiter()
        let keys = limiter.keys(for: .chatPostMessage, channel: "C1")
        _ = limiter.acquire(keys, ticket: limiter.ticket(priority: .investigation), now: start)
        let waiting = limiter.ticket(priority: .investigation)
        _ = limiter.acquire(keys, ticket: waiting, now: start)
        #expect(limiter.waitingCount == 1)
        limiter.withdraw(waiting)
        #expect(limiter.waitingCount == 0)
    }

    @Test func unlimitedBudgetsNeverWait() {
        var limiter = Limiter(budgets: .unlimited)
        let keys = limiter.keys(for: .chatPostMessage, channel: "C1")
        for _ in 0..<1_000 {
            check(limiter.acquire(keys, ticket: limiter.ticket(priority: .statusUpdate), now: start) == .zero)
        }
    }

    @Test func blockingAChannelLeavesOtherChannelsAlone() {
        var limiter = Limiter()
        limiter.block([.channel("C1")], for: .seconds(3), now: start)
        let c1 = limiter.acquire(limiter.keys(for: .chatPostMessage, channel: "C1"), ticket: limiter.ticket(priority: .investigation), now: start)
        let c2 = limiter.acquire(limiter.keys(for: .chatPostMessage, channel: "C2"), ticket: limiter.ticket(priority: .investigation), now: start)
        #expect(c1 >= .seconds(3))
        #expect(c2 == .zero)
    }
}

struct MessageLimitsTests {
    @Test func longTextIsTrimmedVisibly() {
        let fitted = MessageLimits.fit(text: String(repeating: "x", count: 50_000), blocks: nil)
        #expect(fitted.text.count == MessageLimits.maximumTextCharacters)
        #expect(fitted.text.hasSuffix("…"))
    }

    @Test func tooManyBlocksAreCutWithANote() {
        let blocks = (0..<80).map { index in
            JSONValue.object(["type": .string("section"), "text": .object(["type": .string("mrkdwn"), "text": .string("b\(index)")])])
        }
        let fitted = MessageLimits.fit(text: "t", blocks: blocks)
        let result = fitted.blocks ?? []
        #expect(result.count == 50)
        #expect(result.last?["elements"]?.arrayValue?.first?["text"]?.stringValue == "… 31 more blocks omitted")
    }

    @Test func longSectionAndHeaderTextsAreTrimmed() {
        let blocks: [JSONValue] = [
            .object(["type": .string("header"), "text": .object(["type": .string("plain_text"), "text": .string(String(repeating: "h", count: 500))])]),
            .object(["type": .string("section"), "text": .object(["type": .string("mrkdwn"), "text": .string(String(repeating: "s", count: 5_000))])]),
        ]
        let fitted = MessageLimits.fit(text: "t", blocks: blocks)
        #expect(fitted.blocks?[0]["text"]?["text"]?.stringValue?.count == 150)
        #expect(fitted.blocks?[1]["text"]?["text"]?.stringValue?.count == 3_000)
    }
}

struct SlackTokenTests {
    @Test func tokensNeverShowThemselves() {
        let token = SlackToken("xoxb-test-1234567890-secretpart")
        let renderings = ["\(token)", String(describing: token), String(reflecting: token), { var out = ""; dump(token, to: &out); return out }()]
        for rendering in renderings {
            #expect(!rendering.contains("secretpart"), "\(rendering)")
            #expect(!rendering.contains("1234567890"))
        }
        #expect("\(token)" == "xoxb-…redacted")
    }

    @Test func errorDescriptionsCarryNoToken() {
        let error = SlackAPIError(method: "auth.test", kind: .slack("invalid_auth"))
        #expect(error.isFatalAuth)
        #expect(!error.description.contains("xoxb"))
        let scope = SlackAPIError(method: "chat.postMessage", kind: .slack("missing_scope"), needed: "chat:write", provided: "channels:read")
        #expect(scope.description.contains("needs chat:write"))
        #expect(scope.description.contains("has channels:read"))
        #expect(!scope.isFatalAuth)
    }

    @Test func transientFailuresAreRetriedAndWhatARestartCannotFixIsNot() {
        let transient: [SlackAPIError.Kind] = [
            .unavailable("HTTP 503"), .rateLimited, .malformedResponse(502), .queueFull,
            .slack("internal_error"), .slack("fatal_error"), .slack("service_unavailable"), .slack("request_timeout"),
            .slack("ratelimited"),
        ]
        for kind in transient {
            let error = SlackAPIError(method: "auth.test", kind: kind)
            #expect(error.isTransient && !error.isFatal, "\(kind)")
        }
        for code in ["invalid_auth", "token_revoked", "missing_scope", "not_allowed_token_type", "channel_not_found"] {
            #expect(!SlackAPIError(method: "auth.test", kind: .slack(code)).isTransient, "\(code)")
        }
    }
}

/// `#expect` cannot evaluate mutating calls; this evaluates the condition first, then expects it.
private func check(_ condition: Bool, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(condition, comment, sourceLocation: sourceLocation)
}
