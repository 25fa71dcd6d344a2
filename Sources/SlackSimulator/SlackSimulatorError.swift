/// An error thrown by ``SlackSimulator``.
///
/// Compare ``code`` against the static codes; ``description`` says what happened and, for timeouts, what was
/// awaited and what was seen. Descriptions never contain tokens.
public struct SlackSimulatorError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case timedOut, unknownConnection, connectionNotOpen, shutDown, startFailed, unknownChannel,
                messageNotFound, invalidJSON, certificateGenerationFailed
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// An awaited condition did not happen in time.
        public static let timedOut = Code(.timedOut)
        /// No connection has the given id.
        public static let unknownConnection = Code(.unknownConnection)
        /// The connection exists but is closed (or not yet live).
        public static let connectionNotOpen = Code(.connectionNotOpen)
        /// The simulator was shut down while waiting, or before the call.
        public static let shutDown = Code(.shutDown)
        /// The server could not be started (bind or TLS setup failed).
        public static let startFailed = Code(.startFailed)
        /// No conversation has the given id.
        public static let unknownChannel = Code(.unknownChannel)
        /// No message has the given ts.
        public static let messageNotFound = Code(.messageNotFound)
        /// A JSON argument was not valid JSON (or not an object where one is required).
        public static let invalidJSON = Code(.invalidJSON)
        /// `openssl` failed while making test certificates.
        public static let certificateGenerationFailed = Code(.certificateGenerationFailed)

        public var description: String { self.base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// A human-readable explanation.
    public let message: String
    /// The error that caused this one, if any.
    public let underlyingError: (any Error)?

    private init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlyingError = underlying
    }

    public var description: String { "SlackSimulatorError.\(self.code): \(self.message)" }

    /// A wait did not succeed in time.
    static func timedOut(after timeout: Duration, awaiting what: String, seen: String) -> Self {
        Self(.timedOut, "timed out after \(timeout) waiting for \(what); saw \(seen)")
    }

    /// No such connection.
    static func unknownConnection(_ id: SocketModeConnectionID) -> Self {
        Self(.unknownConnection, "no Socket Mode connection \(id)")
    }

    /// The connection is not live or silent.
    static func connectionNotOpen(_ id: SocketModeConnectionID, state: SocketModeConnectionInfo.State) -> Self {
        Self(.connectionNotOpen, "Socket Mode connection \(id) is \(state.rawValue), not live")
    }

    /// The simulator is shut down.
    static func shutDown(while what: String) -> Self {
        Self(.shutDown, "the simulator was shut down \(what)")
    }

    /// The server could not start.
    static func startFailed(_ what: String, underlying: (any Error)? = nil) -> Self {
        Self(.startFailed, "could not start the simulator: \(what)", underlying: underlying)
    }

    /// No such conversation.
    static func unknownChannel(_ id: String) -> Self {
        Self(
            .unknownChannel,
            "no conversation \(id) in the simulated workspace; add it to the configuration's channels"
        )
    }

    /// No such message.
    static func messageNotFound(channel: String, ts: String) -> Self {
        Self(.messageNotFound, "no message \(ts) in \(channel)")
    }

    /// A JSON argument is invalid.
    static func invalidJSON(_ what: String, underlying: (any Error)? = nil) -> Self {
        Self(.invalidJSON, what, underlying: underlying)
    }

    /// openssl failed.
    static func certificateGenerationFailed(_ what: String) -> Self {
        Self(.certificateGenerationFailed, what)
    }
}
