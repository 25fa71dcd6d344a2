import Foundation
import Logging
import Metrics
import CurlHTTP
import VigilBase

/// The one Web API client of a workspace: every outbound call Vigil makes for that workspace goes through here.
///
/// - **Budgets before calls.** Each call reserves its rate-limit budget (per tier; per channel for
///   `chat.postMessage`) before its first suspension point, in priority order (``CallPriority``), so Vigil avoids
///   429s rather than reacting to them. The queue of waiting calls is bounded; when it is full, status updates are
///   refused with ``SlackAPIError/Kind/queueFull`` instead of piling up.
/// - **When Slack says no.** HTTP 429 / `ratelimited`: no call to that method (or channel) before `Retry-After`, then
///   retry (one path for both, through the same budgets every call waits for). 502/503 (and 5xx on idempotent calls) and connection failures that certainly did not reach Slack: bounded retries with
///   exponential backoff and full jitter (502/503 mean the request never reached Slack's backend). A post (or any
///   non-idempotent call) whose fate is unknown — a timeout or a
///   dropped connection after sending, an HTTP 500 or 504 — is **not** re-sent; it fails with
///   ``SlackAPIError/Kind/deliveryUncertain`` so nothing is posted twice. `not_in_channel` on `chat.postMessage`:
///   `conversations.join` once, then the post again. Revoked or invalid tokens: ``SlackAPIError/isFatalAuth``, also
///   reported to `onFatalAuth`.
/// - **One clock.** Every wait — for budget, `Retry-After` or a backoff — is a sleep on the injected clock, so tests
///   drive rate limiting with a clock they move by hand.
/// - **Secrets.** Tokens are held as ``SlackToken`` and only ever written into the `Authorization` header.
public actor SlackWebAPI {
    /// Limits and retry policy.
    public struct Configuration: Sendable {
        public var budgets: RateLimitBudgets
        /// Attempts after a 429 before giving up.
        public var maximumRateLimitRetries: Int
        /// Retries after a 5xx or a connection failure.
        public var maximumServerErrorRetries: Int
        /// First backoff delay; doubles each retry, with full jitter, capped at ``maximumBackoff``.
        public var initialBackoff: Duration
        public var maximumBackoff: Duration
        /// Used when a 429 carries no `Retry-After`.
        public var defaultRetryAfter: Duration
        public var connectTimeout: Duration
        public var requestTimeout: Duration
        /// Calls that may wait for budget at once.
        public var queueCapacity: Int

        public init(
            budgets: RateLimitBudgets = .init(),
            maximumRateLimitRetries: Int = 5,
            maximumServerErrorRetries: Int = 3,
            initialBackoff: Duration = .milliseconds(250),
            maximumBackoff: Duration = .seconds(8),
            defaultRetryAfter: Duration = .seconds(1),
            connectTimeout: Duration = .seconds(5),
            requestTimeout: Duration = .seconds(15),
            queueCapacity: Int = 500
        ) {
            self.budgets = budgets
            self.maximumRateLimitRetries = maximumRateLimitRetries
            self.maximumServerErrorRetries = maximumServerErrorRetries
            self.initialBackoff = initialBackoff
            self.maximumBackoff = maximumBackoff
            self.defaultRetryAfter = defaultRetryAfter
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.queueCapacity = queueCapacity
        }
    }

    /// What `auth.test` says about the bot token.
    public struct AuthTestResult: Sendable, Equatable {
        public var team: String
        public var teamID: String
        public var user: String
        public var userID: String
        public var botID: String?
        public var url: String?
        /// From the `x-oauth-scopes` response header.
        public var grantedScopes: [String]
    }

    private let baseURL: String
    private let botToken: SlackToken
    private let appToken: SlackToken?
    private let transport: any HTTPTransport
    private let configuration: Configuration
    private let logger: Logger
    private let onFatalAuth: @Sendable (SlackAPIError) -> Void
    private let clock: ElapsedClock
    private var limiter: RateLimiter<ElapsedClock.Instant>
    private var random = SystemRandomNumberGenerator()
    private let queueDepthGauge = Gauge(label: "vigil_webapi_queue_depth")
    private let queueWaitTimer = Metrics.Timer(label: "vigil_webapi_queue_wait_seconds")

    /// - Parameters:
    ///   - baseURL: the Web API base, e.g. `https://slack.com/api/` (`SLACK_API_URL`).
    ///   - botToken: the `xoxb-` token for everything but `apps.connections.open`.
    ///   - appToken: the `xapp-` token for `apps.connections.open`.
    ///   - transport: the libcurl driver (shared by all workspaces).
    ///   - configuration: budgets and retry policy.
    ///   - clock: what every wait sleeps on (budget, `Retry-After`, backoff); tests pass a clock they move by hand.
    ///   - logger: failures and retries; never a token.
    ///   - onFatalAuth: called when Slack says a token no longer works.
    public init(
        baseURL: String,
        botToken: SlackToken,
        appToken: SlackToken?,
        transport: any HTTPTransport,
        configuration: Configuration = Configuration(),
        clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger,
        onFatalAuth: @escaping @Sendable (SlackAPIError) -> Void = { _ in }
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        self.botToken = botToken
        self.appToken = appToken
        self.transport = transport
        self.configuration = configuration
        self.logger = logger
        self.onFatalAuth = onFatalAuth
        self.clock = ElapsedClock(clock)
        self.limiter = RateLimiter(budgets: configuration.budgets)
    }

    /// Calls waiting for rate-limit budget now.
    public var queueDepth: Int { limiter.waitingCount }

    // MARK: - Typed calls

    /// `auth.test` with the bot token.
    /// - Parameter retryingUnavailable: `false` reports Slack unreachable or answering 5xx after one attempt, for a
    ///   caller that retries on its own and says meanwhile that it waits (the start of a workspace).
    public func authTest(retryingUnavailable: Bool = true) async throws -> AuthTestResult {
        let (body, response) = try await call(.authTest, arguments: [:], priority: .investigation,
                                              retryServerErrors: retryingUnavailable)
        let scopes = (response[header: "x-oauth-scopes"] ?? "")
            .split(separator: ",").map { $0.trimmed() }.filter { !$0.isEmpty }
        return AuthTestResult(
            team: body["team"]?.stringValue ?? "",
            teamID: body["team_id"]?.stringValue ?? "",
            user: body["user"]?.stringValue ?? "",
            userID: body["user_id"]?.stringValue ?? "",
            botID: body["bot_id"]?.stringValue,
            url: body["url"]?.stringValue,
            grantedScopes: scopes
        )
    }

    /// `apps.connections.open` with the app-level token: a fresh single-use Socket Mode URL.
    public func openConnection() async throws -> String {
        guard let appToken else {
            throw SlackAPIError(method: SlackMethod.appsConnectionsOpen.name, kind: .slack("not_authed"))
        }
        let (body, _) = try await call(.appsConnectionsOpen, token: appToken, arguments: [:], priority: .investigation,
                                       retryRateLimits: false)
        guard let url = body["url"]?.stringValue else {
            throw SlackAPIError(method: SlackMethod.appsConnectionsOpen.name, kind: .malformedResponse(200))
        }
        return url
    }

    /// `chat.postMessage`; returns the message's ts.
    /// - Parameter metadata: Slack message metadata (`{"event_type": …, "event_payload": {…}}`), if any.
    public func postMessage(channel: String, text: String, blocks: [JSONValue]? = nil, threadTS: String? = nil,
                            metadata: JSONValue? = nil, priority: CallPriority = .investigation) async throws -> String {
        let fitted = MessageLimits.fit(text: text, blocks: blocks)
        var arguments: [String: JSONValue] = ["channel": .string(channel), "text": .string(fitted.text)]
        if let blocks = fitted.blocks { arguments["blocks"] = .array(blocks) }
        if let threadTS { arguments["thread_ts"] = .string(threadTS) }
        if let metadata { arguments["metadata"] = metadata }
        let (body, _) = try await call(.chatPostMessage, arguments: arguments, channel: channel, priority: priority)
        return body["ts"]?.stringValue ?? ""
    }

    /// `chat.update`.
    public func updateMessage(channel: String, ts: String, text: String, blocks: [JSONValue]? = nil,
                              priority: CallPriority = .statusUpdate) async throws {
        let fitted = MessageLimits.fit(text: text, blocks: blocks)
        var arguments: [String: JSONValue] = ["channel": .string(channel), "ts": .string(ts), "text": .string(fitted.text)]
        if let blocks = fitted.blocks { arguments["blocks"] = .array(blocks) }
        _ = try await call(.chatUpdate, arguments: arguments, priority: priority)
    }

    /// `chat.postEphemeral`.
    public func sendEphemeral(channel: String, user: String, text: String, blocks: [JSONValue]? = nil,
                              threadTS: String? = nil) async throws {
        let fitted = MessageLimits.fit(text: text, blocks: blocks)
        var arguments: [String: JSONValue] = ["channel": .string(channel), "user": .string(user), "text": .string(fitted.text)]
        if let blocks = fitted.blocks { arguments["blocks"] = .array(blocks) }
        if let threadTS { arguments["thread_ts"] = .string(threadTS) }
        _ = try await call(.chatPostEphemeral, arguments: arguments, priority: .investigation)
    }

    /// `chat.getPermalink`.
    public func permalink(channel: String, ts: String) async throws -> String {
        let (body, _) = try await call(.chatGetPermalink, arguments: ["channel": .string(channel), "message_ts": .string(ts)],
                                       priority: .statusUpdate)
        return body["permalink"]?.stringValue ?? ""
    }

    /// `reactions.add`; `already_reacted` is success.
    public func addReaction(channel: String, ts: String, name: String) async throws {
        do {
            _ = try await call(.reactionsAdd, arguments: ["channel": .string(channel), "timestamp": .string(ts), "name": .string(name)],
                               priority: .reaction)
        } catch let error as SlackAPIError where error.code == "already_reacted" {
            return
        }
    }

    /// `reactions.remove`; `no_reaction` is success.
    public func removeReaction(channel: String, ts: String, name: String) async throws {
        do {
            _ = try await call(.reactionsRemove, arguments: ["channel": .string(channel), "timestamp": .string(ts), "name": .string(name)],
                               priority: .reaction)
        } catch let error as SlackAPIError where error.code == "no_reaction" {
            return
        }
    }

    /// `conversations.info`: the channel object.
    public func conversationInfo(channel: String) async throws -> JSONValue {
        let (body, _) = try await call(.conversationsInfo, arguments: ["channel": .string(channel)], priority: .statusUpdate)
        return body["channel"] ?? .null
    }

    /// `conversations.members`, every page: the user ids (`U…`/`W…`) in a conversation, the bot included.
    ///
    /// - Parameters:
    ///   - channel: The conversation id.
    ///   - maximumPages: Pages of 1000 read at most (a channel bigger than that is cut off, logged by the caller).
    /// - Returns: The members.
    public func conversationMembers(channel: String, maximumPages: Int = 20) async throws -> Set<String> {
        var members: Set<String> = []
        var cursor: String?
        for _ in 0..<max(1, maximumPages) {
            var arguments: [String: JSONValue] = ["channel": .string(channel), "limit": .number(1000)]
            if let cursor { arguments["cursor"] = .string(cursor) }
            let (body, _) = try await call(.conversationsMembers, arguments: arguments, priority: .investigation)
            members.formUnion((body["members"]?.arrayValue ?? []).compactMap(\.stringValue))
            guard let next = body["response_metadata"]?["next_cursor"]?.stringValue, !next.isEmpty else { break }
            cursor = next
        }
        return members
    }

    /// `conversations.history`, oldest first within the page: messages after `oldest` (exclusive).
    /// - Parameter includeAllMetadata: ask for each message's metadata (`include_all_metadata`).
    public func conversationHistory(channel: String, oldest: String?, limit: Int, cursor: String? = nil,
                                    includeAllMetadata: Bool = false) async throws
        -> (messages: [JSONValue], nextCursor: String?)
    {
        var arguments: [String: JSONValue] = ["channel": .string(channel), "limit": .number(Double(limit))]
        if let oldest { arguments["oldest"] = .string(oldest) }
        if let cursor { arguments["cursor"] = .string(cursor) }
        if includeAllMetadata { arguments["include_all_metadata"] = .bool(true) }
        let (body, _) = try await call(.conversationsHistory, arguments: arguments, priority: .statusUpdate)
        let cursorValue = body["response_metadata"]?["next_cursor"]?.stringValue
        return (Array((body["messages"]?.arrayValue ?? []).reversed()), cursorValue?.isEmpty == false ? cursorValue : nil)
    }

    /// `conversations.replies`: the thread's messages, root first, following `next_cursor` over every page (at most
    /// `maximumPages`; a cursor Slack repeats ends the read).
    /// - Parameters:
    ///   - limit: messages asked for per page.
    ///   - includeAllMetadata: ask for each message's metadata (`include_all_metadata`).
    public func conversationReplies(channel: String, ts: String, limit: Int = 200, includeAllMetadata: Bool = false,
                                    maximumPages: Int = 50) async throws -> [JSONValue] {
        var messages: [JSONValue] = []
        var cursor: String?
        var cursorsSeen: Set<String> = []
        for _ in 0..<max(1, maximumPages) {
            var arguments: [String: JSONValue] = ["channel": .string(channel), "ts": .string(ts), "limit": .number(Double(limit))]
            if let cursor { arguments["cursor"] = .string(cursor) }
            if includeAllMetadata { arguments["include_all_metadata"] = .bool(true) }
            let (body, _) = try await call(.conversationsReplies, arguments: arguments, priority: .statusUpdate)
            messages += body["messages"]?.arrayValue ?? []
            guard let next = body["response_metadata"]?["next_cursor"]?.stringValue, !next.isEmpty,
                  cursorsSeen.insert(next).inserted
            else { break }
            cursor = next
        }
        return messages
    }

    /// `conversations.join` (public channels).
    public func joinConversation(channel: String) async throws {
        _ = try await call(.conversationsJoin, arguments: ["channel": .string(channel)], priority: .investigation)
    }

    /// `conversations.open` with one user: the DM channel id.
    public func openDirectMessage(user: String) async throws -> String {
        let (body, _) = try await call(.conversationsOpen, arguments: ["users": .string(user)], priority: .investigation)
        return body["channel"]?["id"]?.stringValue ?? user
    }

    /// `users.info`: the user object.
    public func userInfo(user: String) async throws -> JSONValue {
        let (body, _) = try await call(.usersInfo, arguments: ["user": .string(user)], priority: .statusUpdate)
        return body["user"] ?? .null
    }

    /// `usergroups.users.list`: the members of a user group.
    public func userGroupMembers(_ group: String) async throws -> Set<String> {
        let (body, _) = try await call(.usergroupsUsersList, arguments: ["usergroup": .string(group)], priority: .investigation)
        return Set((body["users"]?.arrayValue ?? []).compactMap(\.stringValue))
    }

    /// `views.open`.
    public func openView(triggerID: String, view: JSONValue) async throws {
        _ = try await call(.viewsOpen, arguments: ["trigger_id": .string(triggerID), "view": view], priority: .investigation)
    }

    /// `views.publish` (App Home).
    public func publishView(user: String, view: JSONValue) async throws {
        _ = try await call(.viewsPublish, arguments: ["user_id": .string(user), "view": view], priority: .statusUpdate)
    }

    /// POSTs a payload to a slash command's or interaction's `response_url` (no token; Slack allows 5 uses in 30 min).
    public func respond(toResponseURL url: String, payload: JSONValue) async throws {
        let body = try [UInt8](JSONEncoder().encode(payload))
        var attempt = 0
        while true {
            var request = HTTPRequest(method: .post, url: url, headers: [("Content-Type", "application/json; charset=utf-8")],
                                      body: body, connectTimeout: configuration.connectTimeout, timeout: configuration.requestTimeout)
            request.mayBeSentAgain = false  // an answer posted twice would show twice
            do {
                let response = try await transport.perform(request)
                guard response.status < 300 else {
                    throw SlackAPIError(method: "response_url", kind: .unavailable("HTTP \(response.status)"))
                }
                return
            } catch let failure as any HTTPTransportFailure where failure.requestCertainlyNotDelivered
                && attempt < configuration.maximumServerErrorRetries
            {
                attempt += 1
                try await clock.sleep(for: backoff(attempt))
            } catch let error as SlackAPIError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                throw SlackAPIError(method: "response_url", kind: .deliveryUncertain("\(error)"))
            }
        }
    }

    // MARK: - The call path

    /// Performs one Web API call with budgets, retries and error translation.
    /// - Returns: Slack's JSON body (with `ok: true`) and the HTTP response.
    public func call(
        _ method: SlackMethod,
        token: SlackToken? = nil,
        arguments: [String: JSONValue],
        channel: String? = nil,
        priority: CallPriority,
        retryRateLimits: Bool = true,
        retryServerErrors: Bool = true
    ) async throws -> (body: JSONValue, response: HTTPResponse) {
        let token = token ?? botToken
        let maximumServerRetries = retryServerErrors ? configuration.maximumServerErrorRetries : 0
        let request = try makeRequest(method, token: token, arguments: arguments)
        var rateLimitRetries = 0
        var serverRetries = 0
        var joined = false
        var outcome = "error"
        defer { Counter(label: "vigil_webapi_calls_total", dimensions: [("method", method.name), ("outcome", outcome)]).increment() }

        while true {
            try await waitForBudget(method, channel: channel, priority: priority)
            let response: HTTPResponse
            do {
                response = try await transport.perform(request)
            } catch is CancellationError {
                throw CancellationError()
            } catch let failure as any HTTPTransportFailure where failure.requestCertainlyNotDelivered {
                guard serverRetries < maximumServerRetries else {
                    throw SlackAPIError(method: method.name, kind: .unavailable("\(failure)"))
                }
                serverRetries += 1
                logger.notice("Slack unreachable; retrying", metadata: ["slack.method": "\(method.name)", "vigil.attempt": "\(serverRetries)"])
                try await clock.sleep(for: backoff(serverRetries))
                continue
            } catch {
                if method.isIdempotent && serverRetries < maximumServerRetries {
                    serverRetries += 1
                    try await clock.sleep(for: backoff(serverRetries))
                    continue
                }
                outcome = "uncertain"
                let uncertain = SlackAPIError(method: method.name, kind: method.isIdempotent ? .unavailable("\(error)") : .deliveryUncertain("\(error)"))
                logger.error("\(uncertain)", metadata: ["slack.channel": "\(channel ?? "-")"])
                throw uncertain
            }

            if method.tier == .postMessage, let channel, configuration.budgets.enabled {
                // Slack measures the spacing of posts as they arrive: count the next post's second from this answer,
                // not from this send, so transport jitter cannot bunch two posts together.
                limiter.block([.channel(channel)], for: configuration.budgets.postMessagePerChannel.interval, now: clock.now)
            }
            if response.status >= 500 {
                let safeToRetry = method.isIdempotent || [502, 503].contains(response.status)
                guard safeToRetry else {
                    outcome = "uncertain"
                    throw SlackAPIError(method: method.name, kind: .deliveryUncertain("HTTP \(response.status)"))
                }
                guard serverRetries < maximumServerRetries else {
                    throw SlackAPIError(method: method.name, kind: .unavailable("HTTP \(response.status)"))
                }
                serverRetries += 1
                logger.notice("Slack answered \(response.status); retrying", metadata: ["slack.method": "\(method.name)"])
                try await clock.sleep(for: backoff(serverRetries))
                continue
            }
            let decoded = try? JSONDecoder().decode(JSONValue.self, from: Data(response.body))
            if Self.isRateLimited(response, body: decoded) {
                // No call to this method (or channel) before Retry-After: the block holds every call, this one's
                // retry included, in `waitForBudget`.
                let retryAfter = Self.retryAfter(response) ?? configuration.defaultRetryAfter
                Counter(label: "vigil_webapi_ratelimited_total", dimensions: [("method", method.name)]).increment()
                limiter.block(blockKeys(method, channel: channel), for: retryAfter, now: clock.now)
                logger.warning("rate limited by Slack; waiting as asked", metadata: [
                    "slack.method": "\(method.name)", "slack.retry_after": "\(retryAfter.seconds)s",
                ])
                guard retryRateLimits, rateLimitRetries < configuration.maximumRateLimitRetries else {
                    outcome = "ratelimited"
                    throw SlackAPIError(method: method.name, kind: .rateLimited, retryAfter: retryAfter)
                }
                rateLimitRetries += 1
                continue
            }
            guard let body = decoded else {
                throw SlackAPIError(method: method.name, kind: .malformedResponse(response.status))
            }
            if body["ok"]?.boolValue == true {
                outcome = "ok"
                return (body, response)
            }
            let code = body["error"]?.stringValue ?? "unknown_error"
            if SlackAPIError.transientCodes.contains(code) {
                // Slack's own trouble. `service_unavailable` and `request_timeout` mean the call was not carried
                // out; after `internal_error` or `fatal_error` part of it may have been, so only idempotent calls
                // are repeated and a post is reported as uncertain (the caller looks before posting again).
                let notCarriedOut = code == "service_unavailable" || code == "request_timeout"
                guard method.isIdempotent || notCarriedOut else {
                    outcome = "uncertain"
                    throw SlackAPIError(method: method.name, kind: .deliveryUncertain("Slack answered \(code)"))
                }
                guard serverRetries < maximumServerRetries else {
                    outcome = code
                    throw SlackAPIError(method: method.name, kind: .slack(code))
                }
                serverRetries += 1
                logger.notice("Slack answered \(code); retrying", metadata: ["slack.method": "\(method.name)"])
                try await clock.sleep(for: backoff(serverRetries))
                continue
            }
            if code == "not_in_channel", method == .chatPostMessage, let channel, !joined {
                joined = true
                logger.notice("not in the channel; joining it once, then posting again", metadata: ["slack.channel": "\(channel)"])
                try await joinConversation(channel: channel)
                continue
            }
            outcome = code
            let error = SlackAPIError(method: method.name, kind: .slack(code), needed: body["needed"]?.stringValue,
                                      provided: body["provided"]?.stringValue)
            if error.isFatalAuth { onFatalAuth(error) }
            throw error
        }
    }

    private func makeRequest(_ method: SlackMethod, token: SlackToken, arguments: [String: JSONValue]) throws -> HTTPRequest {
        var headers = [("Authorization", "Bearer " + token.revealForAuthorizationHeader())]
        let body: [UInt8]
        switch method.encoding {
        case .json:
            headers.append(("Content-Type", "application/json; charset=utf-8"))
            body = try [UInt8](JSONEncoder().encode(JSONValue.object(arguments)))
        case .form:
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
            body = Array(arguments.sorted { $0.key < $1.key }.map { key, value in
                "\(Self.formEncode(key))=\(Self.formEncode(Self.formValue(value)))"
            }.joined(separator: "&").utf8)
        }
        var request = HTTPRequest(method: .post, url: baseURL + method.name, headers: headers, body: body,
                                  connectTimeout: configuration.connectTimeout, timeout: configuration.requestTimeout)
        request.mayBeSentAgain = method.isIdempotent  // a post libcurl re-sent by itself could appear twice
        return request
    }

    /// Waits for the budget of one call; the reservation is taken before any suspension.
    private func waitForBudget(_ method: SlackMethod, channel: String?, priority: CallPriority) async throws {
        let keys = limiter.keys(for: method, channel: channel)
        let ticket = limiter.ticket(priority: priority)
        var wait = limiter.acquire(keys, ticket: ticket, now: clock.now)
        guard wait > .zero else { return }
        if limiter.waitingCount > configuration.queueCapacity && priority == .statusUpdate
            || limiter.waitingCount > configuration.queueCapacity * 2
        {
            limiter.withdraw(ticket)
            throw SlackAPIError(method: method.name, kind: .queueFull)
        }
        let started = clock.now
        queueDepthGauge.record(limiter.waitingCount)
        defer {
            queueWaitTimer.recordNanoseconds(Int64(started.duration(to: clock.now).seconds * 1e9))
            queueDepthGauge.record(limiter.waitingCount)
        }
        while wait > .zero {
            do {
                try await clock.sleep(for: wait)
            } catch {
                limiter.withdraw(ticket)
                throw error
            }
            wait = limiter.acquire(keys, ticket: ticket, now: clock.now)
        }
    }

    private func blockKeys(_ method: SlackMethod, channel: String?) -> [RateLimitKey] {
        if method.tier == .postMessage, let channel { return [.channel(channel)] }
        return [.method(method.name)]
    }

    private func backoff(_ attempt: Int) -> Duration {
        let ceiling = min(configuration.maximumBackoff.seconds, configuration.initialBackoff.seconds * Double(1 << min(attempt, 20)))
        return .seconds(Double.random(in: 0...ceiling, using: &random))
    }

    /// Slack's "slow down": HTTP 429, or `{"ok": false, "error": "ratelimited"}` in an answer that is not a 5xx.
    static func isRateLimited(_ response: HTTPResponse, body: JSONValue?) -> Bool {
        if response.status == 429 { return true }
        guard response.status < 500, let body, body["ok"]?.boolValue != true else { return false }
        return body["error"]?.stringValue == "ratelimited"
    }

    /// The wait Slack asked for in `Retry-After` (seconds, at most an hour); `nil` when there is none or it is not a
    /// number.
    static func retryAfter(_ response: HTTPResponse) -> Duration? {
        guard let raw = response[header: "retry-after"], let seconds = Double(raw.trimmed()), seconds >= 0 else { return nil }
        return .seconds(min(seconds, 3600))
    }

    private static func formValue(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .number(let number): return number.rounded() == number ? String(Int64(number)) : String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return ""
        case .array, .object:
            return (try? JSONEncoder().encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }

    private static func formEncode(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = Array("0123456789ABCDEF")
                encoded += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 0xF)])"
            }
        }
        return encoded
    }
}
