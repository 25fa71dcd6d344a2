/// Slack answered `ok: false`, rate limited a call, or a call could not be completed safely.
///
/// Descriptions name the method and Slack's error code and say what to do; they never contain a token.
public struct SlackAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// `ok: false` with Slack's error code.
        case slack(String)
        /// HTTP 429 or `ratelimited`, after the allowed retries.
        case rateLimited
        /// A post may or may not have been delivered (timeout or connection loss after sending); it was not re-sent.
        case deliveryUncertain(String)
        /// Slack kept answering 5xx, or could not be reached, after the allowed retries.
        case unavailable(String)
        /// The answer was not Slack's JSON.
        case malformedResponse(Int)
        /// The workspace's call queue is full; low-priority work is refused rather than queued without bound.
        case queueFull
    }

    public let method: String
    public let kind: Kind
    /// For `missing_scope`: the scopes the method needs and the ones the token has.
    public let needed: String?
    public let provided: String?
    /// For rate limiting: how long Slack asked to wait.
    public let retryAfter: Duration?

    public init(method: String, kind: Kind, needed: String? = nil, provided: String? = nil, retryAfter: Duration? = nil) {
        self.method = method
        self.kind = kind
        self.needed = needed
        self.provided = provided
        self.retryAfter = retryAfter
    }

    /// Slack's error code, for `ok: false` answers.
    public var code: String? {
        if case .slack(let code) = kind { return code }
        return nil
    }

    /// The token is invalid, revoked, expired or its account is gone: retrying cannot help, the operator must act.
    public var isFatalAuth: Bool {
        guard let code else { return false }
        return Self.fatalAuthCodes.contains(code)
    }

    /// The error codes that mean the token will never work again.
    public static let fatalAuthCodes: Set<String> = [
        "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive",
        "not_allowed_token_type", "team_disabled", "user_removed_from_team",
    ]

    public var isFatal: Bool {
        isFatalAuth || code == "missing_scope" || code == "forbidden_team"
    }

    /// Slack's error codes that say "try again later": its own trouble, not the request's or the token's.
    public static let transientCodes: Set<String> = [
        "internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited",
    ]

    /// Whether waiting and trying again can help: Slack unreachable or answering 5xx, rate limited, an answer that
    /// is not Slack's JSON (a proxy's error page), a full call queue, or one of ``transientCodes``. Workspaces retry
    /// these for ever with capped backoff; everything else (``isFatal`` and unknown `ok: false` codes) is reported.
    public var isTransient: Bool {
        switch kind {
        case .rateLimited, .unavailable, .deliveryUncertain, .malformedResponse, .queueFull: true
        case .slack(let code): Self.transientCodes.contains(code)
        }
    }

    public var description: String {
        switch kind {
        case .slack(let code):
            var text = "\(method) failed: \(code)"
            switch code {
            case "missing_scope":
                text += " (needs \(needed ?? "?"), the token has \(provided ?? "?")); add the scope under OAuth & Permissions and reinstall the app"
            case "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive":
                text += "; the token no longer works: create a new one and update the credential"
            case "not_allowed_token_type":
                text += "; the wrong kind of token was given (app-level xapp- vs bot xoxb-)"
            case "not_in_channel":
                text += "; invite the bot to the channel (/invite @vigil)"
            case "channel_not_found":
                text += "; check the channel ID and that the bot can see it"
            default:
                break
            }
            return text
        case .rateLimited:
            return "\(method) was rate limited by Slack after every allowed retry"
        case .deliveryUncertain(let detail):
            return "\(method) may or may not have been delivered (\(detail)); not re-sent to avoid a duplicate"
        case .unavailable(let detail):
            return "\(method) failed: Slack unavailable (\(detail)) after every allowed retry"
        case .malformedResponse(let status):
            return "\(method) returned an answer that is not Slack's JSON (HTTP \(status))"
        case .queueFull:
            return "\(method) refused: the workspace's call queue is full (low-priority work is dropped first)"
        }
    }
}
