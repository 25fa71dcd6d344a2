import Foundation

/// What `/vigil status` reports about the daemon itself; the lead's wiring fills it from the health board, the
/// Socket Mode service and the Web API client. Open incidents, watched channels and pending approvals are added by
/// ``ConversationCommandExecutor`` from the store and the approvals.
public struct VigilStatusReport: Sendable, Hashable {
    /// Live Socket Mode connections of this workspace.
    public var liveConnections: Int
    /// Reconnects since start.
    public var reconnects: Int
    /// Envelopes waiting for a handler.
    public var queuedEnvelopes: Int
    /// Web API calls waiting for a rate-limit slot.
    public var queuedWebAPICalls: Int
    /// `nil` while unknown; `false` once Slack rejected a token.
    public var tokenHealthy: Bool?
    /// When the daemon started, if known.
    public var startedAt: Date?
    /// The version string, if known.
    public var version: String?
    /// Problems worth telling a person (already free of secrets), one line each.
    public var problems: [String]

    /// Creates a report.
    ///
    /// - Parameters:
    ///   - liveConnections: Live Socket Mode connections.
    ///   - reconnects: Reconnects since start.
    ///   - queuedEnvelopes: Events acked and not yet fully handled (running or waiting for a handler slot).
    ///   - queuedWebAPICalls: Web API calls waiting for a slot.
    ///   - tokenHealthy: Token state, `nil` when unknown.
    ///   - startedAt: Start time.
    ///   - version: Version string.
    ///   - problems: Problems, one line each, without secrets.
    public init(
        liveConnections: Int = 0,
        reconnects: Int = 0,
        queuedEnvelopes: Int = 0,
        queuedWebAPICalls: Int = 0,
        tokenHealthy: Bool? = nil,
        startedAt: Date? = nil,
        version: String? = nil,
        problems: [String] = []
    ) {
        self.liveConnections = liveConnections
        self.reconnects = reconnects
        self.queuedEnvelopes = queuedEnvelopes
        self.queuedWebAPICalls = queuedWebAPICalls
        self.tokenHealthy = tokenHealthy
        self.startedAt = startedAt
        self.version = version
        self.problems = problems
    }
}

/// Produces the daemon's part of `/vigil status` when someone asks.
public typealias StatusProvider = @Sendable () async -> VigilStatusReport
